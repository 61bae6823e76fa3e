import type { CheckResult } from "./check.js";

/** The short checklist shown by the CLI (and, with Slack emoji, in a thread). */
export function formatChecklist(r: CheckResult, style: "text" | "slack" = "text"): string {
  const v = r.verdict;
  const yes = style === "slack" ? "✅" : "[x]";
  const no = style === "slack" ? "❌" : "[ ]";
  const unknown = style === "slack" ? "❔" : "[?]";
  const bold = (s: string) => (style === "slack" ? `*${s}*` : s);
  const lines: string[] = [];
  lines.push(
    bold(`${r.deliverable.title} (${v.deliverable}) — ${v.ok ? "conforme" : "à compléter"}`) +
      (r.guessed
        ? `\nLivrable deviné d'après les pages et les titres ; précisez-le s'il ne s'agit pas de celui-ci.`
        : ""),
  );
  const pagesText =
    v.pages === null
      ? "nombre de pages inconnu"
      : `${v.pagesApproximate ? "environ " : ""}${v.pages} page${v.pages > 1 ? "s" : ""}${v.pagesApproximate ? " (estimation)" : ""}`;
  const mark = v.pagesOk === null ? unknown : v.pagesOk ? yes : no;
  lines.push(`${mark} Pages : ${pagesText}, attendu ${v.pageRange[0]} à ${v.pageRange[1]}`);
  if (v.sections.length) {
    lines.push(bold("Sections attendues :"));
    for (const s of v.sections)
      lines.push(
        `${s.found ? yes : no} ${s.name}${s.found && s.page !== null ? ` (p. ${s.page})` : s.found ? "" : " — introuvable"}`,
      );
  } else {
    lines.push("Pas de plan imposé pour ce livrable.");
  }
  if (v.hints.length) {
    lines.push(bold("Conseils :"));
    for (const h of v.hints) lines.push(`• ${h}`);
  }
  lines.push(`Règle : ${r.deliverable.source}`);
  return lines.join("\n");
}
