import { fold } from "../lib/text.js";
import type { Catalog, Referential } from "./catalog.js";
import { type DocType, normalizeRncp, type TitreIdentity, titreNames } from "./identity.js";

/** One titre and the documents about it (its REAC, its RE, a guide…). */
export interface Titre {
  /** The documents' ids, in catalog order. */
  ids: string[];
  identity: TitreIdentity;
  /** Folded names a question may use: sigle, RNCP number, TP code, job name, the operator's aliases. */
  names: string[];
  /** How the titre is shown in a list: "CDA — Concepteur développeur d'applications". */
  label: string;
}

/** The identity a referential carries, or what its catalog fields say of it (the shipped ones). */
export function identityOf(ref: Referential): TitreIdentity {
  const id = ref.identity;
  return {
    // Documents stored before identities were read still name their RNCP number in their id or title.
    rncp:
      id?.rncp ??
      (ref.rncp ? normalizeRncp(ref.rncp) : null) ??
      normalizeRncp(
        /^rncp-?(\d{4,6})(?:\D|$)/.exec(ref.id)?.[1] ?? /\bRNCP\s*(\d{4,6})\b/i.exec(ref.title)?.[1] ?? "",
      ),
    tp: id?.tp ?? null,
    sigle: id?.sigle ?? null,
    job: id?.job ?? ref.certification?.replace(/\s*\(.*\)$/, "") ?? null,
    level: id?.level ?? ref.level ?? null,
    levelLabel: id?.levelLabel ?? null,
    docTypes: id?.docTypes ?? [],
    version: id?.version ?? null,
    date: id?.date ?? null,
    aliases: id?.aliases ?? [],
  };
}

const WEAK = new WeakMap<Catalog, Titre[]>();

/**
 * The catalog's referentials grouped by titre: documents sharing an RNCP
 * number, a TP code, or a job name (with the same sigle, or none) are one
 * titre. Computed once per catalog.
 */
export function titresOf(catalog: Catalog): Titre[] {
  const cached = WEAK.get(catalog);
  if (cached) return cached;
  const refs = catalog.referentials;
  const parent = refs.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i]!;
    return i;
  };
  const owner = new Map<string, number>();
  const keys = (ref: Referential) => {
    const id = identityOf(ref);
    const out: string[] = [];
    if (id.rncp) out.push(`rncp:${id.rncp}`);
    if (id.tp) out.push(`tp:${id.tp}`);
    if (id.job) out.push(`job:${fold(id.job)}|${id.sigle ?? ""}`);
    return out;
  };
  for (const [i, ref] of refs.entries())
    for (const k of keys(ref)) {
      const o = owner.get(k);
      if (o === undefined) owner.set(k, i);
      else parent[find(i)] = find(o);
    }
  const groups = new Map<number, number[]>();
  for (const i of refs.keys()) groups.set(find(i), [...(groups.get(find(i)) ?? []), i]);
  const titres: Titre[] = [];
  for (const members of groups.values()) {
    const ids = members.map((i) => refs[i]!.id);
    const identities = members.map((i) => identityOf(refs[i]!));
    const pick = <K extends keyof TitreIdentity>(k: K) => identities.find((x) => x[k])?.[k] ?? null;
    const identity: TitreIdentity = {
      rncp: pick("rncp"),
      tp: pick("tp"),
      sigle: pick("sigle"),
      job: pick("job"),
      level: pick("level"),
      levelLabel: pick("levelLabel"),
      docTypes: [...new Set(identities.flatMap((x) => x.docTypes))],
      version: pick("version"),
      date: pick("date"),
      aliases: [...new Set(identities.flatMap((x) => x.aliases))],
    };
    const names = new Set(titreNames(identity));
    const label =
      [identity.sigle, identity.job].filter(Boolean).join(" — ") ||
      members.map((i) => refs[i]!.certification ?? refs[i]!.title)[0]!;
    titres.push({
      ids,
      identity,
      names: [...names],
      label: identity.rncp ? `${label} (${identity.rncp})` : label,
    });
  }
  WEAK.set(catalog, titres);
  return titres;
}

