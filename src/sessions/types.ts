import { z } from "zod";

/** A plain calendar date, "YYYY-MM-DD": what the guide's deadlines are counted in. */
export type IsoDate = string;

export const ROLES = ["manager", "trainer", "candidate", "jury", "project-team"] as const;
export type Role = (typeof ROLES)[number];

/** How roles are written in French (CSV `role` column, commands, views). */
export const ROLE_LABELS: Record<Role, string> = {
  manager: "responsable de session",
  trainer: "formateur",
  candidate: "apprenant",
  jury: "jury",
  "project-team": "équipe projet",
};

export const MILESTONES = ["launch", "prairieEnd", "sessionStart", "sessionEnd"] as const;
export type Milestone = (typeof MILESTONES)[number];

export const MILESTONE_LABELS: Record<Milestone, string> = {
  launch: "Lancement de la promotion",
  prairieEnd: "Fin de la prairie",
  sessionStart: "Début de la session de certification",
  sessionEnd: "Fin de la session de certification",
};

export interface Milestones {
  launch: IsoDate | null;
  prairieEnd: IsoDate | null;
  sessionStart: IsoDate | null;
  sessionEnd: IsoDate | null;
}

export interface Session extends Milestones {
  id: number;
  name: string;
  referential: string;
  agate: string | null;
  channelId: string | null;
  timezone: string;
  reportsLeadDays: number;
  createdBy: string;
  createdAt: Date;
}

export interface Member {
  id: number;
  sessionId: number;
  role: Role;
  slackUserId: string | null;
  email: string | null;
  nom: string;
  prenom: string;
  professional: boolean | null;
  yearsExperience: number | null;
}

export const DECISIONS = ["admis", "refuse", "absent"] as const;
export type Decision = (typeof DECISIONS)[number];

export interface DecisionRecord {
  memberId: number;
  decision: Decision;
  comment: string | null;
  decidedBy: string;
  decidedAt: Date;
}

export interface DoneRecord {
  deadlineId: string;
  doneBy: string;
  doneAt: Date;
}

/** A deadline rule as written in knowledge/deadlines.yml. */
export const DeadlineRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
    document: z.string().min(1),
    audience: z.string().min(1),
    /** Roles to mention in alerts, besides the managers. */
    notify: z.array(z.enum(ROLES)).default([]),
    anchor: z.enum(MILESTONES),
    offset: z
      .object({
        months: z.number().int().default(0),
        days: z.number().int().default(0),
        /** Use the session's own reports_lead_days, before the anchor. */
        sessionLeadDays: z.boolean().default(false),
      })
      .strict()
      .default({ months: 0, days: 0, sessionLeadDays: false }),
    task: z.string().min(1),
    /** Shown to candidates in their own view (what they receive or hand in). */
    candidates: z.boolean().default(false),
    /** The day candidates hand their written deliverables in (their own deadline). */
    handIn: z.boolean().default(false),
    source: z.string().min(1),
  })
  .strict();
export type DeadlineRule = z.infer<typeof DeadlineRuleSchema>;

export const DeadlinesFileSchema = z.object({
  referential: z.string(),
  deadlines: z.array(DeadlineRuleSchema).min(1),
});

/** One deadline of one session, as computed from its milestones. */
export interface Deadline {
  id: string;
  due: IsoDate;
  audience: string;
  document: string;
  task: string;
  notify: Role[];
  candidates: boolean;
  handIn: boolean;
  source: string;
}
