import type { HomeView, KnownBlock } from "@slack/types";
import type { KnowledgeRecord } from "../../knowledge/record.js";
import { md } from "./blocks.js";

/** Also declared in manifest.yml (agent_view.suggested_prompts): keep both in step. */
export const SUGGESTED_PROMPTS = [
  { title: "Une compétence", message: "Que demande la compétence C12 ?" },
  { title: "Un livrable", message: "Le rapport E3, c'est combien de pages ?" },
  { title: "Le jury", message: "Comment est composé le jury de certification ?" },
  { title: "Chercher un thème", message: "Quelle compétence parle de veille technologique ?" },
] as const;

/** The App Home tab: what the bot does, example questions, the referentials indexed. */
export function homeView(records: KnowledgeRecord[], sessionBlocks: KnownBlock[] = []): HomeView {
  const counts = new Map<string, { competencies: number; total: number }>();
  for (const r of records) {
    const c = counts.get(r.referential) ?? { competencies: 0, total: 0 };
    c.total++;
    if (r.kind === "competency") c.competencies++;
    counts.set(r.referential, c);
  }
  const referentials = [...counts]
    .map(([id, c]) => `• \`${id}\` — ${c.competencies} compétences, ${c.total} passages indexés`)
    .join("\n");
  return {
    type: "home",
    blocks: [
      { type: "header", text: { type: "plain_text", text: "certibot" } },
      md(
        "Je réponds aux questions sur les référentiels de certification, en citant toujours le référentiel et le code. Mentionnez-moi dans un canal, écrivez-moi ici, ou utilisez `/certibot <question>`.",
      ),
      ...sessionBlocks,
      { type: "header", text: { type: "plain_text", text: "Exemples" } },
      md(SUGGESTED_PROMPTS.map((p) => `• ${p.message}`).join("\n")),
      { type: "header", text: { type: "plain_text", text: "Référentiels indexés" } },
      md(referentials),
      { type: "divider" },
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: "Vos sessions apparaissent ici selon votre rôle (responsable, formateur, apprenant). Vérifier un rapport : envoyez-le en message direct.",
          },
        ],
      },
    ],
  };
}
