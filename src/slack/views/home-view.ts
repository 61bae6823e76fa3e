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

/** The App Home tab: what the bot does, the viewer's sessions, example questions, the referentials indexed by title. */
export function homeView(
  records: KnowledgeRecord[],
  sessionBlocks: KnownBlock[] = [],
  titles: ReadonlyArray<{ id: string; title: string; rncp?: string | null }> = [],
): HomeView {
  const indexed = [...new Set(records.map((r) => r.referential))];
  const referentials = indexed
    .map((id) => {
      const t = titles.find((x) => x.id === id);
      return `• ${t ? `${t.title}${t.rncp && !t.title.includes(t.rncp) ? ` (${t.rncp})` : ""}` : id}`;
    })
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
      { type: "header", text: { type: "plain_text", text: "Documents consultés" } },
      md(referentials || "Aucun document pour l'instant."),
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
