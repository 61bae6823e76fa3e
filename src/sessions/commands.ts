import { CertibotError } from "../errors.js";
import { fold } from "../lib/text.js";
import type { Actor } from "./access.js";
import type { JuryIssue } from "./jury.js";
import { invalid } from "./knowledge.js";
import type { Pv } from "./pv.js";
import { resolveSession } from "./resolve.js";
import { parseRole } from "./roster.js";
import {
  addJuryMember,
  addMember,
  changeSession,
  createSession,
  type EmailResolver,
  exportPv,
  importRoster,
  juryOf,
  markDeadlineDone,
  parsePersonRef,
  type RosterEntry,
  type RosterImport,
  recordDecision,
  removeCandidate,
  removeMember,
  rosterOf,
  SETTINGS_HELP,
  type SessionDeliverable,
  type SessionDeps,
  type SessionStatus,
  sessionStatus,
  visibleSessions,
} from "./service.js";
import type { Decision, DoneRecord, Member, Role, Session } from "./types.js";

/** Where a `/session …` command comes from: the same for Slack and the CLI. */
export interface CommandContext {
  deps: SessionDeps;
  actor: Actor;
  /** The Slack channel it was typed in (null from the CLI). */
  channelId: string | null;
  now: Date;
  /** Every deliverable known (each session keeps those of its certification). */
  deliverables: readonly SessionDeliverable[];
  resolveEmail: EmailResolver | null;
}

export type SessionReply =
  | { kind: "help" }
  | { kind: "created"; session: Session }
  | { kind: "updated"; session: Session }
  | { kind: "list"; sessions: Array<{ session: Session; roles: Role[] }> }
  | { kind: "status"; status: SessionStatus }
  | { kind: "done"; session: Session; deadlineId: string; done: DoneRecord }
  | { kind: "roster-imported"; session: Session; result: RosterImport }
  | { kind: "roster"; session: Session; entries: RosterEntry[] }
  | { kind: "candidate-removed"; session: Session; entry: RosterEntry }
  | { kind: "jury"; session: Session; members: Member[]; issues: JuryIssue[]; changed: string | null }
  | { kind: "member"; session: Session; member: Member; role: Role; removed: boolean }
  | { kind: "decision"; session: Session; entry: RosterEntry; decision: Decision; warning: string | null }
  | { kind: "pv"; session: Session; pv: Pv };

export const SESSION_HELP = `*/session* — sessions de certification
• \`/session status [session]\` — jalons, échéances, effectifs, rapports, jury
• \`/session list\` — les sessions que vous voyez
• \`/session create <nom> [réglages]\` — crée une session (administrateurs, responsables)
• \`/session set [session=<nom>] <réglages>\` — réglages : ${SETTINGS_HELP}
• \`/session done <échéance> [session=<nom>]\` — marque une échéance comme faite (ex. s1-trainers)
• \`/session roster [session]\` — candidats et identifiants PV
• \`/session roster import [session=<nom>]\` suivi, à la ligne, du CSV \`nom,prenom[,email][,role]\`
• \`/session jury [add|remove] <@personne | "Prénom Nom"> [annees=5] [pro=non] [email=…]\` — jury et vérification
• \`/session member add|remove <@personne> <formateur|responsable|apprenant|jury|équipe projet>\` (retrait aussi par « Prénom Nom »)
• \`/session roster remove <identifiant PV | "Prénom Nom" | @personne>\` — retire un candidat
• \`/session decision <identifiant PV | "Prénom Nom"> admis|refusé|absent [commentaire]\`
• \`/session pv [session]\` — PV du jury (parties 1 et 2) en Markdown et CSV
• \`/session report [session]\` — la session en une image (jalons, échéances, veille), avec sa description texte
• \`/session erase @personne [session=<nom>]\` — efface toutes les données d'un·e candidat·e (responsables, avec confirmation)`;

