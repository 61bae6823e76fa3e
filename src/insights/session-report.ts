import { createRequire } from "node:module";
import type { Resvg as ResvgClass } from "@resvg/resvg-js";
import type { Actor } from "../sessions/access.js";
import { requirePermission } from "../sessions/access.js";
import { daysBetween, frenchDate } from "../sessions/dates.js";
import {
  type SessionDeliverable,
  type SessionDeps,
  type SessionStatus,
  sessionStatus,
} from "../sessions/service.js";
import { membersOf } from "../sessions/store.js";
import { MILESTONE_LABELS, type Session } from "../sessions/types.js";
import { personOf } from "../veille/people.js";
import { minutesByWeek } from "../veille/store.js";
import { WEEKLY_TARGET_MINUTES } from "../veille/types.js";
import { isoWeekOf, lastWeeks } from "../veille/weeks.js";

/** Weeks of veille shown in the heatmap, the current one last. */
export const REPORT_WEEKS = 8;
/** Candidates drawn; more are summarised in the text alternative. */
const MAX_ROWS = 40;
export const REPORT_WIDTH = 1200;

export interface SessionPicture {
  png: Uint8Array;
  width: number;
  height: number;
  svg: string;
  /** The same content as text, for screen readers (Slack alt text and the message). */
  altText: string;
}

export interface SessionReportData {
  status: SessionStatus;
  weeks: string[];
  candidates: { name: string; minutes: number[] }[];
}

/** Managers (and administrators) only: the picture names every candidate. */
export async function sessionReportData(
  deps: SessionDeps,
  actor: Actor,
  session: Session,
  now: Date,
  deliverables: readonly SessionDeliverable[],
): Promise<SessionReportData> {
  await requirePermission(deps.db, session, actor, "change");
  const status = await sessionStatus(deps, actor, session, now, deliverables);
  const weeks = lastWeeks(isoWeekOf(now, session.timezone), REPORT_WEEKS);
  const people = (await membersOf(deps.db, session.id, "candidate")).map(personOf);
  const rows = await minutesByWeek(deps.db, session.id, weeks);
  const byUser = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const m = byUser.get(r.slackUserId) ?? new Map<string, number>();
    m.set(r.week, r.minutes);
    byUser.set(r.slackUserId, m);
  }
  const candidates = people.map((p) => ({
    name: p.name,
    minutes: weeks.map((w) => (p.slackUserId ? (byUser.get(p.slackUserId)?.get(w) ?? 0) : 0)),
  }));
  return { status, weeks, candidates };
}

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const STATE_STYLE = {
  done: { fill: "#2e7d32", label: "fait" },
  upcoming: { fill: "#1565c0", label: "à venir" },
  today: { fill: "#ef6c00", label: "aujourd'hui" },
  overdue: { fill: "#c62828", label: "en retard" },
} as const;

function cellColour(minutes: number): string {
  if (minutes <= 0) return "#eeeeee";
  if (minutes < WEEKLY_TARGET_MINUTES / 2) return "#c8e6c9";
  if (minutes < WEEKLY_TARGET_MINUTES) return "#81c784";
  return "#2e7d32";
}

