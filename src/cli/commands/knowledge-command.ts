import { readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { openMigratedDb } from "../../db/db.js";
import { CertibotError } from "../../errors.js";
import { addKnowledgeDocument, removeKnowledgeDocument } from "../../knowledge/admin.js";
import { type DocumentSummary, seedShippedDocuments, storedDocuments } from "../../knowledge/documents.js";
import { describeIdentity, levelText } from "../../knowledge/identity.js";
import { parseDocument } from "../../knowledge/parse-document.js";
import { MASK } from "../../knowledge/reader/personal-data.js";
import { identityOf, titresOf } from "../../knowledge/titres.js";
import { openKnowledgeBase, parserMode } from "../../retrieval/knowledge-base.js";
import type { CommandInput, Handler } from "../command-tree.js";
import { type CliContext, println } from "../context.js";

const fmtKinds = (byKind: Record<string, number>) =>
  Object.entries(byKind)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");

const ms = (x: number) => `${(x / 1000).toFixed(2)} s`;

function operator(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return "cli";
  }
}

/** `certibot knowledge add|list|show|remove`: the documents certibot answers from, stored in the database. */
export const addHandler: Handler = ({ args, opts }, ctx) => add(args[0]!, opts, ctx);
export const listHandler: Handler = ({ opts }, ctx) => list(ctx, opts.json === true);
export const showHandler: Handler = ({ args, opts }, ctx) =>
  show(args[0]!, ctx, opts.json === true, opts.records === true);
export const removeHandler: Handler = ({ args }, ctx) => remove(args[0]!, ctx);

async function add(path: string, opts: CommandInput["opts"], ctx: CliContext): Promise<number> {
  const str = (k: string) => {
    const v = opts[k];
    return typeof v === "string" ? v : undefined;
  };
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    throw new CertibotError("KNOWLEDGE_UNREADABLE", { hint: `fichier introuvable ou illisible : ${path}` });
  }
  const db = await openMigratedDb(ctx.config, ctx.log);
  try {
    const r = await addKnowledgeDocument(
      { config: ctx.config, db, log: ctx.log },
      {
        bytes,
        fileName: path,
        id: str("id"),
        title: str("title"),
        certification: str("certification"),
        rncp: str("rncp"),
        aliases: str("aliases")
          ?.split(",")
          .map((a) => a.trim())
          .filter(Boolean),
        replace: opts.replace === true,
        addedBy: operator(),
      },
    );
    const s = r.summary;
    const total = Object.values(s.records).reduce((a, b) => a + b, 0);
    println(ctx.stdout, `Ajouté : ${r.ref.id} — ${r.ref.title}`);
    println(ctx.stdout, `  titre : ${describeIdentity(identityOf(r.ref))}`);
    println(
      ctx.stdout,
      `  ${r.ref.file} (${r.ref.file.split(".").pop()}${s.pages ? `, ${s.pages} pages` : ""}) ; titres lus : ${s.headingSource}`,
    );
    println(ctx.stdout, `  ${total} enregistrements : ${fmtKinds(s.records)}`);
    for (const line of understood(s)) println(ctx.stdout, `  ${line}`);
    if (s.codes.length)
      println(
        ctx.stdout,
        `  codes (${s.codes.length}) : ${s.codes.slice(0, 24).join(", ")}${s.codes.length > 24 ? ", …" : ""}`,
      );
    println(ctx.stdout, `  titres de sections : ${s.headings.length}`);
    if (s.droppedRunning)
      println(ctx.stdout, `  en-têtes et pieds de page écartés : ${s.droppedRunning} lignes`);
    println(
      ctx.stdout,
      `  coordonnées masquées : ${s.masked.phones} numéro(s) de téléphone, ${s.masked.emails} adresse(s) e-mail`,
    );
    const catalog = r.kb.retriever.catalog;
    const aliases = catalog.referentials.find((x) => x.id === r.ref.id)?.aliases ?? [];
    if (aliases.length) println(ctx.stdout, `  reconnu dans les questions par : ${aliases.join(", ")}`);
    const titre = titresOf(catalog).find((t) => t.ids.includes(r.ref.id));
    if (titre && titre.ids.length > 1)
      println(
        ctx.stdout,
        `  même titre que ${titre.ids.filter((x) => x !== r.ref.id).join(", ")} : « ${titre.names.join(" », « ")} » les cherche ensemble`,
      );
    println(
      ctx.stdout,
      `  lecture : ${ms(r.readMs)} ; reconstruction de l'index : ${ms(r.rebuildMs)} (${r.kb.retriever.records.length} enregistrements, version ${r.version})`,
    );
    if (!s.structured) {
      ctx.stderr.write(
        `certibot : structure non reconnue dans ${path} (ni titres ni codes) : indexé en ${total} passages de texte.\n`,
      );
      return 2;
    }
    return 0;
  } finally {
    await db.close();
  }
}

