import { nameKey } from "./store.js";
import type { Member } from "./types.js";

/** From the guide: « un jury composé d'au moins 2 professionnels avec à minima 2 années d'expérience ». */
export const MIN_PROFESSIONALS = 2;
export const MIN_YEARS = 2;

export interface JuryIssue {
  kind: "too-few-professionals" | "too-little-experience" | "experience-unknown" | "trainer-on-jury";
  message: string;
}

const fullName = (m: Member) =>
  `${m.prenom} ${m.nom}`.trim() || (m.slackUserId ? `<@${m.slackUserId}>` : "?");

function samePerson(a: Member, b: Member): boolean {
  if (a.slackUserId && a.slackUserId === b.slackUserId) return true;
  if (a.email && b.email && a.email.toLowerCase() === b.email.toLowerCase()) return true;
  const ka = nameKey(a.nom, a.prenom);
  return ka !== "" && ka === nameKey(b.nom, b.prenom);
}

/**
 * The guide's jury rules, checked against the session's members: at least two
 * professionals with two years of experience or more, and « le ou les
 * formateurs ayant formé les apprenants ne peuvent pas faire partie du jury ».
 * An empty list means the jury is valid.
 */
export function juryCheck(jury: readonly Member[], trainers: readonly Member[]): JuryIssue[] {
  const issues: JuryIssue[] = [];
  for (const m of jury) {
    const trainer = trainers.find((t) => samePerson(t, m));
    if (trainer)
      issues.push({
        kind: "trainer-on-jury",
        message: `${fullName(m)} est formateur·rice de la promotion : les formateurs ayant formé les apprenants ne peuvent pas faire partie du jury.`,
      });
    if (m.yearsExperience === null)
      issues.push({
        kind: "experience-unknown",
        message: `${fullName(m)} : années d'expérience non renseignées.`,
      });
    else if (m.yearsExperience < MIN_YEARS)
      issues.push({
        kind: "too-little-experience",
        message: `${fullName(m)} : ${m.yearsExperience} an(s) d'expérience, il en faut au moins ${MIN_YEARS}.`,
      });
  }
  const qualified = jury.filter(
    (m) =>
      m.professional !== false &&
      (m.yearsExperience ?? 0) >= MIN_YEARS &&
      !trainers.some((t) => samePerson(t, m)),
  );
  if (qualified.length < MIN_PROFESSIONALS)
    issues.unshift({
      kind: "too-few-professionals",
      message: `Le jury compte ${qualified.length} professionnel·le(s) habilité·e(s) (au moins ${MIN_YEARS} ans d'expérience, non formateur·rice) : il en faut au moins ${MIN_PROFESSIONALS}.`,
    });
  return issues;
}

/** A session's jury and what is wrong with it, from all its members. */
export function juryOfMembers(members: readonly Member[]): { members: Member[]; issues: JuryIssue[] } {
  const jury = members.filter((m) => m.role === "jury");
  return {
    members: jury,
    issues: juryCheck(
      jury,
      members.filter((m) => m.role === "trainer"),
    ),
  };
}
