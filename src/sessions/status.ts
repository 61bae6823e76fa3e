import { type Actor, deadlineShown, requirePermission, type Viewer, viewerOf } from "./access.js";
import { daysBetween, localDate } from "./dates.js";
import { computeDeadlines } from "./deadlines.js";
import { type JuryIssue, juryOfMembers } from "./jury.js";
import {
  certificationOf,
  deliverablesOfSession,
  invalid,
  type SessionDeliverable,
  type SessionDeps,
  type SessionKnowledge,
} from "./knowledge.js";
import { doneOf, latestReportChecks, markDone, membersOf } from "./store.js";
import type { Deadline, DoneRecord, IsoDate, Member, Milestone, Role, Session } from "./types.js";

export function sessionDeadlines(session: Session, knowledge: SessionKnowledge) {
  return computeDeadlines(session, knowledge.rules, session.reportsLeadDays);
}

export type DeadlineState =
  | { kind: "done"; done: DoneRecord }
  | { kind: "upcoming"; daysLeft: number }
  | { kind: "today" }
  | { kind: "overdue"; daysLate: number };

export interface StatusDeadline {
  deadline: Deadline;
  state: DeadlineState;
}

export interface StatusMilestone {
  milestone: Milestone;
  date: IsoDate | null;
  /** Days from today (negative: past). */
  days: number | null;
}

export interface ReportSummary {
  deliverable: string;
  title: string;
  ok: number;
  failing: number;
  notChecked: number;
}

/** A deliverable the candidate hands in: when, and the verdict of their latest check. */
export interface OwnDeliverable {
  deliverable: string;
  title: string;
  /** The hand-in day (null while the session start is not set). */
  due: IsoDate | null;
  /** Days from today to the hand-in day (negative: past). */
  daysLeft: number | null;
  verdict: { ok: boolean; checkedAt: Date } | null;
}

/**
 * What `/session status` and the Home tab show, decided by the viewer's role
 * (`access.ts`): `deadlines` are those that concern the viewer; `all` is the
 * staff's view of everyone; `own` is the candidate's own obligations.
 */
export interface SessionStatus {
  session: Session;
  roles: Role[];
  viewer: Viewer;
  /** The certification the session leads to, as people name it. */
  certification: string;
  today: IsoDate;
  milestones: StatusMilestone[];
  deadlines: StatusDeadline[];
  /** Deadlines that need a milestone not set yet (shown to those who can set them). */
  missingMilestones: Milestone[];
  all: {
    candidates: number;
    trainers: number;
    managers: number;
    reports: ReportSummary[];
    jury: { members: Member[]; issues: JuryIssue[] };
  } | null;
  own: {
    deliverables: OwnDeliverable[];
    /** Verdicts of checks of deliverables outside the session's list (another certification). */
    otherReports: Array<{ deliverable: string; title: string; ok: boolean; checkedAt: Date }>;
  } | null;
}

function stateOf(d: Deadline, done: Map<string, DoneRecord>, today: IsoDate): DeadlineState {
  const record = done.get(d.id);
  if (record) return { kind: "done", done: record };
  const left = daysBetween(today, d.due);
  if (left > 0) return { kind: "upcoming", daysLeft: left };
  if (left === 0) return { kind: "today" };
  return { kind: "overdue", daysLate: -left };
}

export async function sessionStatus(
  deps: SessionDeps,
  actor: Actor,
  session: Session,
  now: Date,
  deliverables: readonly SessionDeliverable[],
): Promise<SessionStatus> {
  const roles = await requirePermission(deps.db, session, actor, "view-own");
  const viewer = viewerOf(roles);
  const today = localDate(now, session.timezone);
  const { deadlines, missing } = sessionDeadlines(session, deps.knowledge);
  const done = await doneOf(deps.db, session.id);
  const milestones = (["launch", "prairieEnd", "sessionStart", "sessionEnd"] as const).map((m) => ({
    milestone: m,
    date: session[m],
    days: session[m] ? daysBetween(today, session[m]!) : null,
  }));
  const ours = deliverablesOfSession(deps.knowledge, session.referential, deliverables);
  const status: SessionStatus = {
    session,
    roles,
    viewer,
    certification: certificationOf(deps.knowledge, session.referential),
    today,
    milestones,
    deadlines: deadlines
      .filter((d) => deadlineShown(viewer, roles, d))
      .map((d) => ({ deadline: d, state: stateOf(d, done, today) })),
    missingMilestones:
      viewer === "manager"
        ? [...new Set(missing.map((r) => r.anchor))]
        : [...new Set(missing.filter((r) => viewer === "candidate" && r.handIn).map((r) => r.anchor))],
    all: null,
    own: null,
  };
  if (viewer === "manager" || viewer === "trainer") {
    const members = await membersOf(deps.db, session.id);
    const candidates = members.filter((m) => m.role === "candidate");
    const ids = candidates.map((c) => c.slackUserId).filter((x): x is string => !!x);
    const checks = await latestReportChecks(deps.db, ids);
    const reports = ours.map(({ id, title }) => {
      const of = checks.filter((c) => c.deliverable === id);
      const ok = of.filter((c) => c.ok).length;
      return {
        deliverable: id,
        title,
        ok,
        failing: of.length - ok,
        notChecked: candidates.length - of.length,
      };
    });
    status.all = {
      candidates: candidates.length,
      trainers: members.filter((m) => m.role === "trainer").length,
      managers: members.filter((m) => m.role === "manager").length,
      reports,
      jury: juryOfMembers(members),
    };
  } else if (viewer === "candidate") {
    const checks = await latestReportChecks(deps.db, [actor.id]);
    const handIn = deadlines.find((d) => d.handIn) ?? null;
    const titleOf = (id: string) => deliverables.find((d) => d.id === id)?.title ?? id;
    status.own = {
      deliverables: ours.map(({ id, title }) => {
        const check = checks.find((c) => c.deliverable === id);
        return {
          deliverable: id,
          title,
          due: handIn?.due ?? null,
          daysLeft: handIn ? daysBetween(today, handIn.due) : null,
          verdict: check ? { ok: check.ok, checkedAt: check.checkedAt } : null,
        };
      }),
      otherReports: checks
        .filter((c) => !ours.some((d) => d.id === c.deliverable))
        .map((c) => ({
          deliverable: c.deliverable,
          title: titleOf(c.deliverable),
          ok: c.ok,
          checkedAt: c.checkedAt,
        })),
    };
  }
  return status;
}

export async function markDeadlineDone(
  deps: SessionDeps,
  actor: Actor,
  session: Session,
  deadlineId: string,
): Promise<{ deadline: Deadline | null; done: DoneRecord }> {
  await requirePermission(deps.db, session, actor, "change");
  const rule = deps.knowledge.rules.find((r) => r.id === deadlineId.trim().toLowerCase());
  if (!rule)
    throw invalid(
      `échéance inconnue « ${deadlineId} » ; échéances : ${deps.knowledge.rules.map((r) => r.id).join(", ")}.`,
    );
  const done = await markDone(deps.db, session.id, rule.id, actor.id);
  const deadline = sessionDeadlines(session, deps.knowledge).deadlines.find((d) => d.id === rule.id) ?? null;
  return { deadline, done };
}
