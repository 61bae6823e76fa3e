import type { KnownBlock } from "@slack/types";
import type { DeadlineAlertNotice } from "../../sessions/alerts.js";
import type { SessionReply } from "../../sessions/commands.js";
import { frenchDate } from "../../sessions/dates.js";
import { deadlinesHeading, handInText, stateText, verdictText, whenText } from "../../sessions/format.js";
import type { SessionStatus, StatusDeadline } from "../../sessions/status.js";
import { MILESTONE_LABELS, type Session } from "../../sessions/types.js";
import { context, header, md } from "./blocks.js";

export const SESSION_ACTIONS = {
  /** value: JSON {session, deadline} */
  deadlineDone: "session_deadline_done",
} as const;

function doneButton(session: Session, deadlineId: string) {
  return {
    type: "button" as const,
    action_id: SESSION_ACTIONS.deadlineDone,
    text: { type: "plain_text" as const, text: "Marquer comme fait" },
    value: JSON.stringify({ session: session.name, deadline: deadlineId }),
  };
}

// Words carry the state; the emoji only repeats it (never the only signal).
function stateMark(d: StatusDeadline): string {
  switch (d.state.kind) {
    case "done":
      return "✅ Fait";
    case "overdue":
      return "⚠️ En retard";
    case "today":
      return "⏰ Aujourd'hui";
    case "upcoming":
      return d.state.daysLeft <= 7 ? "⏳ Bientôt" : "À venir";
  }
}

/** `/session status` and the App Home: what concerns the viewer (the status decides, per role). */
export function sessionStatusBlocks(st: SessionStatus, opts: { compact?: boolean } = {}): KnownBlock[] {
  const s = st.session;
  const manager = st.viewer === "manager";
  const blocks: KnownBlock[] = [
    header(`Session ${s.name}`),
    context(
      `${st.certification}${s.agate ? ` · agate ${s.agate}` : ""}${s.channelId ? ` · <#${s.channelId}>` : ""} · aujourd'hui ${frenchDate(st.today)}`,
    ),
  ];
  const milestones = st.milestones
    .map((m) => {
      if (!m.date) return `• ${MILESTONE_LABELS[m.milestone]} : _non renseigné_`;
      const where = m.days === 0 ? " ← aujourd'hui" : m.days! > 0 ? ` (dans ${m.days} j)` : " (passé)";
      return `• ${MILESTONE_LABELS[m.milestone]} : ${frenchDate(m.date, false)}${where}`;
    })
    .join("\n");
  if (!opts.compact) blocks.push(md(`*Jalons*\n${milestones}`));
  if (st.own) {
    const items = st.own.deliverables.map(
      (d) =>
        `• *${d.title}* — ${handInText(d)}\n   ${d.verdict ? (d.verdict.ok ? "✅ " : "❌ ") : ""}${verdictText(d, s.timezone)}`,
    );
    for (const r of st.own.otherReports)
      items.push(`• *${r.title}* — ${r.ok ? "✅ conforme" : "❌ à reprendre"}`);
    blocks.push(
      md(
        `*Vos rapports à remettre* (aux formateurs et au jury)\n${items.length ? items.join("\n") : "Aucun rapport écrit attendu pour cette certification."}`,
      ),
    );
    if (st.own.deliverables.some((d) => !d.verdict))
      blocks.push(
        context(
          "Faites vérifier un rapport avant de le remettre : envoyez-le-moi en message direct (PDF ou .docx).",
        ),
      );
  } else {
    const deadlines = opts.compact
      ? st.deadlines.filter((d) => d.state.kind !== "done").slice(0, 4)
      : st.deadlines;
    blocks.push(md(`*${deadlinesHeading(st)}*`));
    if (!deadlines.length)
      blocks.push(
        md(
          st.deadlines.length
            ? "Tout est fait."
            : manager
              ? "Aucune échéance tant que les jalons ne sont pas renseignés (`/session set lancement=… fin-prairie=… debut-session=… fin-session=…`)."
              : "Aucune pour l'instant.",
        ),
      );
    for (const d of deadlines) {
      // The id is what `/session done` takes: shown to managers outside the Home tab only.
      const id = manager && !opts.compact ? ` · \`${d.deadline.id}\`` : "";
      const text = `*${stateMark(d)}* — ${d.deadline.task}\n${frenchDate(d.deadline.due, false)} · ${stateText(d.state, s.timezone)} · pour : ${d.deadline.audience}${id}`;
      blocks.push(
        manager && d.state.kind !== "done"
          ? { type: "section", text: { type: "mrkdwn", text }, accessory: doneButton(s, d.deadline.id) }
          : md(text),
      );
    }
  }
  if (st.missingMilestones.length)
    blocks.push(
      context(
        `Jalons à renseigner pour calculer toutes les échéances : ${st.missingMilestones.map((m) => MILESTONE_LABELS[m].toLowerCase()).join(", ")}.`,
      ),
    );
  if (st.all) {
    const a = st.all;
    const reports = a.reports.length
      ? a.reports
          .map(
            (r) =>
              `• ${r.title} : ${r.ok} conforme(s), ${r.failing} à reprendre, ${r.notChecked} non vérifié(s)`,
          )
          .join("\n")
      : "Aucun rapport écrit attendu pour cette certification.";
    blocks.push(
      { type: "divider" },
      md(
        `*Effectifs* : ${a.candidates} candidat(s), ${a.trainers} formateur(s), ${a.managers} responsable(s)`,
      ),
    );
    if (!opts.compact)
      blocks.push(md(`*Rapports vérifiés* (dernière vérification de chaque candidat)\n${reports}`));
    const jury = a.jury.issues.length
      ? `*Jury* : ${a.jury.members.length} membre(s) — à corriger :\n${a.jury.issues.map((i) => `• ${i.message}`).join("\n")}`
      : `*Jury* : ${a.jury.members.length} membre(s), conforme aux règles du guide.`;
    blocks.push(md(jury));
  }
  return blocks;
}

