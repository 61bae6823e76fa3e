import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { answerQuestion } from "../../../answering/answer.js";
import { updateChannelSettings } from "../../../answering/conversations.js";
import { statsText, usageStats } from "../../../insights/stats.js";
import type { SlackDeps } from "../../deps.js";
import { channelDefaults, knowledgeCommandText } from "../../knowledge-files.js";
import { forgetMePrompt, sendMyData } from "../../privacy.js";
import { replyWithError } from "../../reply-error.js";
import { logSlackAnswer, questionRefusal } from "../../respond.js";
import { answerBlocks, answerMessages } from "../../views/answer-blocks.js";
import { helpText } from "../../views/help.js";

/** Workspace admins and ADMIN_USER_IDS may change a channel's defaults. */
export async function canConfigure(deps: SlackDeps, client: WebClient, userId: string): Promise<boolean> {
  if (deps.config.adminUserIds.includes(userId)) return true;
  const info = await client.users.info({ user: userId }).catch(() => null);
  return Boolean(info?.user?.is_admin || info?.user?.is_owner);
}

/** Parses `referential=<id> mentions-only=on|off`; returns an error message or the patch. */
export function parseConfig(
  text: string,
  referentials: string[],
): { patch: { defaultReferential?: string | null; mentionsOnly?: boolean } } | { error: string } {
  const patch: { defaultReferential?: string | null; mentionsOnly?: boolean } = {};
  const pairs = text.trim().split(/\s+/).filter(Boolean);
  if (!pairs.length)
    return { error: "Précisez au moins un réglage : `referential=<id>` ou `mentions-only=on|off`." };
  for (const pair of pairs) {
    const [key, value] = pair.split("=", 2) as [string, string | undefined];
    if (key === "referential" && value) {
      if (value === "default") patch.defaultReferential = null;
      else if (referentials.includes(value)) patch.defaultReferential = value;
      else return { error: `Référentiel inconnu « ${value} ». Connus : ${referentials.join(", ")}.` };
    } else if (key === "mentions-only" && (value === "on" || value === "off")) {
      patch.mentionsOnly = value === "on";
    } else {
      return {
        error: `Réglage non reconnu « ${pair} ». Attendu : \`referential=<id>\` ou \`mentions-only=on|off\`.`,
      };
    }
  }
  return { patch };
}

/**
 * /certibot <question> → ephemeral answer with a "Partager dans le canal"
 * button; /certibot config … sets the channel's defaults; /certibot help.
 * Acknowledged at once; the answer follows through response_url.
 */
export function certibotCommand(deps: SlackDeps) {
  return async ({ ack, command, respond, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const text = command.text.trim();
    try {
      if (!text || /^(help|aide|\?)$/i.test(text)) {
        await respond({ response_type: "ephemeral", text: helpText(deps.answering.retriever.catalog) });
        return;
      }
      if (/^(forget-me|oublie-moi|oubliez-moi)$/i.test(text)) {
        await forgetMePrompt(respond);
        return;
      }
      if (/^(my-data|mes-donn[ée]es)$/i.test(text)) {
        await sendMyData(deps, client, command.user_id, respond);
        return;
      }
      const stats = /^stats(?:\s+(\d{1,4}))?$/i.exec(text);
      if (stats) {
        const allowed = await canConfigure(deps, client, command.user_id);
        const days = Math.max(1, Number(stats[1] ?? 30));
        await respond({
          response_type: "ephemeral",
          text: allowed
            ? statsText(await usageStats(deps.db, days)).slice(0, 3_000)
            : "Les statistiques d'usage sont réservées aux administrateurs.",
        });
        return;
      }
      const knowledge = /^(?:knowledge|connaissances?)\b(.*)$/is.exec(text);
      if (knowledge) {
        await deps.knowledge?.ensureCurrent();
        const reply = await knowledgeCommandText(deps, knowledge[1] ?? "", () =>
          canConfigure(deps, client, command.user_id),
        );
        await respond({ response_type: "ephemeral", text: reply });
        return;
      }
      const config = /^config\b(.*)$/is.exec(text);
      if (config) {
        if (!(await canConfigure(deps, client, command.user_id))) {
          await respond({
            response_type: "ephemeral",
            text: "Seuls les administrateurs de l'espace de travail et les responsables désignés peuvent changer les réglages du canal.",
          });
          return;
        }
        const referentials = deps.answering.retriever.catalog.referentials.map((r) => r.id);
        const parsed = parseConfig(config[1] ?? "", referentials);
        if ("error" in parsed) {
          await respond({ response_type: "ephemeral", text: parsed.error });
          return;
        }
        const next = await updateChannelSettings(deps.db, command.channel_id, parsed.patch, command.user_id);
        await respond({
          response_type: "ephemeral",
          text: `Réglages du canal : référentiel par défaut ${next.defaultReferential ?? `${deps.config.defaultReferential} (celui de l'application)`}, réponses ${next.mentionsOnly ? "aux seules mentions" : "aussi aux messages des fils suivis"}.`,
        });
        return;
      }
      const refusal = await questionRefusal(deps, command.user_id);
      if (refusal) {
        await respond({ response_type: "ephemeral", text: refusal });
        return;
      }
      const settings = await channelDefaults(deps.db, command.channel_id);
      const a = await answerQuestion(deps.answering, text, {
        defaultReferential: settings.defaultReferential ?? undefined,
      });
      const qaId = await logSlackAnswer(deps, a, {
        teamId: command.team_id,
        channelId: command.channel_id,
        userId: command.user_id,
      });
      const [first = []] = answerMessages(a.answer);
      await respond({
        response_type: "ephemeral",
        text: a.answer.slice(0, 3_000),
        blocks: answerBlocks(a, first, { qaId: String(qaId), shareable: true, question: text }),
      });
    } catch (e) {
      const id = await replyWithError(deps, e, null);
      await respond({
        response_type: "ephemeral",
        text: `Désolé, une erreur interne m'empêche de répondre. (erreur ${id})`,
      });
    }
  };
}
