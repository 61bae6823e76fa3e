import type { WebClient } from "@slack/web-api";
import { type ChannelSettings, channelSettings } from "../answering/conversations.js";
import type { Queryable } from "../db/db.js";
import { isCertibotError } from "../errors.js";
import { addKnowledgeDocument, removeKnowledgeDocument } from "../knowledge/admin.js";
import { storedDocuments } from "../knowledge/documents.js";
import { describeIdentity } from "../knowledge/identity.js";
import { identityOf } from "../knowledge/titres.js";
import { sessionsInChannel } from "../sessions/store.js";
import type { SlackDeps } from "./deps.js";
import { downloadSlackFile, type SlackFile } from "./report-files.js";

/** A channel's settings, its default referential falling back to the session followed in it. */
export async function channelDefaults(db: Queryable, channelId: string): Promise<ChannelSettings> {
  const s = await channelSettings(db, channelId);
  if (s.defaultReferential) return s;
  const [session] = await sessionsInChannel(db, channelId);
  return session ? { ...s, defaultReferential: session.referential } : s;
}

/** `knowledge add id=… titre="…"` typed with a file shared in the bot's DM. */
export const KNOWLEDGE_ADD = /^\s*\/?(?:certibot\s+)?(?:knowledge|connaissances?)\s+add\b(.*)$/is;

/** `key=value` and `key="a value"` pairs; bare words are flags. */
export function parsePairs(text: string): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (const m of text.matchAll(/([\p{L}-]+)(?:=(?:"([^"]*)"|«\s*([^»]*?)\s*»|“([^”]*)”|(\S+)))?/gu)) {
    const key = m[1]!.toLowerCase();
    const value = m[2] ?? m[3] ?? m[4] ?? m[5];
    out.set(key, value === undefined ? true : value);
  }
  return out;
}

const pick = (pairs: Map<string, string | true>, ...keys: string[]) => {
  for (const k of keys) {
    const v = pairs.get(k);
    if (typeof v === "string" && v.trim()) return v.trim();
  }
  return undefined;
};

/** What was understood, in a few lines (the same facts as the CLI's summary). */
function summaryText(r: Awaited<ReturnType<typeof addKnowledgeDocument>>): string {
  const s = r.summary;
  const total = Object.values(s.records).reduce((a, b) => a + b, 0);
  const kinds = Object.entries(s.records)
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
  return [
    `✅ *${r.ref.id}* — ${r.ref.title} est indexé (version ${r.version}).`,
    `Titre : ${describeIdentity(identityOf(r.ref))}.`,
    `${total} passages : ${kinds}${s.pages ? ` ; ${s.pages} pages` : ""}.`,
    s.codes.length
      ? `Codes : ${s.codes.slice(0, 30).join(", ")}${s.codes.length > 30 ? ", …" : ""}.`
      : "Aucun code reconnu.",
    `Coordonnées masquées : ${s.masked.phones} téléphone(s), ${s.masked.emails} e-mail(s).`,
    `Lecture ${(r.readMs / 1000).toFixed(2)} s, index reconstruit en ${(r.rebuildMs / 1000).toFixed(2)} s.`,
    s.structured ? "" : "⚠️ Ni titres ni codes reconnus : le document est indexé en passages de texte.",
  ]
    .filter(Boolean)
    .join("\n");
}

/**
 * A file shared in the bot's DM with `knowledge add id=… titre="…"`: admins
 * add (or with `replace`, replace) the document; anyone else is refused.
 * The bytes are stored in the database, so every replica answers from it.
 */
export async function addKnowledgeFromDm(
  deps: SlackDeps,
  u: {
    client: WebClient;
    channel: string;
    threadTs: string;
    user: string;
    files: SlackFile[];
    text: string;
    isAdmin: boolean;
  },
): Promise<void> {
  const post = (text: string) =>
    u.client.chat.postMessage({ channel: u.channel, thread_ts: u.threadTs, text });
  if (!u.isAdmin) {
    await post("Seuls les administrateurs de certibot peuvent ajouter un document aux référentiels.");
    return;
  }
  const file = u.files[0]!;
  const pairs = parsePairs(KNOWLEDGE_ADD.exec(u.text)?.[1] ?? "");
  try {
    const bytes = await downloadSlackFile(deps, u.client, file);
    const r = await addKnowledgeDocument(
      { config: deps.config, db: deps.db, log: deps.log },
      {
        bytes,
        fileName: file.name ?? `${pick(pairs, "id") ?? "document"}.${file.filetype ?? "pdf"}`,
        id: pick(pairs, "id"),
        title: pick(pairs, "titre", "title"),
        certification: pick(pairs, "certification"),
        rncp: pick(pairs, "rncp"),
        aliases: pick(pairs, "alias", "aliases")
          ?.split(",")
          .map((a) => a.trim())
          .filter(Boolean),
        replace: pairs.has("replace") || pairs.has("remplacer"),
        addedBy: `slack:${u.user}`,
      },
    );
    deps.log.info("knowledge document added", { id: r.ref.id, by: u.user, version: r.version });
    await post(summaryText(r));
  } catch (e) {
    if (!isCertibotError(e) || e.code === "INTERNAL" || e.code === "DB_UNAVAILABLE") throw e;
    await post(`❌ ${e.userMessage("fr")}`);
  }
}

/** `/certibot knowledge [list]`, `/certibot knowledge add …` (how to), `/certibot knowledge remove <id>` (admins). */
export async function knowledgeCommandText(
  deps: SlackDeps,
  args: string,
  isAdmin: () => Promise<boolean>,
): Promise<string> {
  const [sub = "list", id] = args.trim().split(/\s+/).filter(Boolean);
  if (/^(add|ajouter)$/i.test(sub)) {
    if (!(await isAdmin()))
      return "Seuls les administrateurs de certibot peuvent ajouter un document aux référentiels.";
    return 'Envoyez le fichier (PDF, .docx, Markdown ou texte) dans mes messages directs, avec le message `knowledge add id=mon-titre titre="Intitulé du titre" rncp=RNCP00000` (ajoutez `replace` pour remplacer un document existant).';
  }
  if (/^(remove|retirer|supprimer)$/i.test(sub)) {
    if (!(await isAdmin())) return "Seuls les administrateurs de certibot peuvent retirer un document.";
    if (!id) return "Précisez le document : `/certibot knowledge remove <id>`.";
    try {
      const r = await removeKnowledgeDocument({ config: deps.config, db: deps.db, log: deps.log }, id);
      return `Document *${id}* retiré (version ${r.version}).`;
    } catch (e) {
      if (isCertibotError(e) && e.code !== "INTERNAL") return `❌ ${e.userMessage("fr")}`;
      throw e;
    }
  }
  const docs = await storedDocuments(deps.db);
  const counts = new Map<string, number>();
  for (const r of deps.answering.retriever.records)
    counts.set(r.referential, (counts.get(r.referential) ?? 0) + 1);
  const lines = docs.map(
    (d) =>
      `• *${d.ref.id}* — ${d.ref.title} (${counts.get(d.ref.id) ?? 0} passages${d.shipped ? "" : `, ajouté le ${d.addedAt?.slice(0, 10)}`})`,
  );
  return [`Documents indexés (${docs.length}) :`, ...lines].join("\n");
}
