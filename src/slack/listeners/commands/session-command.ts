import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { runSessionCommand, SESSION_HELP } from "../../../sessions/commands.js";
import { replyText } from "../../../sessions/format.js";
import type { SlackDeps } from "../../deps.js";
import { eraseCandidatePrompt } from "../../privacy.js";
import { respondWithError } from "../../reply-error.js";
import { sendSessionReport } from "../../session-report.js";
import { actorOf, emailResolver, linkByEmail, sessionDepsFor, veilleBlocksFor } from "../../sessions.js";
import { unescapeSlackText } from "../../slack-text.js";
import { textBlocks } from "../../views/blocks.js";
import { sessionReplyBlocks } from "../../views/session-blocks.js";

/** `/session …`: the sessions feature for managers, trainers and candidates; replies are private. */
export function sessionCommand(deps: SlackDeps, now: () => Date = () => new Date()) {
  return async ({ ack, command, respond, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    try {
      await linkByEmail(deps, client, command.user_id);
      const report = /^(?:report|image)(?:\s+(?:session=)?(\S+))?\s*$/i.exec(command.text.trim());
      if (report) {
        await sendSessionReport(
          deps,
          client,
          respond,
          report[1] ?? null,
          command.channel_id,
          command.user_id,
          now(),
        );
        return;
      }
      const erase = /^(?:erase|effacer)\s+(\S+)(?:\s+session=(\S+))?\s*$/i.exec(command.text.trim());
      if (erase) {
        await eraseCandidatePrompt(
          deps,
          respond,
          erase[1]!,
          erase[2] ?? null,
          command.channel_id,
          command.user_id,
        );
        return;
      }
      const { sessions, deliverables } = await sessionDepsFor(deps);
      const reply = await runSessionCommand(unescapeSlackText(command.text), {
        deps: sessions,
        actor: actorOf(deps, command.user_id),
        channelId: command.channel_id,
        now: now(),
        deliverables,
        resolveEmail: emailResolver(client),
      });
      const text = replyText(reply, SESSION_HELP);
      let blocks = sessionReplyBlocks(reply) ?? (text.length > 2900 ? textBlocks(text) : undefined);
      // The session's veille, as the viewer may see it (summary for staff, one's own for a candidate).
      if (reply.kind === "status" && blocks) {
        const veille = await veilleBlocksFor(deps, command.user_id, reply.status, now(), false);
        if (veille.length) blocks = [...blocks, { type: "divider" as const }, ...veille].slice(0, 50);
      }
      await respond({ response_type: "ephemeral", text: text.slice(0, 3000), blocks });
    } catch (e) {
      await respondWithError(deps, respond, e, "m'empêche de répondre");
    }
  };
}