/** A pasted roster above this is not a session's list (500 rows of name, e-mail and role fit in far less). */
export const MAX_ROSTER_BYTES = 256 * 1024;

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1).replace(".", ",")} Mo`
    : `${Math.ceil(bytes / 1024)} Ko`;
}

interface Parsed {
  words: string[];
  settings: Map<string, string>;
  /** Every token in order, settings as typed: free text (a jury comment) is read from these. */
  raw: string[];
  /** Lines after the first (a pasted CSV). */
  body: string;
}

/** Splits the first line into words ("quoted" or «guillemets» kept whole) and key=value settings. */
export function tokenize(text: string): Parsed {
  const [first = "", ...rest] = text.replace(/\r\n?/g, "\n").split("\n");
  const words: string[] = [];
  const settings = new Map<string, string>();
  const re = /([\p{L}_-]+)=(?:"([^"]*)"|«\s*([^»]*?)\s*»|(\S*))|"([^"]*)"|«\s*([^»]*?)\s*»|(\S+)/gu;
  const raw: string[] = [];
  for (const m of first.matchAll(re)) {
    if (m[1]) settings.set(fold(m[1]), m[2] ?? m[3] ?? m[4] ?? "");
    else words.push(m[5] ?? m[6] ?? m[7] ?? "");
    raw.push(m[1] ? m[0] : (m[5] ?? m[6] ?? m[7] ?? ""));
  }
  return { words, settings, raw, body: rest.join("\n") };
}

const DECISION_WORDS: Record<string, Decision> = {
  admis: "admis",
  admise: "admis",
  "admis.e": "admis",
  refuse: "refuse",
  refusee: "refuse",
  "refuse.e": "refuse",
  absent: "absent",
  absente: "absent",
  "absent.e": "absent",
};

function takeSessionName(p: Parsed): string | null {
  const name = p.settings.get("session") ?? null;
  p.settings.delete("session");
  return name;
}

/** Runs one `/session …` command for an actor. Errors are CertibotErrors with a French hint. */
export async function runSessionCommand(text: string, ctx: CommandContext): Promise<SessionReply> {
  const p = tokenize(text);
  const [sub = "status", ...args] = p.words;
  const { deps, actor } = ctx;
  const where = { channelId: ctx.channelId, actor };
  const session = async (positional: string | undefined = undefined) =>
    resolveSession(deps.db, takeSessionName(p) ?? positional ?? null, where);
  const noMoreSettings = () => {
    if (p.settings.size) throw invalid(`réglage inattendu : ${[...p.settings.keys()].join(", ")}.`);
  };
  switch (fold(sub)) {
    case "help":
    case "aide":
      return { kind: "help" };
    case "create":
    case "creer": {
      if (args.length !== 1) throw invalid("usage : /session create <nom> [lancement=AAAA-MM-JJ …]");
      return {
        kind: "created",
        session: await createSession(deps, actor, args[0]!, p.settings, ctx.channelId),
      };
    }
    case "set":
    case "regler": {
      const s = await session(args[0]);
      return { kind: "updated", session: await changeSession(deps, actor, s, p.settings, ctx.channelId) };
    }
    case "list":
    case "liste":
      noMoreSettings();
      return { kind: "list", sessions: await visibleSessions(deps, actor) };
    case "status":
    case "statut":
    case "etat": {
      const s = await session(args[0]);
      noMoreSettings();
      return { kind: "status", status: await sessionStatus(deps, actor, s, ctx.now, ctx.deliverables) };
    }
    case "done":
    case "fait": {
      if (args.length !== 1)
        throw invalid("usage : /session done <échéance> [session=<nom>] (ex. s1-trainers).");
      const s = await session();
      const r = await markDeadlineDone(deps, actor, s, args[0]!);
      return { kind: "done", session: s, deadlineId: r.done.deadlineId, done: r.done };
    }
    case "roster":
    case "candidats": {
      if (args[0] && fold(args[0]) === "import") {
        if (Buffer.byteLength(p.body) > MAX_ROSTER_BYTES)
          throw new CertibotError("ROSTER_INVALID", {
            hint: `La liste collée fait ${formatSize(Buffer.byteLength(p.body))} : une liste de session (500 personnes au plus) tient en ${formatSize(MAX_ROSTER_BYTES)}. Vérifiez que c'est le bon fichier, ou importez-la en ligne de commande (certibot session roster import <fichier.csv>).`,
          });
        const s = await session(args[1]);
        if (!p.body.trim())
          throw invalid(
            "collez le CSV à la ligne après la commande (Maj+Entrée) : en-tête nom,prenom[,email][,role], puis une personne par ligne.",
          );
        return {
          kind: "roster-imported",
          session: s,
          result: await importRoster(deps, actor, s, p.body, ctx.resolveEmail),
        };
      }
      if (args[0] && /^(remove|retirer)$/.test(fold(args[0]))) {
        const who = args.slice(1).join(" ");
        if (!who) throw invalid('usage : /session roster remove <identifiant PV | "Prénom Nom" | @personne>');
        const s = await session();
        const entry = await removeCandidate(deps, actor, s, who);
        return { kind: "candidate-removed", session: s, entry };
      }
      const s = await session(args[0]);
      return { kind: "roster", session: s, entries: await rosterOf(deps, actor, s) };
    }
    case "jury": {
      const action = args[0] ? fold(args[0]) : "";
      if (
        !action ||
        (action !== "add" && action !== "remove" && action !== "ajouter" && action !== "retirer")
      ) {
        const s = await session(args[0]);
        const j = await juryOf(deps, actor, s);
        return { kind: "jury", session: s, ...j, changed: null };
      }
      const who = args.slice(1).join(" ");
      if (!who)
        throw invalid('usage : /session jury add <@personne | "Prénom Nom"> annees=5 [pro=non] [email=…]');
      const s = await session();
      if (action === "add" || action === "ajouter") {
        const yearsText = p.settings.get("annees") ?? p.settings.get("years") ?? p.settings.get("experience");
        const years = yearsText === undefined ? null : Number(yearsText);
        if (yearsText !== undefined && !/^\d{1,2}$/.test(yearsText))
          throw invalid(`annees attend un nombre entier d'années d'expérience, pas « ${yearsText} ».`);
        const pro = p.settings.get("pro");
        if (pro !== undefined && !/^(oui|non|yes|no)$/i.test(pro)) throw invalid("pro attend oui ou non.");
        const email = p.settings.get("email") ?? null;
        const r = await addJuryMember(deps, actor, s, parsePersonRef(who), {
          years,
          professional: !pro || /^(oui|yes)$/i.test(pro),
          email,
        });
        return {
          kind: "jury",
          session: s,
          members: r.members,
          issues: r.issues,
          changed: `ajouté : ${r.member.prenom} ${r.member.nom}`.trim(),
        };
      }
      const m = await removeMember(deps, actor, s, "jury", parsePersonRef(who));
      const j = await juryOf(deps, actor, s);
      return { kind: "jury", session: s, ...j, changed: `retiré : ${m.prenom} ${m.nom}`.trim() };
    }
    case "member":
    case "membre": {
      const [action = "", who = "", ...roleWords] = args;
      const role = parseRole(roleWords.join(" "));
      const ref = parsePersonRef(who);
      const adding = /^(add|ajouter)$/.test(fold(action));
      // Adding needs a Slack account; removing also takes a "Prénom Nom" (people imported from a roster).
      if (
        !/^(add|remove|ajouter|retirer)$/.test(fold(action)) ||
        !role ||
        !who ||
        (adding && !("slackUserId" in ref))
      )
        throw invalid(
          'usage : /session member add <@personne> <rôle> | member remove <@personne | "Prénom Nom"> <rôle> (rôles : formateur, responsable, apprenant, jury, équipe projet)',
        );
      const s = await session();
      if (adding && "slackUserId" in ref)
        return {
          kind: "member",
          session: s,
          role,
          removed: false,
          member: await addMember(deps, actor, s, role, ref.slackUserId),
        };
      return {
        kind: "member",
        session: s,
        role,
        removed: true,
        member: await removeMember(deps, actor, s, role, ref),
      };
    }
    case "decision":
    case "decider": {
      // The verdict word splits the candidate (maybe several words) from the comment, which is
      // free text: "note=8/20" in it is kept as typed; only session=<nom> is an option.
      const tokens = p.raw.slice(1).filter((t) => !/^session=/i.test(t));
      const at = tokens.findIndex((w) => DECISION_WORDS[fold(w)] !== undefined);
      const who = at > 0 ? tokens.slice(0, at).join(" ") : "";
      const decision = at > 0 ? DECISION_WORDS[fold(tokens[at]!)] : undefined;
      const comment = at > 0 ? tokens.slice(at + 1) : [];
      if (!who || !decision)
        throw invalid(
          'usage : /session decision <identifiant PV | "Prénom Nom"> admis|refusé|absent [commentaire]',
        );
      const s = await session();
      const r = await recordDecision(deps, actor, s, who, decision, comment.join(" ") || null);
      return { kind: "decision", session: s, entry: r.entry, decision, warning: r.warning };
    }
    case "pv": {
      const s = await session(args[0]);
      return { kind: "pv", session: s, pv: await exportPv(deps, actor, s) };
    }
    default:
      throw invalid(`sous-commande inconnue « ${sub} ». Tapez /session help.`);
  }
}