/** What the reader understood, in the operator's words, so a wrong reading shows before candidates meet it. */
function understood(s: DocumentSummary): string[] {
  const out: string[] = [];
  if (s.parts && s.parts.length > 1)
    out.push(
      `parties : ${s.parts.length} documents dans le fichier (${s.parts.map(([a, b]) => `pages ${a}–${b}`).join(", ")})`,
    );
  const st = s.structure;
  if (st) {
    const found = [
      st.activities ? `${st.activities} activité(s) type(s)` : "",
      st.competencies ? `${st.competencies} compétence(s)` : "",
      st.transversal ? `${st.transversal} compétence(s) transversale(s)` : "",
      st.criteria ? `${st.criteria} critère(s)` : "",
      st.evaluations ? `${st.evaluations} épreuve(s) ou modalité(s)` : "",
      st.glossary ? `${st.glossary} terme(s) de glossaire` : "",
    ].filter(Boolean);
    out.push(`structure lue : ${found.length ? found.join(", ") : "aucune (sections seulement)"}`);
  }
  if (s.tables !== undefined) out.push(`tableaux lus avec leurs en-têtes : ${s.tables}`);
  if (s.blankPages?.length)
    out.push(`pages sans texte écartées (${s.blankPages.length}) : ${s.blankPages.join(", ")}`);
  return out;
}

async function list(ctx: CliContext, json: boolean): Promise<number> {
  const db = await openMigratedDb(ctx.config, ctx.log);
  try {
    const kb = await openKnowledgeBase(ctx.config, { db, log: ctx.log });
    const docs = await storedDocuments(db);
    const counts = new Map<string, Record<string, number>>();
    for (const r of kb.retriever.records) {
      const byKind = counts.get(r.referential) ?? {};
      byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
      counts.set(r.referential, byKind);
    }
    const rows = docs.map((d) => ({
      id: d.ref.id,
      title: d.ref.title,
      records: counts.get(d.ref.id) ?? {},
      shipped: d.shipped,
      addedAt: d.addedAt,
      addedBy: d.addedBy,
      identity: identityOf(d.ref),
    }));
    if (json) {
      println(ctx.stdout, JSON.stringify({ documents: rows }));
      return 0;
    }
    for (const r of rows) {
      const total = Object.values(r.records).reduce((a, b) => a + b, 0);
      println(ctx.stdout, `${r.id}  ${r.title}`);
      println(ctx.stdout, `    titre : ${describeIdentity(r.identity)}`);
      println(
        ctx.stdout,
        `    ${total} enregistrements (${fmtKinds(r.records)}) ; ${r.shipped ? "livré avec certibot" : `ajouté le ${r.addedAt?.slice(0, 16).replace("T", " ")} par ${r.addedBy ?? "?"}`}`,
      );
    }
    return 0;
  } finally {
    await db.close();
  }
}

