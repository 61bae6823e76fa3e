import type { AllMiddlewareArgs, RespondFn, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { KnownBlock } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import { isCertibotError } from "../../../errors.js";
import type { Logger } from "../../../log.js";
import type { Actor } from "../../../sessions/access.js";
import { resolveSession } from "../../../sessions/resolve.js";
import type { Session } from "../../../sessions/types.js";
import { feedLimitsFor } from "../../../veille/feeds.js";
import { LOG_USAGE, parseLogCommand } from "../../../veille/log-entry.js";
import {
  addSource,
  configureVeille,
  listSources,
  logVeille,
  removeSource,
  veilleStatus,
  weekMinutes,
} from "../../../veille/service.js";
import { type VeilleEntry, WEEKLY_TARGET_MINUTES } from "../../../veille/types.js";
import type { SlackDeps } from "../../deps.js";
import { respondWithError } from "../../reply-error.js";
import { actorOf } from "../../sessions.js";
import { unescapeSlackText } from "../../slack-text.js";
import {
  configText,
  loggedText,
  sourcesText,
  statusBlocks,
  synthesisBlocks,
  synthesisText,
  VEILLE_HELP,
} from "../../views/veille-blocks.js";

const SESSION_OPTION = /(?:^|\s)session=(\S+)/i;

/** `session=<nom>` anywhere in the text picks the session; the rest is the subcommand. */
export function splitSessionOption(text: string): { sessionName: string | null; rest: string } {
  const m = SESSION_OPTION.exec(text);
  if (!m) return { sessionName: null, rest: text.trim() };
  return {
    sessionName: m[1]!,
    rest: `${text.slice(0, m.index)} ${text.slice(m.index + m[0].length)}`.trim(),
  };
}

/**
 * Posts a shared synthesis in the session's channel; false when the session
 * has none or Slack refused (bot not in the channel…). Never throws: the entry
 * is already stored, and an error would make the candidate log it twice.
 */
export async function postSynthesis(
  client: WebClient,
  session: Session,
  entry: VeilleEntry,
  log: Logger,
): Promise<boolean> {
  if (!session.channelId) return false;
  try {
    await client.chat.postMessage({
      channel: session.channelId,
      text: synthesisText(entry),
      blocks: synthesisBlocks(entry),
      unfurl_links: false,
      unfurl_media: false,
    });
    return true;
  } catch (e) {
    log.warn("veille synthesis not posted", { session: session.name, error: e as Error });
    return false;
  }
}

async function run(
  deps: SlackDeps,
  client: WebClient,
  actor: Actor,
  channelId: string,
  text: string,
  respond: RespondFn,
): Promise<void> {
  const reply = (t: string, blocks?: KnownBlock[]) =>
    respond({ response_type: "ephemeral", text: t, ...(blocks ? { blocks } : {}) });
  const { sessionName, rest } = splitSessionOption(text);
  const [sub = "", ...words] = rest.split(/\s+/);
  const args = rest.slice(sub.length).trim();
  const verb = sub.toLowerCase();
  if (!verb || ["help", "aide", "?"].includes(verb)) {
    await reply(VEILLE_HELP);
    return;
  }
  const session = () => resolveSession(deps.db, sessionName, { channelId, actor });
  const now = new Date();
  switch (verb) {
    case "log": {
      const s = await session();
      let entry: VeilleEntry;
      try {
        entry = await logVeille(deps.db, actor, s, parseLogCommand(args), now);
      } catch (e) {
        // The takeaways' `;` syntax is easy to forget: every refusal of the command recalls it.
        if (isCertibotError(e) && e.code === "VEILLE_INVALID") {
          // Once: some refusals already end with it.
          const message = e.userMessage("fr");
          await reply(message.includes(LOG_USAGE) ? message : `${message}\nUsage : \`${LOG_USAGE}\``);
          return;
        }
        throw e;
      }
      const posted = entry.shared ? await postSynthesis(client, s, entry, deps.log) : false;
      await reply(loggedText(entry, await weekMinutes(deps.db, entry), WEEKLY_TARGET_MINUTES, posted));
      return;
    }
    case "status":
    case "statut": {
      const view = await veilleStatus(deps.db, actor, await session(), now);
      const title = view.kind === "own" ? "Votre veille" : "Veille des candidats";
      await reply(`${title} — session ${view.session.name}`, statusBlocks(view));
      return;
    }
    case "config":
      await reply(configText(await configureVeille(deps.db, actor, await session(), args, now)));
      return;
    case "source":
    case "sources": {
      const [action = "list", target = ""] = words;
      const s = await session();
      if (action === "add" || action === "ajouter") {
        const added = await addSource(deps.db, actor, s, target, feedLimitsFor(deps.config));
        await reply(
          `Flux ajouté à la session ${s.name} : ${added.title ? `« ${added.title} », ` : ""}${added.feed.url} (${added.items} articles lus). Ses nouveautés seront listées dans le prochain rappel.`,
        );
      } else if (action === "remove" || action === "retirer") {
        const removed = await removeSource(deps.db, actor, s, target);
        await reply(`Flux retiré de la session ${s.name} : ${removed.url}.`);
      } else if (action === "list" || action === "liste") {
        await reply(sourcesText(s, await listSources(deps.db, actor, s)));
      } else {
        await reply(
          "Usage : `/veille source add <url>`, `/veille source remove <url|numéro>`, `/veille source list`.",
        );
      }
      return;
    }
    default:
      await reply(`Sous-commande inconnue « ${sub} ».\n${VEILLE_HELP}`);
  }
}

/**
 * `/veille log|status|config|source|help`. Acknowledged at once (Slack
 * allows 3 s; reading a feed on `source add` may take longer); every answer
 * is ephemeral, through response_url.
 */
export function veilleCommand(deps: SlackDeps) {
  return async ({ ack, command, respond, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const actor = actorOf(deps, command.user_id);
    try {
      await run(deps, client, actor, command.channel_id, unescapeSlackText(command.text ?? ""), respond);
    } catch (e) {
      await respondWithError(deps, respond, e, "m'empêche de répondre");
    }
  };
}
