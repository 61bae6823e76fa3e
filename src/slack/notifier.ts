import { webApi } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { Config } from "../config.js";
import type { Notifier, PostOnce } from "../jobs/notifier.js";
import type { Logger } from "../log.js";
import { ALERT_TITLES } from "../ops/alerts.js";
import { slackClientOptions } from "./client-options.js";
import { postedKeys, postOnce } from "./post-once.js";
import { veilleNotifierMethods } from "./veille-notifier.js";
import { deadlineAlertBlocks } from "./views/session-blocks.js";

/**
 * The jobs' own Web API client: few retries, so a post never outlives the
 * job's claim, and none for a post whose answer was lost (postOnce looks
 * for its key before posting again).
 */
export function notifierClient(slack: Config["slack"]): WebClient {
  const options = slackClientOptions(slack);
  return new webApi.WebClient(slack.botToken ?? undefined, {
    ...options,
    retryConfig: { ...options.retryConfig, retries: 2, minTimeout: 500, maxTimeout: 5_000 },
    timeout: 20_000,
  });
}

/**
 * The jobs' messages, posted through the Web API. A session without a
 * channel gets its alerts by DM to its managers; with neither, the post fails
 * (and the job retries) rather than dropping them silently.
 */
export function createSlackNotifier(client: WebClient, log: Logger): Notifier {
  return {
    ...veilleNotifierMethods(client, log),
    async opsAlert(notice) {
      const title = ALERT_TITLES[notice.alert];
      const text =
        notice.state === "firing"
          ? `🔴 Alerte : ${title}. ${notice.detail}. (depuis ${notice.since.toISOString()})`
          : `🟢 Résolu : ${title}. ${notice.detail}. (alerte ouverte le ${notice.since.toISOString()})`;
      // Its identity is the alert, its state and since when: a re-claimed post looks for it first.
      const key = `ops:${notice.alert}:${notice.state}:${notice.since.toISOString()}`;
      await postOnce(client, { key, recheck: true }, { channel: notice.channelId, text });
    },
    async deadlineAlerts(notice, once?: PostOnce) {
      const targets = notice.session.channelId ? [notice.session.channelId] : notice.managerIds;
      if (!targets.length)
        throw new Error(
          `session ${notice.session.name} : ni canal ni responsable relié à Slack pour recevoir les alertes`,
        );
      // Each target gets the alerts it does not hold yet (all of them, unless a re-run finds some posted).
      const postTo = async (channel: string) => {
        const keys = once?.keys ?? [];
        const found = once?.recheck ? await postedKeys(client, { channel }, keys) : new Set<string>();
        const pending = notice.alerts.flatMap((a, i) =>
          keys[i] && found.has(keys[i]) ? [] : [{ a, key: keys[i] }],
        );
        if (!pending.length) {
          log.info("deadline alert already posted by an earlier attempt", { session: notice.session.name });
          return;
        }
        const { text, blocks } = deadlineAlertBlocks({ ...notice, alerts: pending.map((p) => p.a) });
        if (once)
          await postOnce(
            client,
            { key: pending.map((p) => p.key).join(" "), recheck: false },
            { channel, text, blocks },
          );
        else await client.chat.postMessage({ channel, text, blocks });
      };
      if (notice.session.channelId) await postTo(notice.session.channelId);
      else {
        // One manager unreachable must not make the others get the alert again at every retry.
        let reached = 0;
        for (const user of targets)
          await postTo(user)
            .then(() => reached++)
            .catch((e) => log.warn("deadline alert: direct message failed", { user, error: e as Error }));
        if (!reached)
          throw new Error(`session ${notice.session.name} : aucun responsable joignable en message direct`);
      }
      log.info("deadline alert posted", { session: notice.session.name, targets: targets.length });
    },
  };
}
