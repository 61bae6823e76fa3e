import type { DueAlert } from "./alerts.js";
import type { SessionReply } from "./commands.js";
import { frenchDate, localDate } from "./dates.js";
import type { DeadlineState, OwnDeliverable, SessionStatus } from "./status.js";
import {
  type Member,
  MILESTONE_LABELS,
  MILESTONES,
  type Milestone,
  ROLE_LABELS,
  type Session,
} from "./types.js";

/** How the milestones are typed in `create` and `set`. */
const MILESTONE_KEYS: Record<Milestone, string> = {
  launch: "lancement",
  prairieEnd: "fin-prairie",
  sessionStart: "debut-session",
  sessionEnd: "fin-session",
};

/** Plain text of the session's replies: the CLI prints it; Slack uses it as the notification text. */

/** A person as people read them: their name, else their Slack mention. */
export function personName(m: Member): string {
  return `${m.prenom} ${m.nom}`.trim() || (m.slackUserId ? `<@${m.slackUserId}>` : "(sans nom)");
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n > 1 ? many : one}`;

export function stateText(state: DeadlineState, timezone = "Europe/Paris"): string {
  switch (state.kind) {
    case "done":
      return `fait le ${frenchDate(localDate(state.done.doneAt, timezone), false)}`;
    case "today":
      return "aujourd'hui";
    case "upcoming":
      return `dans ${plural(state.daysLeft, "jour")}`;
    case "overdue":
      return `en retard de ${plural(state.daysLate, "jour")}`;
  }
}

export function whenText(alert: DueAlert): string {
  if (alert.daysLeft > 1) return `dans ${alert.daysLeft} jours`;
  if (alert.daysLeft === 1) return "demain";
  if (alert.daysLeft === 0) return "aujourd'hui";
  return `en retard de ${plural(-alert.daysLeft, "jour")}`;
}

function sessionLine(s: Session): string {
  const parts = [
    s.referential,
    s.agate ? `agate ${s.agate}` : null,
    s.channelId ? `<#${s.channelId}>` : null,
  ];
  return `${s.name} (${parts.filter(Boolean).join(", ")})`;
}

/** When a candidate hands a deliverable in, in words: "au plus tard le 4 mai 2025 (dans 12 jours)". */
export function handInText(d: OwnDeliverable): string {
  if (!d.due || d.daysLeft === null)
    return "date de remise pas encore fixée (début de session non renseigné)";
  const when =
    d.daysLeft > 0
      ? `dans ${plural(d.daysLeft, "jour")}`
      : d.daysLeft === 0
        ? "aujourd'hui"
        : `date passée de ${plural(-d.daysLeft, "jour")}`;
  return `à remettre au plus tard le ${frenchDate(d.due, false)} (${when})`;
}

/** The latest check of a deliverable, in words. */
export function verdictText(d: OwnDeliverable, timezone: string): string {
  if (!d.verdict) return "pas encore vérifié";
  const on = frenchDate(localDate(d.verdict.checkedAt, timezone), false);
  return `${d.verdict.ok ? "conforme" : "à reprendre"} (vérifié le ${on})`;
}

/** Heading of the deadlines part, by viewer. */
export function deadlinesHeading(st: SessionStatus): string {
  return st.viewer === "manager" ? "Échéances" : "Échéances qui vous concernent";
}

export function statusText(st: SessionStatus): string {
  const lines = [
    `Session ${st.session.name} — ${st.certification} — aujourd'hui ${frenchDate(st.today)}`,
    "",
    "Jalons :",
  ];
  for (const m of st.milestones)
    lines.push(
      `  ${MILESTONE_LABELS[m.milestone]} : ${m.date ? `${frenchDate(m.date)}${m.days === 0 ? " (aujourd'hui)" : m.days! > 0 ? ` (dans ${plural(m.days!, "jour")})` : " (passé)"}` : "non renseigné"}`,
    );
  if (st.own) {
    lines.push("", "Vos rapports à remettre aux formateurs et au jury :");
    if (!st.own.deliverables.length) lines.push("  aucun rapport écrit attendu pour cette certification");
    for (const d of st.own.deliverables)
      lines.push(`  ${d.title} : ${handInText(d)} — ${verdictText(d, st.session.timezone)}`);
    for (const r of st.own.otherReports) lines.push(`  ${r.title} : ${r.ok ? "conforme" : "à reprendre"}`);
    if (st.own.deliverables.some((d) => !d.verdict))
      lines.push("  Faites vérifier un rapport en l'envoyant au bot en message direct (PDF ou .docx).");
  } else {
    lines.push("", `${deadlinesHeading(st)} :`);
    if (!st.deadlines.length)
      lines.push(
        st.viewer === "manager"
          ? "  aucune tant que les jalons ne sont pas renseignés"
          : "  aucune pour l'instant",
      );
    for (const d of st.deadlines)
      lines.push(
        `  [${d.state.kind === "done" ? "x" : " "}] ${st.viewer === "manager" ? `${d.deadline.id} — ` : ""}${frenchDate(d.deadline.due, false)} — ${d.deadline.task} (${stateText(d.state, st.session.timezone)})`,
      );
  }
  if (st.missingMilestones.length)
    lines.push(
      `  à compléter : ${st.missingMilestones.map((m) => MILESTONE_LABELS[m].toLowerCase()).join(", ")}`,
    );
  if (st.all) {
    lines.push(
      "",
      `Effectifs : ${plural(st.all.candidates, "candidat")}, ${plural(st.all.trainers, "formateur")}, ${plural(st.all.managers, "responsable")}`,
      "",
      "Rapports vérifiés (dernière vérification par candidat) :",
    );
    if (!st.all.reports.length) lines.push("  aucun rapport écrit attendu pour cette certification");
    for (const r of st.all.reports)
      lines.push(
        `  ${r.title} : ${r.ok} conforme(s), ${r.failing} à reprendre, ${r.notChecked} non vérifié(s)`,
      );
    lines.push("", `Jury : ${plural(st.all.jury.members.length, "membre")}`);
    for (const m of st.all.jury.members)
      lines.push(
        `  ${`${m.prenom} ${m.nom}`.trim() || `<@${m.slackUserId}>`} — ${m.yearsExperience ?? "?"} an(s)${m.professional === false ? ", non professionnel" : ""}`,
      );
    lines.push(
      st.all.jury.issues.length
        ? st.all.jury.issues.map((i) => `  ⚠ ${i.message}`).join("\n")
        : "  conforme aux règles du guide",
    );
  }
  return lines.join("\n");
}

