import { CertibotError } from "../errors.js";
import { parseKnowledgeYaml, readKnowledgeFile } from "../knowledge/yaml-file.js";
import { addDays, addMonths, frenchDate } from "./dates.js";
import { type Deadline, type DeadlineRule, DeadlinesFileSchema, type Milestones } from "./types.js";

export function parseDeadlineRules(text: string): DeadlineRule[] {
  const { deadlines } = parseKnowledgeYaml(text, "deadlines.yml", DeadlinesFileSchema);
  const ids = deadlines.map((d) => d.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice)
    throw new CertibotError("KNOWLEDGE_INVALID", { hint: "deadlines.yml", detail: `two deadlines ${twice}` });
  return deadlines;
}

export async function loadDeadlineRules(knowledgeDir: string): Promise<DeadlineRule[]> {
  return parseDeadlineRules(await readKnowledgeFile(knowledgeDir, "deadlines.yml"));
}

/**
 * Why a set of milestones cannot be right, in French, or null. Missing
 * milestones are allowed (a session is set up step by step); only the order
 * of those given is checked.
 */
export function milestoneProblem(m: Milestones): string | null {
  const before = (a: keyof Milestones, b: keyof Milestones) => m[a] && m[b] && m[b]! < m[a]!;
  const label = (k: keyof Milestones) => `(${frenchDate(m[k]!, false)})`;
  if (before("launch", "prairieEnd"))
    return `La fin de la prairie ${label("prairieEnd")} est avant le lancement de la promotion (${frenchDate(m.launch!, false)}).`;
  if (before("launch", "sessionStart"))
    return `Le début de la session ${label("sessionStart")} est avant le lancement de la promotion (${frenchDate(m.launch!, false)}).`;
  if (before("prairieEnd", "sessionStart"))
    return `Le début de la session ${label("sessionStart")} est avant la fin de la prairie (${frenchDate(m.prairieEnd!, false)}).`;
  if (before("sessionStart", "sessionEnd"))
    return `La fin de la session ${label("sessionEnd")} est avant son début (${frenchDate(m.sessionStart!, false)}).`;
  return null;
}

/**
 * The session's deadlines, in due order (then file order). A rule whose
 * milestone is not set yet is left out: `missing` names them.
 */
export function computeDeadlines(
  m: Milestones,
  rules: readonly DeadlineRule[],
  reportsLeadDays = 1,
): { deadlines: Deadline[]; missing: DeadlineRule[] } {
  const deadlines: Deadline[] = [];
  const missing: DeadlineRule[] = [];
  for (const rule of rules) {
    const anchor = m[rule.anchor];
    if (!anchor) {
      missing.push(rule);
      continue;
    }
    let due = addMonths(anchor, rule.offset.months);
    due = addDays(due, rule.offset.days - (rule.offset.sessionLeadDays ? reportsLeadDays : 0));
    deadlines.push({
      id: rule.id,
      due,
      audience: rule.audience,
      document: rule.document,
      task: rule.task,
      notify: rule.notify,
      candidates: rule.candidates,
      handIn: rule.handIn,
      source: rule.source,
    });
  }
  // Stable sort: same-day deadlines keep the guide's order.
  deadlines.sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : 0));
  return { deadlines, missing };
}
