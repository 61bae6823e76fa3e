import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { CertibotError } from "../errors.js";
import { editDistance } from "../lib/text.js";

/**
 * Query-side vocabulary bridges, read from `knowledge/lexicon.yml` (data an
 * operator extends when indexing a titre): candidates' English, shorthand
 * and synonyms mapped to French words the referentials use.
 */
const BridgeSchema = z.object({
  from: z
    .string()
    .regex(/^[a-z0-9_' -]+$/, "mots repliés (minuscules, sans accents), séparés par des espaces"),
  to: z.string().regex(/^[a-z0-9 -]+$/, "mots français repliés (minuscules, sans accents)"),
});
export const LexiconFileSchema = z.object({
  bridges: z
    .array(BridgeSchema)
    .min(1)
    // A word bridged twice keeps only its last bridge (the first one silently lost): say which.
    .superRefine((bridges, ctx) => {
      const seen = new Map<string, number>();
      bridges.forEach(({ from }, i) => {
        for (const key of from.split(/\s+/).filter(Boolean)) {
          const first = seen.get(key);
          if (first !== undefined)
            ctx.addIssue({
              code: "custom",
              path: [i, "from"],
              message: `« ${key} » a déjà un pont (entrée ${first + 1}) : une seule entrée par mot`,
            });
          else seen.set(key, i);
        }
      });
    }),
});

export interface Lexicon {
  /** Folded word or phrase ("tech watch") → space-separated French expansion. */
  readonly expansions: Readonly<Record<string, string>>;
  /** Single-word keys by first letter and length ("c10"), to read "competancy" as "competency". */
  readonly skeletons: ReadonlyMap<string, string[]>;
}

export function buildLexicon(bridges: z.infer<typeof BridgeSchema>[]): Lexicon {
  const expansions: Record<string, string> = {};
  for (const { from, to } of bridges)
    for (const key of from.split(/\s+/).filter(Boolean)) expansions[key.replace(/_/g, " ")] = to;
  const skeletons = new Map<string, string[]>();
  for (const key of Object.keys(expansions)) {
    if (key.includes(" ") || key.length < 5) continue;
    const skeleton = `${key[0]}${key.length}`;
    skeletons.set(skeleton, [...(skeletons.get(skeleton) ?? []), key]);
  }
  return { expansions, skeletons };
}

/** The lexicon entry a misspelt word stands for ("competancy" → "competency"). */
export function lexiconTypo(lexicon: Lexicon, word: string): string | undefined {
  if (word.length < 5) return undefined;
  for (let len = word.length - 1; len <= word.length + 1; len++)
    for (const key of lexicon.skeletons.get(`${word[0]}${len}`) ?? [])
      if (editDistance(word, key, 1) <= 1) return key;
  return undefined;
}

export const EMPTY_LEXICON: Lexicon = buildLexicon([]);

/** Reads and validates `lexicon.yml`; a bad file stops with its name and the faulty entry. */
export async function loadLexicon(knowledgeDir: string): Promise<Lexicon> {
  const path = join(knowledgeDir, "lexicon.yml");
  let raw: string;
  try {
    raw = await readFile(path, "utf8");
  } catch (cause) {
    throw new CertibotError("KNOWLEDGE_INVALID", { hint: `${path} est introuvable.`, cause });
  }
  let parsed: ReturnType<typeof LexiconFileSchema.safeParse>;
  try {
    parsed = LexiconFileSchema.safeParse(parseYaml(raw));
  } catch (cause) {
    throw new CertibotError("KNOWLEDGE_INVALID", { hint: `${path} n'est pas du YAML valide.`, cause });
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CertibotError("KNOWLEDGE_INVALID", {
      hint: `${path} : ${issue.path.join(".")} — ${issue.message}.`,
    });
  }
  return buildLexicon(parsed.data.bridges);
}

/**
 * Everyday verbs and framing words: their expansions help ranking ("fix" →
 * "résoudre"), but they tell nothing about whether a question concerns the
 * referentials ("can you help me fix my printer?"), so the scope check
 * ignores them.
 */
export const GENERIC_WORDS = new Set(
  `help helps helping assist fix fixing fixed solve solving write writing written build building built create
creating install installing show shows showing display ask asked asks asking time start starts begin choose
choosing select selecting pick picking compare comparing find finding work`.split(/\s+/),
);

/**
 * The vocabulary of certification itself: a question using it is about the
 * referentials even when its other words are unknown ("which skill covers
 * usability for blind people?").
 */
export const CERTIFICATION_WORDS =
  /\b(?:competences?|competency|competencies|skills?|comps?|criteres?|criteria|criterion|evaluations?|evaluee?s?|assess(?:ed|ment)?|epreuves?|exams?|jury|jurys|jures?|soutenance|oral|rapports?|livrables?|deliverables?|memoire|thesis|certifications?|certifs?|certs|blocs?|blocks?|referentiels?|referentials?|glossaire|glossary|cas pratiques?|case study|chef d'oeuvre|cdo|pv|proces verbal|grilles?|rubric|candidats?|candidates?|apprenants?|alternants?|alternance|apprenticeship|work-study|brochure)\b/;

/** Words that tell which kind of record the question wants. */
export const KIND_HINTS: { pattern: RegExp; kind: string }[] = [
  { pattern: /\b(competences?|competency|competencies|skills?|comps?)\b/, kind: "competency" },
  { pattern: /\b(criteres?|criteria|criterion)\b/, kind: "criterion" },
  { pattern: /\b(activites?|activity|activities)\b/, kind: "activity" },
  { pattern: /\b(blocs?|blocks?)\b/, kind: "bloc" },
  {
    pattern:
      /\b(glossaire|glossary|definition|c'est quoi un|qu'est-ce qu'une?|qu'est ce qu'une?|what is an?|veut dire|signifie|means|a quoi sert|a quoi servent|what is the purpose|purpose of|what is .+ for)\b/,
    kind: "glossary",
  },
];
