import type { KnownBlock, ModalView } from "@slack/types";
import { formatInZone } from "../../jobs/time.js";
import type { Session } from "../../sessions/types.js";
import { formatMinutes } from "../../veille/duration.js";
import type { EntryField } from "../../veille/log-entry.js";
import {
  CONFIG_USAGE,
  DAY_NAMES,
  type VeilleConfigView,
  type VeilleStatusView,
  type VeilleSummary,
} from "../../veille/service.js";
import type { CandidateVeilleStatus } from "../../veille/status.js";
import { veilleSummaryLines } from "../../veille/summary-text.js";
import {
  MAX_TAKEAWAY_CHARS,
  MAX_TITLE_CHARS,
  SOURCE_TYPE_LABELS,
  SOURCE_TYPES,
  type VeilleDigestNotice,
  type VeilleEntry,
  type VeilleFeed,
  type VeilleFeedProblemsNotice,
  type VeilleReminderNotice,
} from "../../veille/types.js";
import { isoWeekOf, weekLabel } from "../../veille/weeks.js";
import { context, header, md, textBlocks } from "./blocks.js";

export const VEILLE_ACTIONS = {
  /** "J'ai fait ma veille": opens the logging modal; the value is the session id. */
  logOpen: "veille_log_open",
} as const;

export const VEILLE_MODAL = "veille_log";

/** Block and action ids of the modal's inputs, one per validated field. */
export const VEILLE_INPUTS = {
  duration: { block: "veille_duration", action: "value" },
  title: { block: "veille_title", action: "value" },
  url: { block: "veille_url", action: "value" },
  sourceType: { block: "veille_source_type", action: "value" },
  takeaway1: { block: "veille_takeaway_1", action: "value" },
  takeaway2: { block: "veille_takeaway_2", action: "value" },
  takeaway3: { block: "veille_takeaway_3", action: "value" },
  share: { block: "veille_share", action: "value" },
} as const;

/** Where the modal shows each validation message. */
export const FIELD_BLOCKS: Record<EntryField, string> = {
  duration: VEILLE_INPUTS.duration.block,
  title: VEILLE_INPUTS.title.block,
  url: VEILLE_INPUTS.url.block,
  sourceType: VEILLE_INPUTS.sourceType.block,
  takeaways: VEILLE_INPUTS.takeaway1.block,
};

/** What the modal carries from the button to its submission. */
export interface VeilleModalMetadata {
  sessionId: number;
}

/** User text inside mrkdwn: Slack reads &, < and > as markup. */
export function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function host(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, "");
  } catch {
    return url;
  }
}

/** A link whose text says where it leads, for screen-reader users who list links out of context. */
export function linkTo(url: string, what: string): string {
  return `<${url}|${esc(`${what} (${host(url)})`).replace(/\|/g, "/")}>`;
}

/** A titled list over as many sections as it needs. */
function listSections(title: string, lines: string[]): KnownBlock[] {
  return textBlocks([`*${title}*`, ...lines].join("\n"));
}

function logButton(sessionId: number): KnownBlock {
  return {
    type: "actions",
    block_id: "veille_actions",
    elements: [
      {
        type: "button",
        action_id: VEILLE_ACTIONS.logOpen,
        style: "primary",
        text: { type: "plain_text", text: "J'ai fait ma veille" },
        value: String(sessionId),
      },
    ],
  };
}

export function reminderText(n: VeilleReminderNotice): string {
  const theme = n.theme ? `thème « ${n.theme} »` : "thème libre";
  return `Veille de la ${n.weekLabel} (session ${n.session.name}) : ${theme}, au moins ${formatMinutes(n.targetMinutes)} cette semaine.`;
}