/** The post in the session channel when deadlines come due. */
export function deadlineAlertBlocks(n: DeadlineAlertNotice): { text: string; blocks: KnownBlock[] } {
  const s = n.session;
  const mentions = n.mentionIds.map((id) => `<@${id}>`).join(" ");
  const title =
    n.alerts.length > 1 ? `Échéances de la session ${s.name}` : `Échéance de la session ${s.name}`;
  const blocks: KnownBlock[] = [header(title)];
  if (n.late)
    blocks.push(
      context("Rattrapage : le bot était indisponible ; voici en un seul message ce qui est dû aujourd'hui."),
    );
  if (mentions) blocks.push(md(`Pour ${mentions}`));
  for (const a of n.alerts)
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: `*${a.deadline.task}*\nPour : ${a.deadline.audience} · à faire au plus tard le ${frenchDate(a.deadline.due)} (${whenText(a)}) · \`${a.deadline.id}\``,
      },
      accessory: doneButton(s, a.deadline.id),
    });
  blocks.push(
    context(
      "Seuls les responsables de session peuvent marquer une échéance comme faite. Détail : `/session status`.",
    ),
  );
  const text = `${title} : ${n.alerts.map((a) => `${a.deadline.task} (${whenText(a)})`).join(" ; ")}`;
  return { text: `${mentions ? `${mentions} ` : ""}${text}`.slice(0, 3000), blocks };
}

/** Block Kit for the replies that are more than a line. */
export function sessionReplyBlocks(reply: SessionReply): KnownBlock[] | undefined {
  if (reply.kind === "status") return sessionStatusBlocks(reply.status);
  if (reply.kind === "pv") {
    const chunks = (text: string) => {
      const out: string[] = [];
      for (let i = 0; i < text.length; i += 2900) out.push(text.slice(i, i + 2900));
      return out;
    };
    return [
      header(`PV du jury — session ${reply.session.name}`),
      md(
        reply.pv.problems.length
          ? `*À compléter avant signature*\n${reply.pv.problems.map((p) => `• ${p}`).join("\n")}`
          : "Toutes les décisions sont saisies.",
      ),
      md("*Markdown* (parties 1 et 2)"),
      ...chunks(reply.pv.markdown).map((c) => md(`\`\`\`${c}\`\`\``)),
      md("*CSV* (séparateur point-virgule, pour le tableur)"),
      ...chunks(reply.pv.csv).map((c) => md(`\`\`\`${c}\`\`\``)),
    ].slice(0, 50);
  }
  return undefined;
}
