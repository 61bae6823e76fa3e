import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { PACKAGE_ROOT } from "../config.js";
import { CertibotError } from "../errors.js";
import { fold } from "../lib/text.js";

/**
 * How candidates phrase what they ask, read from `knowledge/phrasings.yml`:
 * the words declines and parts are read with are data an operator extends,
 * not code.
 */
const Words = z.array(z.string().min(1)).min(1);
export const PhrasingsFileSchema = z.object({
  work: z.object({
    verbs: Words,
    requests: Words,
    fillers: Words,
    owners: Words,
    /** "à ma place": whatever is to be produced, asked of the bot in the candidate's stead. */
    insteadOf: Words.default([]),
    works: Words,
    how: Words,
  }),
  personal: z.object({ data: Words, of: Words, roles: Words, notNames: Words }),
  parts: z.object({
    joins: Words,
    asks: z.record(z.enum(["who", "when", "where", "how-many", "what", "how", "yesno"]), Words),
  }),
  both: Words,
  deliverables: Words,
  /** Chat shorthand and the words it stands for ("qd" → "quand"). */
  shorthand: z.record(z.string().regex(/^[a-z0-9]+$/), z.string().min(1)).default({}),
});

export type Ask = "who" | "when" | "where" | "how-many" | "what" | "how" | "yesno";

/** The phrasings as matchers over folded text. */
export interface Phrasings {
  /** A request verb at a clause start or after a request, then fillers, then a work or an owner. */
  doWork: RegExp;
  howTo: RegExp;
  /** Personal data of a role ("le téléphone du président du jury"). */
  personalOfRole: RegExp;
  /** Personal data followed by what may be a name; the name is checked on the typed text. */
  personalOfName: RegExp;
  notNames: Set<string>;
  joins: string[];
  /** The joins as one pattern, captured: splitting with it keeps each join before its piece. */
  joinSplit: RegExp;
  asks: [Ask, RegExp][];
  both: RegExp;
  /** A deliverable or exam piece named ("veille", "cdo", "synthèse orale"). */
  deliverable: RegExp;
  /** Folded text with its chat shorthand written out. */
  unabbreviate: (folded: string) => string;
}

const literal = (s: string) =>
  fold(s)
    .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    .replace(/\s+/g, "\\s+");
const alt = (list: string[]) =>
  [...list]
    .sort((a, b) => b.length - a.length)
    .map(literal)
    .join("|");
// Words end at a letter boundary; "l'" and "m'" end at their apostrophe.
const word = (list: string[]) => `(?:${alt(list)})(?![a-z0-9])`;

export function buildPhrasings(file: z.infer<typeof PhrasingsFileSchema>): Phrasings {
  const { work, personal, parts } = file;
  const verb = `(?:${alt(work.verbs)})(?:-(?:moi|me|nous|le|la|les))?(?![a-z0-9])`;
  const filler = `(?:\\s*(?:${alt(work.fillers)})(?:(?<=')|(?![a-z0-9])))`;
  const target = `(?:\\s*(?:${alt(work.owners)}|${alt(work.works)})(?![a-z0-9]))`;
  const clauseStart = `(?:^|[.?!,;:]\\s*|\\b(?:${alt(work.requests)})\\s+(?:m'|me\\s+|moi\\s+)?)`;
  return {
    doWork: new RegExp(
      `${clauseStart}\\s*(?:(?:${alt(work.requests)})\\s+)*(?:m'|me\\s+)?${verb}(?:${filler}{0,3}${target}${work.insteadOf.length ? `|[^.?!;]{0,120}${word(work.insteadOf)}` : ""})`,
    ),
    howTo: new RegExp(`(?:^|[^a-z])${word(work.how)}`),
    personalOfRole: new RegExp(
      `(?:^|[^a-z])${word(personal.data)}\\s+(?:${alt(personal.of)})\\s*(?:(?:le|la|les|l'|the|mon|ma|mes|my|notre|our|ce|cette|un|une|a)\\s+)?${word(personal.roles)}`,
    ),
    personalOfName: new RegExp(
      `(?:^|[^a-z])${word(personal.data)}\\s+(?:${alt(personal.of)})\\s*([a-z][a-z-]+)`,
      "g",
    ),
    notNames: new Set(personal.notNames.map(fold)),
    joins: parts.joins.map(fold),
    joinSplit: new RegExp(
      `(${parts.joins.map((j) => fold(j).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})`,
    ),
    asks: Object.entries(parts.asks).map(([ask, list]) => [
      ask as Ask,
      new RegExp(`(?:^|[^a-z])${word(list)}`),
    ]),
    both: new RegExp(`(?:^|[^a-z])${word(file.both)}`),
    deliverable: new RegExp(`(?:^|[^a-z])${word(file.deliverables)}`),
    unabbreviate: unabbreviator(file.shorthand),
  };
}

function unabbreviator(shorthand: Record<string, string>): (folded: string) => string {
  const keys = Object.keys(shorthand);
  if (!keys.length) return (folded) => folded;
  // An apostrophe or hyphen beside it makes it part of another word ("qu'u", "peut-u").
  const re = new RegExp(`(?<![\\p{L}\\p{N}'-])(${keys.join("|")})(?![\\p{L}\\p{N}'-])`, "gu");
  const full = new Map(Object.entries(shorthand).map(([k, v]) => [k, fold(v)]));
  return (folded) => folded.replace(re, (k) => full.get(k)!);
}

let cached: Phrasings | undefined;

/** The shipped phrasings, read once (a bad file stops with its name and the faulty entry). */
export function phrasings(): Phrasings {
  if (cached) return cached;
  const path = join(PACKAGE_ROOT, "knowledge", "phrasings.yml");
  let parsed: ReturnType<typeof PhrasingsFileSchema.safeParse>;
  try {
    parsed = PhrasingsFileSchema.safeParse(parseYaml(readFileSync(path, "utf8")));
  } catch (cause) {
    throw new CertibotError("KNOWLEDGE_INVALID", {
      hint: `${path} est illisible ou n'est pas du YAML valide.`,
      cause,
    });
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CertibotError("KNOWLEDGE_INVALID", {
      hint: `${path} : ${issue.path.join(".")} — ${issue.message}.`,
    });
  }
  cached = buildPhrasings(parsed.data);
  return cached;
}
