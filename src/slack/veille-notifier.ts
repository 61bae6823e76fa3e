import type { WebClient } from "@slack/web-api";
import type { Notifier, PostOnce } from "../jobs/notifier.js";
import type { Logger } from "../log.js";
import { postOnce } from "./post-once.js";
import {
  digestBlocks,
  digestText,
  feedProblemsBlocks,
  feedProblemsText,
  reminderBlocks,
  reminderText,
} from "./views/veille-blocks.js";

type VeilleMethods = Pick<Notifier, "veilleReminder" | "veilleDigest" | "veilleFeedProblems">;
type Message = { text: string; blocks: ReturnType<typeof reminderBlocks> };

/**
 * Posts to each person by DM (channel = their user id). A DM that fails is
 * logged, not thrown: the others, and the channel post before them, are
 * already out, and a retry would send those twice. Throws only when nobody
 * was reached, so the occurrence is retried.
 */
async function toEach(
  client: WebClient,
  log: Logger,
  userIds: readonly string[],
  m: Message,
  what: string,
  once: PostOnce | undefined,
) {
  let reached = 0;
  for (const user of new Set(userIds)) {
    try {
      await post(client, once, { channel: user, text: m.text, blocks: m.blocks, unfurl_links: false });
      reached++;
    } catch (e) {
      log.warn(`veille ${what}: direct message failed`, { user, error: e as Error });
    }
  }
  return reached;
}

/** One message, carrying the occurrence's key when the job gives one (then posted once per conversation). */
function post(
  client: WebClient,
  once: PostOnce | undefined,
  message: Parameters<WebClient["chat"]["postMessage"]>[0] & { channel: string },
) {
  const key = once?.keys[0];
  return key
    ? postOnce(client, { key, recheck: once.recheck }, message)
    : client.chat.postMessage(message).then(() => true);
}

/** The veille methods of the Slack Notifier: Block Kit messages through chat.postMessage. */
export function veilleNotifierMethods(client: WebClient, log: Logger): VeilleMethods {
  return {
    async veilleReminder(n, once) {
      const m = { text: reminderText(n), blocks: reminderBlocks(n) };
      if (n.channelId)
        await post(client, once, {
          channel: n.channelId,
          ...m,
          unfurl_links: false,
          unfurl_media: false,
        });
      const reached = await toEach(client, log, n.dmUserIds, m, "reminder", once);
      if (!n.channelId && n.dmUserIds.length && !reached)
        throw new Error(
          `rappel de veille non remis : aucun des ${n.dmUserIds.length} messages directs n'est passé`,
        );
      if (!n.channelId && !n.dmUserIds.length)
        log.warn("veille reminder: session without channel nor candidates on Slack", {
          session: n.session.name,
        });
    },

    async veilleDigest(n, once) {
      const m = { text: digestText(n), blocks: digestBlocks(n) };
      if (n.to === "channel" && n.channelId) {
        await post(client, once, {
          channel: n.channelId,
          ...m,
          unfurl_links: false,
          unfurl_media: false,
        });
        return;
      }
      if (!n.recipientIds.length) {
        log.warn("veille digest: no trainer nor manager on Slack to send it to", { session: n.session.name });
        return;
      }
      if (!(await toEach(client, log, n.recipientIds, m, "digest", once)))
        throw new Error("bilan de veille non remis : aucun message direct n'est passé");
    },

    async veilleFeedProblems(n, once) {
      const m = { text: feedProblemsText(n), blocks: feedProblemsBlocks(n) };
      if (n.managerIds.length && (await toEach(client, log, n.managerIds, m, "feed problems", once))) return;
      if (n.channelId) {
        await post(client, once, { channel: n.channelId, ...m, unfurl_links: false });
        return;
      }
      log.warn("veille feed problems: nobody to tell", {
        session: n.session.name,
        problems: n.problems.length,
      });
    },
  };
}
