import type { Lang } from "../retrieval/query.js";
import type { SmallTalk } from "../understanding/intent.js";

/**
 * Replies to greetings, thanks and help requests: no retrieval (a search for
 * "aide" finds the brochure's hiring subsidies), a short reply, and for
 * greetings and help what the bot does with three example questions.
 */
const HELP = {
  fr: [
    "Je réponds aux questions sur les référentiels de certification, en citant le référentiel et le code. Par exemple :",
    "• « Que demande la compétence C12 ? »",
    "• « Combien de pages pour le rapport E3 ? »",
    "• « Comment est composé le jury de certification ? »",
    "Mentionnez-moi dans un canal ou écrivez-moi en message direct. Commandes : `/certibot <question>` (réponse visible de vous seul), `/rapport` (vérifier un rapport), `/session` (suivre une session), `/veille` (veille hebdomadaire).",
  ].join("\n"),
  en: [
    "I answer questions about the certification referentials, citing the referential and the code. For example:",
    "• “What does competency C12 require?”",
    "• “How many pages for the E3 report?”",
    "• “Who sits on the certification jury?”",
    "Mention me in a channel or send me a direct message. Commands: `/certibot <question>` (an answer only you see), `/rapport` (check a report), `/session` (follow a session), `/veille` (weekly tech watch).",
  ].join("\n"),
} as const;

const OPENING = {
  fr: { greeting: "Bonjour !", thanks: "Avec plaisir !", bye: "À bientôt !", help: "", empty: "" },
  en: { greeting: "Hello!", thanks: "You're welcome!", bye: "See you!", help: "", empty: "" },
} as const;

export function smallTalkReply(kind: SmallTalk, lang: Lang): string {
  const opening = OPENING[lang][kind];
  if (kind === "thanks" || kind === "bye") {
    const more =
      lang === "en"
        ? "Ask me anything else about the referentials."
        : "N'hésitez pas si vous avez une autre question sur les référentiels.";
    return `${opening} ${more}`;
  }
  return opening ? `${opening} ${HELP[lang]}` : HELP[lang];
}
