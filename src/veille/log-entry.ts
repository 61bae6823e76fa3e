import { CertibotError, isCertibotError } from "../errors.js";
import { squash, unwrapSlackLink } from "../lib/text.js";
import { parseDuration } from "./duration.js";
import {
  MAX_TAKEAWAY_CHARS,
  MAX_TAKEAWAYS,
  MAX_TITLE_CHARS,
  type NewVeilleEntry,
  SOURCE_TYPES,
  type SourceType,
} from "./types.js";

/** What a person typed or picked, before validation. */
export interface VeilleEntryInput {
  duration: string;
  title: string;
  url?: string | null;
  sourceType?: string | null;
  takeaways?: readonly string[];
  shared?: boolean;
}

export type EntryField = "duration" | "title" | "url" | "sourceType" | "takeaways";

export type EntryValidation =
  | { ok: true; entry: NewVeilleEntry }
  | { ok: false; errors: Partial<Record<EntryField, string>> };

const MAX_URL_CHARS = 2_000;

/** An http(s) address, or a French reason it is not one. */
export function checkUrl(text: string): { url: string } | { error: string } {
  const t = text.trim();
  let parsed: URL;
  try {
    parsed = new URL(t);
  } catch {
    return { error: `« ${t.slice(0, 80)} » n'est pas une adresse web valide (attendu : https://…).` };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    return { error: `Seuls les liens http:// ou https:// sont acceptés (reçu « ${parsed.protocol} »).` };
  if (!parsed.hostname) return { error: "L'adresse n'indique pas de site (attendu : https://site/…)." };
  if (t.length > MAX_URL_CHARS) return { error: `L'adresse dépasse ${MAX_URL_CHARS} caractères.` };
  return { url: parsed.toString() };
}

/** Accepts the stored id or its French label, accents and case aside. */
export function parseSourceType(text: string): SourceType | null {
  const t = text.trim().toLowerCase();
  if ((SOURCE_TYPES as readonly string[]).includes(t)) return t as SourceType;
  const fr: Record<string, SourceType> = {
    doc: "documentation",
    vidéo: "video",
    webinaire: "video",
    conférence: "conference",
    publication: "paper",
    réglementation: "regulation",
    reglementation: "regulation",
    norme: "regulation",
    autre: "other",
    blog: "article",
  };
  return fr[t] ?? null;
}

/** Field by field, so the modal can show each message beside its field. */
export function validateEntry(input: VeilleEntryInput): EntryValidation {
  const errors: Partial<Record<EntryField, string>> = {};
  let minutes = 0;
  try {
    minutes = parseDuration(input.duration);
  } catch (e) {
    if (!isCertibotError(e)) throw e;
    errors.duration = e.hint ?? e.userMessage();
  }
  const title = squash(input.title ?? "");
  if (!title) errors.title = "Donnez un titre à cette veille (ce que vous avez lu, écouté ou regardé).";
  else if (title.length > MAX_TITLE_CHARS)
    errors.title = `Le titre fait ${title.length} caractères ; ${MAX_TITLE_CHARS} au plus.`;
  let url: string | null = null;
  if (input.url?.trim()) {
    const checked = checkUrl(input.url);
    if ("error" in checked) errors.url = checked.error;
    else url = checked.url;
  }
  let sourceType: SourceType = "other";
  if (input.sourceType?.trim()) {
    const t = parseSourceType(input.sourceType);
    if (t) sourceType = t;
    else
      errors.sourceType = `Type de source inconnu « ${input.sourceType.trim()} ». Possibles : ${SOURCE_TYPES.join(", ")}.`;
  }
  const takeaways = (input.takeaways ?? []).map(squash).filter(Boolean);
  if (!takeaways.length)
    errors.takeaways =
      "Notez au moins un point clé retenu (trois au plus) : c'est la synthèse attendue en C6.";
  else if (takeaways.length > MAX_TAKEAWAYS)
    errors.takeaways = `${takeaways.length} points clés : gardez les ${MAX_TAKEAWAYS} plus importants.`;
  else if (takeaways.some((t) => t.length > MAX_TAKEAWAY_CHARS))
    errors.takeaways = `Chaque point clé tient en ${MAX_TAKEAWAY_CHARS} caractères au plus.`;
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, entry: { minutes, title, url, sourceType, takeaways, shared: input.shared ?? false } };
}

const FIELD_LABELS: Record<EntryField, string> = {
  duration: "Durée",
  title: "Titre",
  url: "Lien",
  sourceType: "Type de source",
  takeaways: "Points clés",
};

/** The validated entry, or VEILLE_INVALID listing every problem. */
export function requireValidEntry(input: VeilleEntryInput): NewVeilleEntry {
  const v = validateEntry(input);
  if (v.ok) return v.entry;
  const lines = (Object.entries(v.errors) as Array<[EntryField, string]>).map(
    ([field, message]) => `${FIELD_LABELS[field]} : ${message}`,
  );
  throw new CertibotError("VEILLE_INVALID", { hint: lines.join(" ") });
}

export const LOG_USAGE =
  '/veille log <durée> "<titre>" [https://lien] [type=<type>] [partager] ; <point clé 1> ; <point clé 2> ; <point clé 3>';

const QUOTED = /^(?:"([^"]*)"|«\s*([^»]*?)\s*»|“([^”]*)”)/;

/**
 * `/veille log 1h30 "titre" https://… type=podcast partager ; point 1 ; point 2`.
 * The duration comes first; the title is quoted (or runs up to the link);
 * takeaways follow `;`. Structural problems throw VEILLE_INVALID; the values
 * themselves are checked by validateEntry.
 */
export function parseLogCommand(text: string): VeilleEntryInput {
  const [head = "", ...points] = text.split(/[;\n]/);
  let rest = head.trim();
  const firstSpace = rest.search(/\s/);
  // "1 h 30 "titre"": the duration may hold spaces, so it runs up to the title's opening quote
  // when there is one.
  const quoteAt = rest.search(/["«“]/);
  let duration: string;
  if (quoteAt > 0) {
    duration = rest.slice(0, quoteAt).trim();
    rest = rest.slice(quoteAt);
  } else {
    duration = firstSpace < 0 ? rest : rest.slice(0, firstSpace);
    rest = firstSpace < 0 ? "" : rest.slice(firstSpace).trim();
  }
  if (!duration)
    throw new CertibotError("VEILLE_INVALID", { hint: `Indiquez d'abord la durée. Usage : ${LOG_USAGE}` });
  let title = "";
  const quoted = QUOTED.exec(rest);
  if (quoted) {
    title = quoted[1] ?? quoted[2] ?? quoted[3] ?? "";
    rest = rest.slice(quoted[0].length).trim();
  }
  let url: string | null = null;
  let sourceType: string | null = null;
  let shared = false;
  const loose: string[] = [];
  for (const token of rest.split(/\s+/).filter(Boolean)) {
    // Slack wraps links it recognises: <https://x|label>.
    const unwrapped = unwrapSlackLink(token);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(unwrapped) && url === null) url = unwrapped;
    else if (/^type=/i.test(token)) sourceType = token.slice(5);
    else if (/^(partager|partage|share)$/i.test(token)) shared = true;
    else loose.push(token);
  }
  if (!quoted) title = loose.join(" ");
  else if (loose.length)
    throw new CertibotError("VEILLE_INVALID", {
      hint: `Je ne sais pas quoi faire de « ${loose.join(" ")} » après le titre. Usage : ${LOG_USAGE}`,
    });
  return { duration, title, url, sourceType, takeaways: points.map((p) => p.trim()), shared };
}
