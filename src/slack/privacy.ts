import type { AllMiddlewareArgs, BlockButtonAction, RespondFn, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { KnownBlock } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import { candidateToErase } from "../privacy/erase.js";
import { erasedText, exportUserData, forgetUser, SLACK_USER_ID } from "../privacy/privacy.js";
import { resolveSession } from "../sessions/resolve.js";
import { sessionById } from "../sessions/store.js";
import type { SlackDeps } from "./deps.js";
import { respondWithError } from "./reply-error.js";
import { actorOf } from "./sessions.js";

export const PRIVACY_ACTIONS = {
  forgetConfirm: "privacy_forget_confirm",
  eraseConfirm: "privacy_erase_confirm",
  cancel: "privacy_cancel",
} as const;

function confirmBlocks(text: string, actionId: string, value: string, confirmLabel: string): KnownBlock[] {
  return [
    { type: "section", text: { type: "mrkdwn", text } },
    {
      type: "actions",
      block_id: "privacy_confirm",
      elements: [
        {
          type: "button",
          action_id: actionId,
          value,
          style: "danger",
          text: { type: "plain_text", text: confirmLabel },
        },
        {
          type: "button",
          action_id: PRIVACY_ACTIONS.cancel,
          value: "cancel",
          text: { type: "plain_text", text: "Annuler" },
        },
      ],
    },
  ];
}

/** `/certibot forget-me`: asks for confirmation; nothing is erased before the click. */
export async function forgetMePrompt(respond: RespondFn): Promise<void> {
  const text =
    "*Effacer toutes vos données ?* Vos questions journalisées, vos avis, les fils de conversation, vos vérifications de rapport, vos inscriptions aux sessions et vos entrées de veille seront supprimés définitivement. Cette action est irréversible.";
  await respond({
    response_type: "ephemeral",
    text,
    blocks: confirmBlocks(text, PRIVACY_ACTIONS.forgetConfirm, "self", "Oui, tout effacer"),
  });
}

/** `/session erase @user [session=<nom>]`: managers, after confirmation. */
export async function eraseCandidatePrompt(
  deps: SlackDeps,
  respond: RespondFn,
  who: string,
  sessionName: string | null,
  channelId: string,
  userId: string,
): Promise<void> {
  const target = /^<@([UW][A-Z0-9]+)(\|[^>]*)?>$/.exec(who)?.[1] ?? (SLACK_USER_ID.test(who) ? who : null);
  if (!target) {
    await respond({ response_type: "ephemeral", text: "usage : /session erase @personne [session=<nom>]" });
    return;
  }
  const actor = actorOf(deps, userId);
  const session = await resolveSession(deps.db, sessionName, { channelId, actor });
  const c = await candidateToErase(deps.db, session, actor, target);
  const text = `*Effacer toutes les données de ${c.prenom} ${c.nom} (<@${target}>) ?* Tout ce que certibot garde sur cette personne sera supprimé (questions, avis, rapports, inscriptions, veille), pour toutes les sessions. Irréversible.`;
  await respond({
    response_type: "ephemeral",
    text,
    blocks: confirmBlocks(
      text,
      PRIVACY_ACTIONS.eraseConfirm,
      JSON.stringify({ s: session.id, u: target }),
      "Oui, effacer",
    ),
  });
}

/** `/certibot my-data`: the user's own data as a JSON file, sent to them by DM. */
export async function sendMyData(deps: SlackDeps, client: WebClient, userId: string, respond: RespondFn) {
  const data = await exportUserData(deps.db, userId);
  const dm = await client.conversations.open({ users: userId });
  const channel = dm.channel?.id;
  if (!channel) throw new Error("conversations.open returned no channel");
  await client.files.uploadV2({
    channel_id: channel,
    filename: `certibot-donnees-${userId}.json`,
    title: "Vos données certibot",
    file: Buffer.from(JSON.stringify(data, null, 2)),
    initial_comment: "Voici toutes les données que certibot garde sur vous (droit d'accès, RGPD).",
  });
  await respond({
    response_type: "ephemeral",
    text: "Vos données vous ont été envoyées en message privé, dans un fichier JSON.",
  });
}

/** The confirmation buttons: erase, or cancel. The clicker is checked again at click time. */
export function privacyAction(deps: SlackDeps, kind: "forget" | "erase" | "cancel") {
  return async ({
    ack,
    body,
    action,
    respond,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    try {
      if (kind === "cancel") {
        await respond({ replace_original: true, text: "Rien n'a été effacé." });
        return;
      }
      let target = body.user.id;
      if (kind === "erase") {
        const { s, u } = JSON.parse(action.value ?? "{}") as { s?: number; u?: string };
        const session = s ? await sessionById(deps.db, s) : null;
        if (!session || !u) throw new Error("bad erase payload");
        await candidateToErase(deps.db, session, actorOf(deps, body.user.id), u);
        target = u;
      }
      const erased = await forgetUser(deps.db, target);
      deps.log.info("user data erased", { by: kind === "forget" ? "self" : "manager", ...erased });
      await respond({ replace_original: true, text: `✅ ${erasedText(target, erased)}` });
    } catch (e) {
      await respondWithError(deps, respond, e, "m'empêche d'effacer ces données", { replaceOriginal: false });
    }
  };
}