/** The weekly reminder: theme, the one-hour expectation, the C6 checklist, new feed items, the button. */
export function reminderBlocks(n: VeilleReminderNotice): KnownBlock[] {
  const blocks: KnownBlock[] = [
    header(`Veille de la semaine — session ${n.session.name}`),
    md(
      [
        `*${n.weekLabel[0]!.toUpperCase()}${n.weekLabel.slice(1)}*`,
        n.theme
          ? `Thème proposé : *${esc(n.theme)}* (ou tout sujet utile à votre projet).`
          : "Thème : libre, selon votre projet.",
        `Objectif : au moins *${formatMinutes(n.targetMinutes)}* de veille cette semaine, puis quelques points clés retenus.`,
      ].join("\n"),
    ),
  ];
  if (n.late)
    blocks.push(context("Ce rappel part en retard : le service était indisponible à l'heure prévue."));
  blocks.push(md(`*Une source fiable (compétence C6)*\n${n.checklist.map((c) => `• ${esc(c)}`).join("\n")}`));
  if (n.feedItems.length)
    blocks.push(
      ...listSections(
        "Nouveautés des flux suivis",
        n.feedItems.map((i) => {
          const from = esc(i.feedTitle);
          return i.link ? `• ${linkTo(i.link, i.title)} — ${from}` : `• ${esc(i.title)} — ${from}`;
        }),
      ),
    );
  blocks.push(
    logButton(n.session.id),
    context('Ou en une commande : `/veille log 1h30 "titre" https://lien ; point clé 1 ; point clé 2`'),
  );
  return blocks;
}

export function digestText(n: VeilleDigestNotice): string {
  return `Bilan de veille de la ${n.weekLabel} (session ${n.session.name}) : ${n.logged.length} ont fait leur veille, ${n.missing.length} non.`;
}

/** The trainers' digest; names only, so candidates are not pinged in the channel. */
export function digestBlocks(n: VeilleDigestNotice): KnownBlock[] {
  const blocks: KnownBlock[] = [
    header(`Bilan de veille — session ${n.session.name}`),
    md(`*${esc(n.weekLabel)}*`),
  ];
  if (n.late)
    blocks.push(context("Ce bilan part en retard : le service était indisponible à l'heure prévue."));
  blocks.push(
    ...listSections(
      `Ont enregistré une veille (${n.logged.length})`,
      n.logged.length
        ? n.logged.map(
            (r) =>
              `• ${esc(r.name)} : ${formatMinutes(r.minutes)} (${r.entries} entrée${r.entries > 1 ? "s" : ""}) — ${r.minutes >= n.targetMinutes ? "objectif atteint" : `sous l'objectif de ${formatMinutes(n.targetMinutes)}`}`,
          )
        : ["Personne cette semaine."],
    ),
    ...listSections(
      `Sans veille enregistrée (${n.missing.length})`,
      n.missing.length ? n.missing.map((p) => `• ${esc(p.name)}`) : ["Tout le monde a enregistré sa veille."],
    ),
    ...listSections(
      `Synthèses partagées (${n.shared.length})`,
      n.shared.length
        ? n.shared.map(
            (s) =>
              `• « ${esc(s.title)} », par ${esc(s.name)} (${SOURCE_TYPE_LABELS[s.sourceType].toLowerCase()})${s.url ? ` — ${linkTo(s.url, "lire la source")}` : ""}`,
          )
        : ["Aucune synthèse partagée cette semaine."],
    ),
  );
  return blocks;
}

export function feedProblemsText(n: VeilleFeedProblemsNotice): string {
  return `Session ${n.session.name} : ${n.problems.length} flux de veille illisible(s) avant le rappel de la semaine.`;
}

export function feedProblemsBlocks(n: VeilleFeedProblemsNotice): KnownBlock[] {
  return [
    header(`Flux de veille illisibles — session ${n.session.name}`),
    md(
      "Le rappel de la semaine est parti sans eux. Vérifiez l'adresse, ou retirez le flux avec `/veille source remove <numéro>`.",
    ),
    ...listSections(
      "Problèmes",
      n.problems.map((p) => `• ${esc(p.url)} : ${esc(p.problem)}`),
    ),
  ];
}

