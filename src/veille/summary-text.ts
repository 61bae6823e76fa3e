import { formatInZone } from "../jobs/time.js";
import { formatMinutes } from "./duration.js";
import type { VeilleSummary } from "./service.js";
import { weekLabel } from "./weeks.js";

/** The veille lines of a session's status, shared by Slack and the CLI. */
export function veilleSummaryLines(s: VeilleSummary, timezone: string): string[] {
  const target = formatMinutes(s.targetMinutes);
  const last = weekLabel(s.lastWeek.week);
  return [
    `Cette semaine : ${s.loggedThisWeek}/${s.candidates} candidat(s) ont consigné une veille, ${s.onTargetThisWeek} à ${target} ou plus.`,
    `${last.charAt(0).toUpperCase()}${last.slice(1)} : ${s.lastWeek.onTarget}/${s.candidates} à ${target} ou plus.`,
    `Thème : ${s.themeThisWeek ?? "libre"} · flux : ${s.feeds}${s.feedsWithProblems ? ` (${s.feedsWithProblems} en erreur)` : ""} · prochain rappel ${formatInZone(s.nextReminder, timezone)}, prochain bilan ${formatInZone(s.nextDigest, timezone)}.`,
  ];
}
