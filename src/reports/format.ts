import type { CheckResult, ReportVerdict } from "./check.js";

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
  // In Slack the coverage has its own block and thread reply (views/report-blocks.ts).
  if (style === "text" && v.coverage && v.epreuve) lines.push("", ...coverageText(v));
  return lines.join("\n");
}

/** The CLI's coverage: per competency, shown / mentioned only / not found, the passages and the advice. */
function coverageText(v: ReportVerdict): string[] {
  const e = v.epreuve!;
  const lines = [
    `Compétences de l'épreuve ${e.code} (${e.referential})${e.fromTitlePage ? ", lue sur la page de titre" : ""} — un repère, pas une note :`,
  ];
  if (!v.coverage!.length) lines.push("Aucun texte lisible : les compétences n'ont pas pu être cherchées.");
  for (const c of v.coverage!) {
    const mark = c.covered ? "[x]" : c.mentionedOnly ? "[~]" : "[ ]";
    const state = c.covered ? "montré" : c.mentionedOnly ? "mentionné, pas montré" : "non trouvé";
    lines.push(`${mark} ${c.code} ${c.title} — ${state}`);
    for (const q of (c.covered ? c.evidence : c.mentions).slice(0, 3))
      lines.push(
        `    « ${q.quote} »${q.page !== null ? ` (p. ${q.page}${q.section ? `, ${q.section}` : ""})` : ""}`,
      );
    lines.push(`    → ${c.advice}`);
  }
  return lines;
}