/** A synthesis shared from the modal: plain headings, the link saying where it goes, no emoji. */
export function synthesisBlocks(e: VeilleEntry): KnownBlock[] {
  const blocks: KnownBlock[] = [
    header(`Synthèse de veille : ${e.title}`),
    md(
      `*Partagée par* <@${e.slackUserId}> · *Type de source :* ${SOURCE_TYPE_LABELS[e.sourceType]} · *Temps consacré :* ${formatMinutes(e.minutes)}`,
    ),
    md(`*Points clés*\n${e.takeaways.map((t, i) => `${i + 1}. ${esc(t)}`).join("\n")}`),
  ];
  if (e.url) blocks.push(md(`*Source :* ${linkTo(e.url, `Ouvrir « ${e.title} »`)}`));
  return blocks;
}

export function synthesisText(e: VeilleEntry): string {
  return `Synthèse de veille partagée par <@${e.slackUserId}> : ${e.title}`;
}

function sourceOption(t: (typeof SOURCE_TYPES)[number]) {
  return { text: { type: "plain_text" as const, text: SOURCE_TYPE_LABELS[t] }, value: t };
}

/** The "J'ai fait ma veille" modal. */
export function veilleModal(session: Session, now: Date): ModalView {
  const input = (
    id: { block: string; action: string },
    label: string,
    opts: { optional?: boolean; max?: number; multiline?: boolean; placeholder?: string } = {},
  ): KnownBlock => ({
    type: "input",
    block_id: id.block,
    optional: opts.optional ?? false,
    label: { type: "plain_text", text: label },
    element: {
      type: "plain_text_input",
      action_id: id.action,
      multiline: opts.multiline ?? false,
      ...(opts.max ? { max_length: opts.max } : {}),
      ...(opts.placeholder ? { placeholder: { type: "plain_text" as const, text: opts.placeholder } } : {}),
    },
  });
  const metadata: VeilleModalMetadata = { sessionId: session.id };
  return {
    type: "modal",
    callback_id: VEILLE_MODAL,
    private_metadata: JSON.stringify(metadata),
    title: { type: "plain_text", text: "Ma veille" },
    submit: { type: "plain_text", text: "Enregistrer" },
    close: { type: "plain_text", text: "Annuler" },
    blocks: [
      context(
        `Session ${esc(session.name)} — ${weekLabel(isoWeekOf(now, session.timezone))}. Objectif : 1 h par semaine.`,
      ),
      input(VEILLE_INPUTS.duration, "Durée", { placeholder: "1h30, 45min, 90", max: 20 }),
      input(VEILLE_INPUTS.title, "Titre", {
        max: MAX_TITLE_CHARS,
        placeholder: "Ce que vous avez lu, écouté ou regardé",
      }),
      input(VEILLE_INPUTS.url, "Lien", { optional: true, placeholder: "https://…" }),
      {
        type: "input",
        block_id: VEILLE_INPUTS.sourceType.block,
        label: { type: "plain_text", text: "Type de source" },
        element: {
          type: "static_select",
          action_id: VEILLE_INPUTS.sourceType.action,
          initial_option: sourceOption("article"),
          options: SOURCE_TYPES.map(sourceOption),
        },
      },
      input(VEILLE_INPUTS.takeaway1, "Point clé retenu", { max: MAX_TAKEAWAY_CHARS, multiline: true }),
      input(VEILLE_INPUTS.takeaway2, "Deuxième point clé", {
        optional: true,
        max: MAX_TAKEAWAY_CHARS,
        multiline: true,
      }),
      input(VEILLE_INPUTS.takeaway3, "Troisième point clé", {
        optional: true,
        max: MAX_TAKEAWAY_CHARS,
        multiline: true,
      }),
      {
        type: "input",
        block_id: VEILLE_INPUTS.share.block,
        optional: true,
        label: { type: "plain_text", text: "Partager" },
        element: {
          type: "checkboxes",
          action_id: VEILLE_INPUTS.share.action,
          options: [
            {
              text: { type: "plain_text", text: "Publier cette synthèse dans le canal de la session" },
              value: "share",
            },
          ],
        },
      },
    ],
  };
}

