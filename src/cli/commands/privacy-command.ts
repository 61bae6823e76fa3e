import { openMigratedDb } from "../../db/db.js";
import { erasedText, exportUserData, forgetUser, SLACK_USER_ID } from "../../privacy/privacy.js";
import { parseArgs, usage } from "../args.js";
import { type Command, println } from "../context.js";

const USAGE =
  "usage : certibot privacy forget-user <identifiant Slack, ex. U012ABCDEF> | certibot privacy export <identifiant Slack>";

/**
 * `certibot privacy forget-user <id>`: RGPD erasure of everything stored about one Slack user.
 * `certibot privacy export <id>`: the same data as JSON on stdout (right of access).
 */
export const privacyCommand: Command = async (argv, ctx) => {
  const args = parseArgs(argv, {});
  const [sub, userId, ...rest] = args.positionals;
  if ((sub !== "forget-user" && sub !== "export") || !userId || rest.length) throw usage(USAGE);
  if (!SLACK_USER_ID.test(userId)) throw usage(`identifiant Slack invalide « ${userId} » ; ${USAGE}`);
  const db = await openMigratedDb(ctx.config, ctx.log);
  try {
    if (sub === "export") {
      println(ctx.stdout, JSON.stringify(await exportUserData(db, userId), null, 2));
      return 0;
    }
    println(ctx.stdout, erasedText(userId, await forgetUser(db, userId)));
    return 0;
  } finally {
    await db.close();
  }
};
