import type { Catalog } from "../../knowledge/catalog.js";

export function helpText(catalog: Catalog): string {
  return [
    "*certibot* répond aux questions sur les référentiels de certification, en citant le référentiel et le code.",
    "• `/certibot que demande la compétence C12 ?` — réponse visible de vous seul, à partager si utile",
    "• mentionnez @certibot dans un canal — réponse dans le fil ; les messages suivants du fil sont des relances",
    "• écrivez-moi en message direct — réponse au fil de l'eau",
    "• `/certibot config referential=<id> mentions-only=on|off` — réglages du canal (administrateurs)",
    "• `/certibot my-data` — vos données, en fichier JSON par message privé ; `/certibot forget-me` — tout effacer (avec confirmation)",
    "• `/certibot stats [jours]` — usage du bot (administrateurs)",
    '• `/certibot knowledge` — documents indexés ; pour en ajouter un, envoyez-le-moi en message direct avec `knowledge add id=… titre="…"` (administrateurs)',
    `Référentiels : ${catalog.referentials.map((r) => `\`${r.id}\``).join(", ")}.`,
  ].join("\n");
}