/** `/veille status`: one's own weeks, or the per-candidate table. */
export function statusBlocks(view: VeilleStatusView): KnownBlock[] {
  if (view.kind === "own") {
    const s = view.status;
    const target = formatMinutes(s.targetMinutes);
    const lines = [...s.weeks].reverse().map((w) => {
      const state =
        w.week === s.currentWeek
          ? "semaine en cours"
          : w.minutes >= s.targetMinutes
            ? "objectif atteint"
            : `sous ${target}`;
      return `• ${weekLabel(w.week)} : ${w.minutes ? formatMinutes(w.minutes) : "rien"} — ${state}`;
    });
    // The weeks are listed once: the summary line counts those under the target, it does not repeat them.
    const finished = s.weeks.length - 1;
    return [
      header(`Veille — session ${view.session.name}`),
      md(
        `Série en cours : *${s.streak} semaine${s.streak > 1 ? "s" : ""}* d'au moins ${target}. Total sur ${s.weeks.length} semaines : ${formatMinutes(s.totalMinutes || 0)}. ${
          s.below.length
            ? `${s.below.length} semaine${s.below.length > 1 ? "s" : ""} terminée${s.below.length > 1 ? "s" : ""} sur ${finished} sous ${target}.`
            : `Aucune semaine terminée sous ${target} sur la période.`
        }`,
      ),
      ...listSections(`Vos ${s.weeks.length} dernières semaines`, lines),
    ];
  }
  const t = view.table;
  const target = formatMinutes(t.targetMinutes);
  return [
    header(`Veille des candidats — session ${view.session.name}`),
    md(
      `Cette semaine : ${weekLabel(t.currentWeek)}. Colonne « semaines à ${target} ou plus » : sur les ${t.judgedWeeks.length} dernières semaines terminées.`,
    ),
    ...listSections(
      "Par candidat",
      t.rows.length
        ? t.rows.map(
            (r) =>
              `• ${esc(r.name)} : cette semaine ${r.thisWeekMinutes ? formatMinutes(r.thisWeekMinutes) : "rien"} ; ${r.weeksOnTarget} semaine${r.weeksOnTarget > 1 ? "s" : ""} sur ${r.outOf} à ${target} ou plus${r.slackUserId ? "" : " (pas encore relié à Slack)"}`,
          )
        : ["Aucun candidat dans la session."],
    ),
  ];
}

export function configText(v: VeilleConfigView): string {
  const s = v.settings;
  const tz = v.session.timezone;
  return [
    `${v.changed ? "Réglages enregistrés" : "Réglages"} de la veille, session ${v.session.name} (heure de ${tz}) :`,
    `• rappel : ${DAY_NAMES[s.reminderDay - 1]} ${s.reminderTime}${s.dm ? ", aussi en message direct aux candidats" : ", dans le canal"} — prochain le ${formatInZone(v.nextReminder, tz)}`,
    `• bilan : ${DAY_NAMES[s.digestDay - 1]} ${s.digestTime}, ${s.digestTo === "dm" ? "en message direct aux formateurs" : "dans le canal"} — prochain le ${formatInZone(v.nextDigest, tz)}`,
    `• thèmes : ${s.themes.length ? s.themes.map((t) => `« ${t} »`).join(", ") : "libre"}${v.themeThisWeek ? ` (cette semaine : « ${v.themeThisWeek} »)` : ""}`,
    `• rattrapage après une panne : ${s.graceHours} h`,
    v.changed ? "" : `Modifier (responsables de session) : \`${CONFIG_USAGE}\``,
  ]
    .filter(Boolean)
    .join("\n");
}