/**
 * The catalog with every titre's names: a name of a one-document titre
 * becomes an alias of that document, a name of a titre of several documents
 * a group (a question naming the titre searches its REAC and its RE
 * together). A name a referential already answers to keeps its meaning.
 */
export function withTitreNames(source: Catalog): Catalog {
  // A document titled by its kind and what it is about (« Guide du mémoire professionnel … ») answers to
  // those words (« dans le guide du mémoire »), the longer name taken before the shipped guide's « guide ».
  const opening = (r: Referential) => DOCUMENT_OPENING.exec(fold(r.title).replace(/[^a-z0-9' ]+/g, " "))?.[0];
  const openings = source.referentials.map(opening);
  const catalog: Catalog = {
    ...source,
    referentials: source.referentials.map((r, i) => {
      const o = openings[i];
      return o && openings.filter((x) => x === o).length === 1 && !r.aliases.map(fold).includes(o)
        ? { ...r, aliases: [...r.aliases, o] }
        : r;
    }),
  };
  const taken = new Set<string>();
  for (const r of catalog.referentials) for (const a of [r.id, ...r.aliases]) taken.add(fold(a));
  for (const g of Object.keys(catalog.groups)) taken.add(fold(g));
  const extra = new Map<string, string[]>();
  const groups: Catalog["groups"] = { ...catalog.groups };
  for (const t of titresOf(catalog))
    for (const name of t.names) {
      if (taken.has(name)) continue;
      taken.add(name);
      if (t.ids.length === 1) extra.set(t.ids[0]!, [...(extra.get(t.ids[0]!) ?? []), name]);
      else groups[name] = t.ids;
    }
  return {
    referentials: catalog.referentials.map((r) =>
      extra.has(r.id) ? { ...r, aliases: [...r.aliases, ...extra.get(r.id)!] } : r,
    ),
    groups,
  };
}

const DOCUMENT_OPENING = /^(?:guide|livret|brochure)\s+(?:(?:du|de la|des|de)\s+|de l'\s*|d'\s*)[a-z]{4,}/;

// How a question names a kind of document: "le REAC du CDA", "dans le RE", "le référentiel d'évaluation".
const DOC_TYPE_NAMED: [DocType, RegExp][] = [
  ["REAC", /\bREAC\b|\br[ée]f[ée]rentiel (?:d['’])?emploi\b/i],
  ["RE", /\bREV?\d?\b|\br[ée]f[ée]rentiel d['’][ée]valuation\b/],
  ["RC", /\bRC\b|\br[ée]f[ée]rentiel de (?:comp[ée]tences|certification)\b/],
  ["guide", /\bguide\b/i],
  ["livret", /\blivret\b/i],
];

/**
 * Of the documents a question's titre names, those of the kind of document
 * it names ("dans le REAC du titre CDA" → the REAC): the ids to leave out.
 * Nothing is left out when no kind is named, or when none of the titre's
 * documents is of that kind.
 */
export function otherDocTypes(include: ReadonlySet<string>, question: string, catalog: Catalog): string[] {
  const named = new Set(DOC_TYPE_NAMED.filter(([, re]) => re.test(question)).map(([t]) => t));
  if (!named.size) return [];
  const out: string[] = [];
  for (const t of titresOf(catalog)) {
    const ids = t.ids.filter((id) => include.has(id));
    if (ids.length < 2) continue;
    const types = (id: string) => identityOf(catalog.referentials.find((r) => r.id === id)!).docTypes;
    const kept = ids.filter((id) => types(id).some((d) => named.has(d)));
    if (kept.length && kept.length < ids.length) out.push(...ids.filter((id) => !kept.includes(id)));
  }
  return out;
}
