import { CertibotError } from "../errors.js";
import { isTimeZone } from "../jobs/time.js";
import { type Actor, canCreateSession, requirePermission } from "./access.js";
import { parseDate } from "./dates.js";
import { milestoneProblem } from "./deadlines.js";
import { invalid, type SessionDeps, type SessionKnowledge } from "./knowledge.js";
import { normaliseSessionName, SESSION_NAME } from "./resolve.js";
import { AGATE } from "./roster.js";
import { insertSession, type SessionFields, updateSession, upsertMember } from "./store.js";
import type { Session } from "./types.js";

/** The settings `create` and `set` accept, with their French names. */
const SETTING_KEYS: Record<string, keyof SessionFields> = {
  launch: "launch",
  lancement: "launch",
  "prairie-end": "prairieEnd",
  "fin-prairie": "prairieEnd",
  "session-start": "sessionStart",
  "debut-session": "sessionStart",
  "début-session": "sessionStart",
  "session-end": "sessionEnd",
  "fin-session": "sessionEnd",
  channel: "channelId",
  canal: "channelId",
  agate: "agate",
  referential: "referential",
  referentiel: "referential",
  référentiel: "referential",
  tz: "timezone",
  fuseau: "timezone",
  timezone: "timezone",
  "reports-lead": "reportsLeadDays",
  "remise-rapports": "reportsLeadDays",
};

export const SETTINGS_HELP =
  "lancement=AAAA-MM-JJ fin-prairie=… debut-session=… fin-session=… canal=#canal agate=3006 referentiel=rncp37827 fuseau=Europe/Paris remise-rapports=<jours avant la session>";

/** A public or private channel id; a DM (D…) is not a session channel. */
const isChannelId = (id: string | null): id is string => !!id && /^[CG][A-Z0-9]+$/.test(id);

/** A Slack channel as typed: <#C123|nom>, C123, or the channel the command came from ("ici"). */
function parseChannel(value: string, here: string | null): string | null {
  if (/^(ici|here)$/i.test(value)) {
    if (!isChannelId(here))
      throw invalid("canal=ici : lancez la commande dans le canal de la session, pas en message direct.");
    return here;
  }
  if (/^(aucun|none|-)$/i.test(value)) return null;
  const m = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(value) ?? /^([CG][A-Z0-9]{6,})$/.exec(value);
  if (!m)
    throw invalid(
      `canal invalide « ${value} » : choisissez-le avec #, par exemple canal=#promo-ia, ou canal=ici.`,
    );
  return m[1]!;
}

/** Applies `key=value` settings to a session's fields, checking each and the milestones' order. */
export function applySettings(
  base: SessionFields,
  settings: ReadonlyMap<string, string>,
  knowledge: SessionKnowledge,
  here: string | null,
): SessionFields {
  const next: SessionFields = { ...base };
  for (const [rawKey, value] of settings) {
    const key = SETTING_KEYS[rawKey.toLowerCase()];
    if (!key) throw invalid(`réglage inconnu « ${rawKey} ». Réglages : ${SETTINGS_HELP}`);
    switch (key) {
      case "launch":
      case "prairieEnd":
      case "sessionStart":
      case "sessionEnd": {
        if (/^(aucune?|none|-)$/i.test(value)) {
          next[key] = null;
          break;
        }
        const date = parseDate(value);
        if (!date)
          throw invalid(
            `date invalide pour ${rawKey} : « ${value} » ; attendu AAAA-MM-JJ (ex. 2025-05-05) ou JJ/MM/AAAA.`,
          );
        next[key] = date;
        break;
      }
      case "channelId":
        next.channelId = parseChannel(value, here);
        break;
      case "agate":
        if (!AGATE.test(value))
          throw invalid(`code agate invalide « ${value} » : lettres et chiffres seulement (ex. 3006).`);
        next.agate = value;
        break;
      case "referential":
        if (!knowledge.referentials.some((r) => r.id === value))
          throw invalid(
            `référentiel inconnu « ${value} » ; référentiels : ${knowledge.referentials.map((r) => r.id).join(", ")}.`,
          );
        next.referential = value;
        break;
      case "timezone":
        if (!isTimeZone(value) || !value.includes("/"))
          throw invalid(`fuseau horaire inconnu « ${value} » ; attendu un fuseau IANA, ex. Europe/Paris.`);
        next.timezone = value;
        break;
      case "reportsLeadDays": {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0 || n > 60)
          throw invalid(`remise-rapports attend un nombre de jours entre 0 et 60, pas « ${value} ».`);
        next.reportsLeadDays = n;
        break;
      }
      case "name":
        break;
    }
  }
  const problem = milestoneProblem(next);
  if (problem) throw invalid(problem);
  return next;
}

export function sessionFields(s: Session): SessionFields {
  return {
    name: s.name,
    referential: s.referential,
    agate: s.agate,
    channelId: s.channelId,
    timezone: s.timezone,
    launch: s.launch,
    prairieEnd: s.prairieEnd,
    sessionStart: s.sessionStart,
    sessionEnd: s.sessionEnd,
    reportsLeadDays: s.reportsLeadDays,
  };
}

export async function createSession(
  deps: SessionDeps,
  actor: Actor,
  name: string,
  settings: ReadonlyMap<string, string>,
  here: string | null,
): Promise<Session> {
  if (!(await canCreateSession(deps.db, actor)))
    throw new CertibotError("NOT_ALLOWED", {
      hint: "Seuls les administrateurs (ADMIN_USER_IDS) et les responsables de session créent des sessions.",
    });
  const clean = normaliseSessionName(name);
  if (!SESSION_NAME.test(clean))
    throw invalid(
      `nom de session invalide « ${name} » : 2 à 40 caractères, lettres, chiffres, - ou _ (ex. dev-ia-2023).`,
    );
  const base: SessionFields = {
    name: clean,
    referential: deps.knowledge.defaultReferential,
    agate: null,
    channelId: isChannelId(here) ? here : null,
    timezone: "Europe/Paris",
    launch: null,
    prairieEnd: null,
    sessionStart: null,
    sessionEnd: null,
    reportsLeadDays: 1,
  };
  const fields = applySettings(base, settings, deps.knowledge, here);
  return deps.db.transaction(async (tx) => {
    const session = await insertSession(tx, fields, actor.id);
    if (!session)
      throw invalid(`la session « ${clean} » existe déjà ; modifiez-la avec /session set ${clean} …`);
    if (actor.id !== "cli")
      await upsertMember(
        tx,
        session.id,
        { role: "manager", slackUserId: actor.id, email: null, nom: "", prenom: "" },
        actor.id,
      );
    return session;
  });
}

export async function changeSession(
  deps: SessionDeps,
  actor: Actor,
  session: Session,
  settings: ReadonlyMap<string, string>,
  here: string | null,
): Promise<Session> {
  await requirePermission(deps.db, session, actor, "change");
  if (!settings.size) throw invalid(`rien à changer ; réglages : ${SETTINGS_HELP}`);
  return updateSession(
    deps.db,
    session.id,
    applySettings(sessionFields(session), settings, deps.knowledge, here),
  );
}