export function sourcesText(session: Session, feeds: VeilleFeed[]): string {
  if (!feeds.length)
    return `La session ${session.name} ne suit aucun flux. Ajouter : \`/veille source add https://site/flux.xml\` (responsables).`;
  return [
    `Flux suivis par la session ${session.name} :`,
    ...feeds.map(
      (f, i) =>
        `${i + 1}. ${f.url} — ${f.lastError ? `dernière lecture en échec : ${f.lastError}` : f.lastFetchedAt ? `lu le ${formatInZone(f.lastFetchedAt, session.timezone)}` : "pas encore lu"}`,
    ),
  ].join("\n");
}

export const VEILLE_HELP = [
  "*Veille hebdomadaire (compétence C6)* — au moins 1 h par semaine, avec quelques points clés.",
  '• `/veille log 1h30 "titre" https://lien ; point clé 1 ; point clé 2` — enregistrer une veille (ajoutez `type=podcast` ou `partager` si besoin)',
  "• `/veille status` — vos semaines (ou, pour les formateurs et responsables, le tableau des candidats)",
  '• `/veille config` — voir les réglages ; responsables : `day=lundi time=09:00 theme="…" dm=on`',
  "• `/veille source add|remove|list` — flux RSS/Atom lus avant le rappel (responsables)",
  "• `session=<nom>` en fin de commande si vous êtes dans plusieurs sessions",
  `Types de source : ${SOURCE_TYPES.join(", ")}. Durées : 45min, 1h, 1h30, 90.`,
].join("\n");

/** A short confirmation after logging, with the week's total. */
export function loggedText(
  e: VeilleEntry,
  weekTotal: number,
  targetMinutes: number,
  posted: boolean,
): string {
  const goal =
    weekTotal >= targetMinutes
      ? "objectif de la semaine atteint"
      : `encore ${formatMinutes(targetMinutes - weekTotal)} pour atteindre ${formatMinutes(targetMinutes)}`;
  return `Veille enregistrée : ${formatMinutes(e.minutes)} — « ${e.title} » (${weekLabel(e.isoWeek)}). Total de la semaine : ${formatMinutes(weekTotal)}, ${goal}.${posted ? " Synthèse publiée dans le canal de la session." : ""}`;
}

/** The veille block of `/session status` (staff only) and, compact, of the App Home. */
/** A candidate's own veille in a few words, for `/session status` and the Home tab. */
export function ownVeilleBlocks(s: CandidateVeilleStatus): KnownBlock[] {
  const target = formatMinutes(s.targetMinutes);
  const week = s.weeks.at(-1)?.minutes ?? 0;
  return [
    md(
      `*Votre veille (compétence C6)*\nCette semaine : ${week ? formatMinutes(week) : "rien pour l'instant"} sur ${target} attendue. Série : ${s.streak} semaine${s.streak > 1 ? "s" : ""} d'au moins ${target}.${s.below.length ? ` ${s.below.length} semaine${s.below.length > 1 ? "s" : ""} terminée${s.below.length > 1 ? "s" : ""} sous ${target} sur les ${s.weeks.length - 1} dernières.` : ""}`,
    ),
    context('Consigner : `/veille log 1h "titre" https://…` · détail : `/veille status`.'),
  ];
}

export function veilleSummaryBlocks(s: VeilleSummary, timezone: string, compact = false): KnownBlock[] {
  const target = formatMinutes(s.targetMinutes);
  const blocks: KnownBlock[] = [
    md(`*Veille (compétence C6)*\n${veilleSummaryLines(s, timezone).join("\n")}`),
  ];
  if (!compact && s.table.rows.length) {
    const n = s.table.judgedWeeks.length;
    blocks.push(
      ...listSections(
        `Semaines à ${target} ou plus, sur les ${n} dernières`,
        s.table.rows.map(
          (r) =>
            `• ${esc(r.name)} : ${r.weeksOnTarget}/${r.outOf} ; cette semaine ${r.thisWeekMinutes ? formatMinutes(r.thisWeekMinutes) : "rien"}`,
        ),
      ),
    );
  }
  blocks.push(context("Détail : `/veille status`."));
  return blocks;
}
