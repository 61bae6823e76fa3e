import { frenchDate } from "./dates.js";
import type { DecisionRecord, Member, Session } from "./types.js";

export interface PvCandidate {
  member: Member;
  pvId: string | null;
  decision: DecisionRecord | null;
}

export interface PvCounts {
  registered: number;
  present: number;
  absent: number;
  admitted: number;
  refused: number;
  undecided: number;
}

export interface Pv {
  counts: PvCounts;
  /** What must be fixed before the PV is signed (French). */
  problems: string[];
  csv: string;
  markdown: string;
}

function csvField(raw: string): string {
  // A cell starting like a formula is shown as text by spreadsheets, not run.
  const v = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[;"\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function mdCell(v: string): string {
  return v.replace(/\|/g, "\\|").replace(/\s+/g, " ");
}

/**
 * Parts 1 and 2 of the guide's PV (procès-verbal de délibération du jury):
 * the session and its counts, then every registered candidate in A–Z order
 * with their internal id and the jury's decision. CSV uses semicolons, as
 * French spreadsheets expect.
 */
export function buildPv(
  session: Session,
  certification: { name: string; rncp: string | null },
  candidates: readonly PvCandidate[],
): Pv {
  const counts: PvCounts = {
    registered: candidates.length,
    present: 0,
    absent: 0,
    admitted: 0,
    refused: 0,
    undecided: 0,
  };
  const problems: string[] = [];
  for (const c of candidates) {
    const d = c.decision?.decision;
    if (!c.member.nom || !c.member.prenom)
      problems.push(
        `Un candidat ajouté par mention (<@${c.member.slackUserId ?? "?"}>) n'a ni nom ni prénom : complétez la liste (/session roster import).`,
      );
    if (d === "absent") counts.absent++;
    // Present once the jury decided on them; undecided ones are counted apart.
    else if (d) counts.present++;
    if (d === "admis") counts.admitted++;
    if (d === "refuse") counts.refused++;
    if (!d) {
      counts.undecided++;
      problems.push(`${c.member.prenom} ${c.member.nom} : pas encore de décision du jury.`);
    }
    if (d === "refuse" && !c.decision?.comment?.trim())
      problems.push(
        `${c.member.prenom} ${c.member.nom} : refus sans commentaire (le commentaire est obligatoire en cas de refus).`,
      );
  }
  if (!session.agate)
    problems.push("Code agate de la promotion non renseigné : les identifiants du PV manquent.");
  const date = (d: string | null) => (d ? frenchDate(d, false) : "—");
  const header = [
    "Nom",
    "Prénom",
    "Identifiant",
    "Formation",
    "VAE",
    "Absent.e",
    "Refusé.e",
    "Admis.e",
    "Commentaire",
  ];
  const rows = candidates.map((c) => {
    const d = c.decision?.decision;
    return [
      c.member.nom,
      c.member.prenom,
      c.pvId ?? "",
      "X",
      "",
      d === "absent" ? "X" : "",
      d === "refuse" ? "X" : "",
      d === "admis" ? "X" : "",
      c.decision?.comment ?? "",
    ];
  });
  const csv = `${[header, ...rows].map((r) => r.map(csvField).join(";")).join("\r\n")}\r\n`;
  const md = [
    `# Procès-verbal — délibération du jury — session ${session.name}`,
    "",
    "## Partie 1 — la session",
    "",
    `- Nom de la certification : ${certification.name}`,
    `- N° RNCP de la certification : ${certification.rncp ?? "—"}`,
    `- Début de la session : ${date(session.sessionStart)} — fin de la session : ${date(session.sessionEnd)}`,
    `- Code agate de la promotion : ${session.agate ?? "—"}`,
    `- Nombre de candidats inscrits : ${counts.registered}`,
    `- Nombre de candidats présents : ${counts.present}`,
    `- Nombre de candidats absents : ${counts.absent}`,
    `- Nombre de candidats admis : ${counts.admitted}`,
    `- Nombre de candidats refusés : ${counts.refused}`,
    ...(counts.undecided ? [`- Sans décision à ce jour : ${counts.undecided}`] : []),
    "",
    "## Partie 2 — résultats des délibérations",
    "",
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(mdCell).join(" | ")} |`),
    "",
    ...(problems.length ? ["## À compléter avant signature", "", ...problems.map((p) => `- ${p}`), ""] : []),
  ].join("\n");
  return { counts, problems, csv, markdown: md };
}