export function replyText(reply: SessionReply, help: string): string {
  switch (reply.kind) {
    case "help":
      return help;
    case "created": {
      const missing = MILESTONES.filter((m) => !reply.session[m]);
      if (!missing.length)
        return `Session ${sessionLine(reply.session)} créée, avec ses quatre jalons. Importez la liste des candidats : /session roster import session=${reply.session.name}, puis le CSV nom,prenom[,email][,role] à la ligne.`;
      const keys = missing.map((m) => `${MILESTONE_KEYS[m]}=…`).join(" ");
      return `Session ${sessionLine(reply.session)} créée. Renseignez ${missing.length === MILESTONES.length ? "ses jalons" : "les jalons manquants"} avec /session set session=${reply.session.name} ${keys}`;
    }
    case "updated":
      return `Session ${sessionLine(reply.session)} mise à jour.`;
    case "list":
      return reply.sessions.length
        ? reply.sessions
            .map((s) => `• ${sessionLine(s.session)} — ${s.roles.map((r) => ROLE_LABELS[r]).join(", ")}`)
            .join("\n")
        : "Vous ne faites partie d'aucune session.";
    case "status":
      return statusText(reply.status);
    case "done":
      return `Échéance ${reply.deadlineId} de la session ${reply.session.name} marquée comme faite (par ${reply.done.doneBy === "cli" ? "la ligne de commande" : `<@${reply.done.doneBy}>`}).`;
    case "roster-imported": {
      const r = reply.result;
      const roles = Object.entries(r.byRole)
        .map(([role, n]) => `${n} ${ROLE_LABELS[role as keyof typeof ROLE_LABELS]}`)
        .join(", ");
      return `Liste importée dans ${reply.session.name} : ${plural(r.added, "ajout")}, ${plural(r.updated, "mise à jour", "mises à jour")} (${roles})${r.linked ? `, ${r.linked} relié(s) à Slack par e-mail` : ""}.`;
    }
    case "roster": {
      if (!reply.entries.length) return `Aucun candidat dans ${reply.session.name} : /session roster import.`;
      const head = reply.session.agate
        ? ""
        : "Code agate non renseigné (/session set agate=…) : pas d'identifiant PV.\n";
      return `${head}${reply.entries.map((e) => `${String(e.position).padStart(2, " ")}. ${e.member.nom} ${e.member.prenom}${e.pvId ? ` — ${e.pvId}` : ""}`).join("\n")}`;
    }
    case "jury": {
      const lines = reply.changed
        ? [`Jury de ${reply.session.name} — ${reply.changed}.`]
        : [`Jury de ${reply.session.name} :`];
      for (const m of reply.members)
        lines.push(
          `• ${`${m.prenom} ${m.nom}`.trim() || `<@${m.slackUserId}>`} — ${m.yearsExperience ?? "?"} an(s) d'expérience${m.professional === false ? ", non professionnel·le" : ""}`,
        );
      if (!reply.members.length) lines.push("• personne pour l'instant");
      lines.push(
        reply.issues.length
          ? reply.issues.map((i) => `⚠ ${i.message}`).join("\n")
          : "Le jury respecte les règles du guide.",
      );
      return lines.join("\n");
    }
    case "member":
      return `${personName(reply.member)} ${reply.removed ? "retiré·e de" : "ajouté·e à"} ${reply.session.name} comme ${ROLE_LABELS[reply.role]}.`;
    case "candidate-removed":
      return `${personName(reply.entry.member)}${reply.entry.pvId ? ` (${reply.entry.pvId})` : ""} retiré·e de la liste des candidats de ${reply.session.name} ; les identifiants PV des suivants sont recalculés.`;
    case "decision": {
      const label = { admis: "admis·e", refuse: "refusé·e", absent: "absent·e" }[reply.decision];
      const who = `${reply.entry.member.prenom} ${reply.entry.member.nom}${reply.entry.pvId ? ` (${reply.entry.pvId})` : ""}`;
      return `Décision enregistrée : ${who} — ${label}.${reply.warning ? `\n⚠ ${reply.warning}` : ""}`;
    }
    case "pv":
      return `${reply.pv.markdown}\n\nCSV :\n${reply.pv.csv}`;
  }
}
