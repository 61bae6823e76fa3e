import { Resvg } from "@resvg/resvg-js";
import type { Actor } from "../sessions/access.js";
import { requirePermission } from "../sessions/access.js";
import { daysBetween, frenchDate } from "../sessions/dates.js";
import { type SessionDeps, type SessionStatus, sessionStatus } from "../sessions/service.js";
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
  deliverableIds: readonly string[],
): Promise<SessionReportData> {
  await requirePermission(deps.db, session, actor, "change");
  const status = await sessionStatus(deps, actor, session, now, deliverableIds);
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
  const dates = [
    ...status.milestones.flatMap((m) => (m.date ? [m.date] : [])),
    ...status.deadlines.map((x) => x.deadline.due),
    status.today,
  ].sort();
  const first = dates[0] ?? status.today;
  const span = Math.max(1, daysBetween(first, dates[dates.length - 1] ?? status.today));
  const x = (date: string) => left + ((right - left) * daysBetween(first, date)) / span;
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
  // Timeline
  const axisY = 170;
  text(left, 80, "Jalons et échéances", 'font-size="18" font-weight="bold"');
  parts.push(`<line x1="${left}" y1="${axisY}" x2="${right}" y2="${axisY}" stroke="#555" stroke-width="2"/>`);
  status.milestones.forEach((m, i) => {
    if (!m.date) return;
    const mx = x(m.date);
    parts.push(
      `<line x1="${mx.toFixed(1)}" y1="${axisY - 60}" x2="${mx.toFixed(1)}" y2="${axisY + 10}" stroke="#555" stroke-dasharray="4 3"/>`,
    );
    text(
      mx + 3,
      axisY - 62 + (i % 2) * 14,
      `${MILESTONE_LABELS[m.milestone]} (${m.date})`,
      'font-size="11" fill="#333"',
    );
  });
  const tx = x(status.today);
  parts.push(
    `<line x1="${tx.toFixed(1)}" y1="${axisY - 20}" x2="${tx.toFixed(1)}" y2="${axisY + 60}" stroke="#ef6c00" stroke-width="2"/>`,
  );
  text(tx + 3, axisY + 58, "aujourd'hui", 'font-size="11" fill="#ef6c00"');
  status.deadlines.forEach((s, i) => {
    const style = STATE_STYLE[s.state.kind];
    const dx = x(s.deadline.due);
    const dy = axisY + 14 + (i % 3) * 13;
    parts.push(`<circle cx="${dx.toFixed(1)}" cy="${axisY}" r="6" fill="${style.fill}"/>`);
    text(dx - 4, dy + 8, `${s.deadline.id} (${style.label})`, `font-size="10" fill="${style.fill}"`);
  });
  let lx = left;
  for (const [, style] of Object.entries(STATE_STYLE)) {
    parts.push(`<circle cx="${lx + 6}" cy="262" r="6" fill="${style.fill}"/>`);
    text(lx + 16, 266, style.label, 'font-size="12"');
    lx += 120;
  }
  // Heatmap
  const top = 310;
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
  const { svg, width, height } = sessionReportSvg(d);
  const rendered = new Resvg(svg, { fitTo: { mode: "original" }, font: { loadSystemFonts: true } }).render();
  return {
    png: rendered.asPng(),
    width: rendered.width,
    height: rendered.height,
    svg,
    altText: sessionReportAltText(d),
  };
}
