import { addDays, daysBetween, localDate, zonedInstant } from "./dates.js";
import type { Deadline, IsoDate, Session } from "./types.js";

/** When alerts go out, on the session's clock. */
export const ALERT_TIME = "09:00";
/** A session this long past its last deadline is archived: no more overdue alerts. */
export const ARCHIVE_AFTER_DAYS = 30;

export type AlertStage = "j-7" | "j-1" | "j0" | "overdue";

export interface DueAlert {
  deadline: Deadline;
  stage: AlertStage;
  /** The local date this stage belongs to (for overdue: each day after the due date). */
  stageDate: IsoDate;
  /** When the stage came due: 09:00 on stageDate, session time. */
  at: Date;
  /** Days from the last alert day reached (usually today) to the due date; negative once overdue. */
  daysLeft: number;
  /** Identifies this alert forever: it is sent once. */
  key: string;
}

/**
 * What should have been announced by `now`, one alert per open deadline: its
 * latest stage (J-7, J-1, J0, then one per overdue day). Earlier stages that
 * were missed are superseded, so after downtime each deadline appears once,
 * at its current stage, instead of a backlog of stale alerts. Pure: the
 * caller drops the keys already sent.
 */
export function dueAlerts(
  session: { timezone: string },
  deadlines: readonly Deadline[],
  done: ReadonlySet<string> | ReadonlyMap<string, unknown>,
  now: Date,
): DueAlert[] {
  if (!deadlines.length) return [];
  const tz = session.timezone;
  const today = localDate(now, tz);
  // The last date whose 09:00 has passed.
  const reached = zonedInstant(today, ALERT_TIME, tz) <= now ? today : addDays(today, -1);
  const lastDue = deadlines.reduce((max, d) => (d.due > max ? d.due : max), deadlines[0]!.due);
  if (daysBetween(lastDue, reached) > ARCHIVE_AFTER_DAYS) return [];
  const out: DueAlert[] = [];
  for (const deadline of deadlines) {
    if (done.has(deadline.id)) continue;
    const left = daysBetween(reached, deadline.due);
    let stage: AlertStage;
    let stageDate: IsoDate;
    if (left < 0) [stage, stageDate] = ["overdue", reached];
    else if (left === 0) [stage, stageDate] = ["j0", deadline.due];
    else if (left === 1) [stage, stageDate] = ["j-1", addDays(deadline.due, -1)];
    else if (left <= 7) [stage, stageDate] = ["j-7", addDays(deadline.due, -7)];
    else continue;
    out.push({
      deadline,
      stage,
      stageDate,
      at: zonedInstant(stageDate, ALERT_TIME, tz),
      daysLeft: left,
      key: `${deadline.id}/${stage}/${stageDate}`,
    });
  }
  return out;
}

/** One post for one session: every alert that came due since the last one, together. */
export interface DeadlineAlertNotice {
  session: Session;
  alerts: DueAlert[];
  /** Sent after downtime (some alert came due over an hour ago): said so, once, in a summary. */
  late: boolean;
  /** Slack ids to mention: the managers, and the trainers when an alert concerns them. */
  mentionIds: string[];
  /** Where to post when the session has no channel: its managers, by DM. */
  managerIds: string[];
}
