import { openMigratedDb } from "../../db/db.js";
import { deleteSlackUserData } from "../../db/qa-log.js";
import { forgetDocumentAuthor } from "../../knowledge/documents.js";
import { deleteVeilleDataOf } from "../../veille/store.js";
import { parseArgs, usage } from "../args.js";
import { type Command, println } from "../context.js";

const USAGE = "usage : certibot privacy forget-user <identifiant Slack, ex. U012ABCDEF>";

/** `certibot privacy forget-user <id>`: RGPD erasure of everything stored about one Slack user. */
export const privacyCommand: Command = async (argv, ctx) => {
  const args = parseArgs(argv, {});
  const [sub, userId, ...rest] = args.positionals;
  if (sub !== "forget-user" || !userId || rest.length) throw usage(USAGE);
  if (!/^[UW][A-Z0-9]{2,}$/.test(userId)) throw usage(`identifiant Slack invalide « ${userId} » ; ${USAGE}`);
  const db = await openMigratedDb(ctx.config, ctx.log);
  try {
    let veille = 0;
    const done = await deleteSlackUserData(db, userId, async (tx) => {
      veille = await deleteVeilleDataOf(tx, userId);
      await forgetDocumentAuthor(tx, userId);
    });
    println(
      ctx.stdout,
      `Données de ${userId} effacées : ${done.answers} réponse(s) journalisée(s), ${done.feedback} avis, ${done.conversationTurns} message(s) de fil, ${done.reportChecks} vérification(s) de rapport, ${done.sessionMemberships} inscription(s) à une session, ${veille} entrée(s) de veille.`,
    );
    return 0;
  } finally {
    await db.close();
  }
};
