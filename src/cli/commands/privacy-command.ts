import { openMigratedDb } from "../../db/db.js";
import { erasedText, exportUserData, forgetUser, SLACK_USER_ID } from "../../privacy/privacy.js";
import type { Handler } from "../command-tree.js";
import { type CliContext, println, usage } from "../context.js";

const USAGE =
  "usage : certibot privacy forget-user <identifiant Slack, ex. U012ABCDEF> | certibot privacy export <identifiant Slack>";

function userId(args: string[]): string {
  const id = args[0]!;
  if (!SLACK_USER_ID.test(id)) throw usage(`identifiant Slack invalide « ${id} » ; ${USAGE}`);
  return id;
}

async function withDb<T>(
  ctx: CliContext,
  fn: (db: Awaited<ReturnType<typeof openMigratedDb>>) => Promise<T>,
) {
  const db = await openMigratedDb(ctx.config, ctx.log);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** `certibot privacy export <id>`: everything stored about one Slack user, as JSON on stdout (right of access). */
export const exportHandler: Handler = async ({ args }, ctx) => {
  const id = userId(args);
  const data = await withDb(ctx, (db) => exportUserData(db, id));
  println(ctx.stdout, JSON.stringify(data, null, 2));
  return 0;
};

/** `certibot privacy forget-user <id>`: RGPD erasure of everything stored about one Slack user. */
export const forgetUserHandler: Handler = async ({ args }, ctx) => {
  const id = userId(args);
  const erased = await withDb(ctx, (db) => forgetUser(db, id));
  println(ctx.stdout, erasedText(id, erased));
  return 0;
};
