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
  if (v.sections.length && !v.sectionsChecked) {
    lines.push(bold("Sections attendues : non vérifiables (aucun texte lisible dans le fichier)."));
  } else if (v.sections.length) {
    lines.push(bold("Sections attendues :"));
    for (const s of v.sections) {
      const where = s.page !== null ? ` (p. ${s.page})` : "";
      const as = s.heading && s.heading !== s.name ? ` — titre « ${s.heading} »` : "";
      const near = s.closest
        ? ` — introuvable ; titre le plus proche : « ${s.closest.heading} »${s.closest.page !== null ? ` p. ${s.closest.page}` : ""}`
        : " — introuvable";
      lines.push(s.found ? `${yes} ${s.name}${where}${as}` : `${no} ${s.name}${near}`);
    }
  } else {
    lines.push("Pas de plan imposé pour ce livrable.");
  }
  // Missing sections already say so above, with their closest heading.
  const hints = v.hints.filter((h) => !v.sections.some((s) => !s.found && h.startsWith(`« ${s.name} »`)));
  if (hints.length) {
    lines.push(bold("Conseils :"));
    for (const h of hints) lines.push(`• ${h}`);
  }
  lines.push(`Règle : ${r.deliverable.source}`);
  return lines.join("\n");
}