const hours = (m: number) =>
  m <= 0 ? "0" : m % 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}` : `${m / 60}h`;

/** The session as an SVG: a timeline of milestones and deadlines, then the veille heatmap. */
export function sessionReportSvg(d: SessionReportData): { svg: string; width: number; height: number } {
  const { status } = d;
  const W = REPORT_WIDTH;
  const left = 60;
  const right = W - 60;
  /** A scale over the dates given (and today), from left to right. */
  const scale = (list: string[]) => {
    const sorted = [...list, status.today].sort();
    const first = sorted[0]!;
    const span = Math.max(1, daysBetween(first, sorted[sorted.length - 1]!));
    return (date: string) => left + ((right - left) * daysBetween(first, date)) / span;
  };
  // Milestones span years, deadlines cluster around the session: each gets its own axis.
  const x = scale(status.milestones.flatMap((m) => (m.date ? [m.date] : [])));
  const xd = scale(status.deadlines.map((d) => d.deadline.due));
  /** Labels right of the marker on the left half, left of it on the right half, so none leaves the picture. */
  const anchor = (px: number) => (px > W / 2 ? 'text-anchor="end"' : "");
  const nudge = (px: number) => (px > W / 2 ? px - 6 : px + 6);
  const parts: string[] = [];
  const text = (tx: number, ty: number, s: string, attrs = ""): void => {
    parts.push(`<text x="${tx.toFixed(1)}" y="${ty.toFixed(1)}" ${attrs}>${esc(s)}</text>`);
  };

  text(
    left,
    40,
    `Session ${status.session.name} — au ${frenchDate(status.today, false)}`,
    'font-size="24" font-weight="bold"',
  );
  // Milestones
  const axisY = 130;
  text(left, 75, "Jalons", 'font-size="18" font-weight="bold"');
  parts.push(`<line x1="${left}" y1="${axisY}" x2="${right}" y2="${axisY}" stroke="#555" stroke-width="2"/>`);
  for (const [i, m] of status.milestones.entries()) {
    if (!m.date) continue;
    const mx = x(m.date);
    parts.push(`<rect x="${(mx - 5).toFixed(1)}" y="${axisY - 5}" width="10" height="10" fill="#555"/>`);
    text(
      nudge(mx),
      axisY - 12 - (i % 2) * 14,
      `${MILESTONE_LABELS[m.milestone]} (${m.date})`,
      `font-size="11" fill="#333" ${anchor(mx)}`,
    );
  }
  const today = (px: number, y: number) => {
    parts.push(
      `<line x1="${px.toFixed(1)}" y1="${y - 14}" x2="${px.toFixed(1)}" y2="${y + 14}" stroke="#ef6c00" stroke-width="3"/>`,
    );
    text(nudge(px), y + 26, "aujourd'hui", `font-size="11" fill="#ef6c00" ${anchor(px)}`);
  };
  today(x(status.today), axisY);
  // Deadlines, on their own (zoomed) axis, labels on staggered rows
  const dY = 215;
  text(left, 185, "Échéances", 'font-size="18" font-weight="bold"');
  parts.push(`<line x1="${left}" y1="${dY}" x2="${right}" y2="${dY}" stroke="#555" stroke-width="2"/>`);
  today(xd(status.today), dY);
  const rowsOfLabels = 5;
  for (const [i, s] of status.deadlines.entries()) {
    const style = STATE_STYLE[s.state.kind];
    const dx = xd(s.deadline.due);
    const ly = dY + 44 + (i % rowsOfLabels) * 14;
    parts.push(
      `<line x1="${dx.toFixed(1)}" y1="${dY}" x2="${dx.toFixed(1)}" y2="${ly - 9}" stroke="${style.fill}" stroke-width="1"/>`,
    );
    parts.push(`<circle cx="${dx.toFixed(1)}" cy="${dY}" r="6" fill="${style.fill}"/>`);
    text(
      nudge(dx),
      ly,
      `${s.deadline.id} ${s.deadline.due.slice(5)} — ${style.label}`,
      `font-size="10" fill="${style.fill}" ${anchor(dx)}`,
    );
  }
  let lx = left;
  const legendY = dY + 44 + rowsOfLabels * 14 + 10;
  for (const [, style] of Object.entries(STATE_STYLE)) {
    parts.push(`<circle cx="${lx + 6}" cy="${legendY}" r="6" fill="${style.fill}"/>`);
    text(lx + 16, legendY + 4, style.label, 'font-size="12"');
    lx += 120;
  }
  // Heatmap
  const top = legendY + 50;
  text(
    left,
    top,
    `Veille (C6) : heures par candidat·e et par semaine (objectif ${WEEKLY_TARGET_MINUTES / 60} h)`,
    'font-size="18" font-weight="bold"',
  );
  const nameW = 260;
  const cellW = (right - left - nameW) / d.weeks.length;
  const cellH = 22;
  for (const [j, w] of d.weeks.entries())
    text(left + nameW + j * cellW + 4, top + 26, w, 'font-size="11" fill="#333"');
  const rows = d.candidates.slice(0, MAX_ROWS);
  rows.forEach((c, i) => {
    const y = top + 34 + i * cellH;
    text(left, y + 15, c.name.slice(0, 36), 'font-size="12"');
    c.minutes.forEach((m, j) => {
      const cx = left + nameW + j * cellW;
      parts.push(
        `<rect x="${cx.toFixed(1)}" y="${y}" width="${(cellW - 2).toFixed(1)}" height="${cellH - 2}" fill="${cellColour(m)}"/>`,
      );
      text(cx + 4, y + 15, hours(m), `font-size="11" fill="${m >= WEEKLY_TARGET_MINUTES ? "#fff" : "#222"}"`);
    });
  });
  if (!rows.length) text(left, top + 50, "Aucun·e candidat·e inscrit·e.", 'font-size="12"');
  if (d.candidates.length > rows.length)
    text(
      left,
      top + 34 + rows.length * cellH + 16,
      `… et ${d.candidates.length - rows.length} autres (voir la description texte)`,
      'font-size="12"',
    );
  const height = top + 34 + Math.max(1, rows.length) * cellH + 40;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif"><rect width="100%" height="100%" fill="#ffffff"/>${parts.join("")}</svg>`;
  return { svg, width: W, height };
}