async function show(id: string, ctx: CliContext, json: boolean, allRecords = false): Promise<number> {
  const db = await openMigratedDb(ctx.config, ctx.log);
  try {
    await seedShippedDocuments(db, ctx.config.knowledgeDir);
    const doc = (await storedDocuments(db)).find((d) => d.ref.id === id);
    if (!doc)
      throw new CertibotError("KNOWLEDGE_UNKNOWN", { hint: `(${id}) ; voir certibot knowledge list` });
    const parsed = await parseDocument(doc, doc.shipped ? parserMode() : "generic");
    const s = parsed.summary;
    const records = parsed.records.map((r) => ({
      id: r.id,
      kind: r.kind,
      code: r.code,
      title: r.title,
      bloc: r.bloc,
      criteria: r.criteria.length,
    }));
    if (json) {
      const full = allRecords ? parsed.records : records;
      println(
        ctx.stdout,
        JSON.stringify({
          id,
          title: doc.ref.title,
          ref: doc.ref,
          identity: identityOf(doc.ref),
          summary: s,
          records: full,
        }),
      );
      return 0;
    }
    if (allRecords) {
      // Every record as it is indexed: what candidates' questions are answered from.
      println(ctx.stdout, `${id} — ${doc.ref.title} : ${parsed.records.length} enregistrements`);
      for (const r of parsed.records) {
        println(ctx.stdout, `${r.id}  [${r.kind}]${r.code ? ` ${r.code}` : ""} ${r.title}`);
        if (r.bloc) println(ctx.stdout, `    rattaché à : ${r.bloc}`);
        const statement = r.statement.replace(/\s+/g, " ").trim();
        if (statement)
          println(ctx.stdout, `    ${statement.slice(0, 300)}${statement.length > 300 ? " …" : ""}`);
        if (r.modality) println(ctx.stdout, `    modalité : ${r.modality}`);
        for (const c of r.criteria) println(ctx.stdout, `    • ${c}`);
      }
      return 0;
    }
    println(ctx.stdout, `${id} — ${doc.ref.title}`);
    if (doc.ref.certification) println(ctx.stdout, `  certification : ${doc.ref.certification}`);
    const identity = identityOf(doc.ref);
    println(ctx.stdout, `  titre : ${describeIdentity(identity)}`);
    for (const [label, value] of [
      ["RNCP", identity.rncp],
      ["code du titre professionnel", identity.tp],
      ["sigle", identity.sigle],
      ["intitulé", identity.job],
      ["niveau", identity.level ? levelText(identity).replace(/^niveau /, "") : null],
      ["type de document", identity.docTypes.join(" + ")],
      ["version (millésime)", identity.version],
      ["date", identity.date],
    ] as const)
      if (value) println(ctx.stdout, `  ${label} : ${value}`);
    println(ctx.stdout, `  fichier : ${doc.ref.file} (${doc.format}${s.pages ? `, ${s.pages} pages` : ""})`);
    println(ctx.stdout, `  enregistrements : ${fmtKinds(s.records)}`);
    for (const line of understood(s)) println(ctx.stdout, `  ${line}`);
    println(
      ctx.stdout,
      `  coordonnées masquées (« ${MASK} ») : ${s.masked.phones} numéro(s) de téléphone, ${s.masked.emails} adresse(s) e-mail`,
    );
    println(ctx.stdout, `  titres (${s.headingSource}) :`);
    for (const h of s.headings.slice(0, 60)) println(ctx.stdout, `    ${h}`);
    if (s.headings.length > 60) println(ctx.stdout, `    … et ${s.headings.length - 60} autres`);
    println(ctx.stdout, "  codes et enregistrements :");
    for (const r of parsed.records.filter((x) => x.kind !== "section"))
      println(
        ctx.stdout,
        `    ${(r.code ?? "—").padEnd(14)} ${r.kind.padEnd(11)} ${r.title.slice(0, 90)}${r.criteria.length ? ` (${r.criteria.length} critères)` : ""}`,
      );
    return 0;
  } finally {
    await db.close();
  }
}

async function remove(id: string, ctx: CliContext): Promise<number> {
  const db = await openMigratedDb(ctx.config, ctx.log);
  try {
    const r = await removeKnowledgeDocument({ config: ctx.config, db, log: ctx.log }, id);
    println(
      ctx.stdout,
      `Retiré : ${id} ; reconstruction de l'index : ${ms(r.rebuildMs)} (${r.kb.retriever.records.length} enregistrements, version ${r.version})`,
    );
    return 0;
  } finally {
    await db.close();
  }
}