/** The text alternative: everything the picture says, in French sentences. */
export function sessionReportAltText(d: SessionReportData): string {
  const { status } = d;
  const lines = [`Session ${status.session.name}, au ${frenchDate(status.today, false)}.`];
  const ms = status.milestones.filter((m) => m.date);
  if (ms.length)
    lines.push(`Jalons : ${ms.map((m) => `${MILESTONE_LABELS[m.milestone]} le ${m.date}`).join(" ; ")}.`);
  const by = (k: keyof typeof STATE_STYLE) => status.deadlines.filter((x) => x.state.kind === k);
  lines.push(
    `Échéances : ${by("done").length} faite(s), ${by("upcoming").length} à venir, ${by("today").length} aujourd'hui, ${by("overdue").length} en retard.`,
  );
  const overdue = by("overdue");
  if (overdue.length)
    lines.push(`En retard : ${overdue.map((x) => `${x.deadline.id} (dû le ${x.deadline.due})`).join(", ")}.`);
  const next = by("upcoming")[0] ?? by("today")[0];
  if (next) lines.push(`Prochaine échéance : ${next.deadline.id} le ${next.deadline.due}.`);
  lines.push(
    `Veille des ${d.weeks.length} dernières semaines (${d.weeks[0]} à ${d.weeks[d.weeks.length - 1]}), ${d.candidates.length} candidat·e(s) :`,
  );
  for (const c of d.candidates) {
    const onTarget = c.minutes.filter((m) => m >= WEEKLY_TARGET_MINUTES).length;
    lines.push(
      `${c.name} : ${onTarget} semaine(s) sur ${c.minutes.length} à une heure ou plus, ${hours(c.minutes.at(-1) ?? 0)} cette semaine.`,
    );
  }
  return lines.join("\n");
}

/** Renders the picture (SVG drawn here, rasterised by resvg; no browser). */
export function renderSessionReport(d: SessionReportData): SessionPicture {
  const { svg } = sessionReportSvg(d);
  // The native rasteriser is loaded on the first picture, not at every start.
  const { Resvg } = createRequire(import.meta.url)("@resvg/resvg-js") as { Resvg: typeof ResvgClass };
  const rendered = new Resvg(svg, { fitTo: { mode: "original" }, font: { loadSystemFonts: true } }).render();
  return {
    png: rendered.asPng(),
    width: rendered.width,
    height: rendered.height,
    svg,
    altText: sessionReportAltText(d),
  };
}
