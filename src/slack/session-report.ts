import type { RespondFn } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { renderSessionReport, sessionReportData } from "../insights/session-report.js";
import { resolveSession } from "../sessions/resolve.js";
import type { SlackDeps } from "./deps.js";
import { actorOf, sessionDepsFor } from "./sessions.js";

/** Slack's limit on an image's alt text. */
const ALT_MAX = 1_000;

/**
 * `/session report [session]` (managers): the session as one PNG, sent by DM
 * to the manager (it names candidates) with files.uploadV2, its alt text set
 * and the full text alternative as the message.
 */
export async function sendSessionReport(
  deps: SlackDeps,
  client: WebClient,
  respond: RespondFn,
  name: string | null,
  channelId: string,
  userId: string,
  now: Date,
): Promise<void> {
  const actor = actorOf(deps, userId);
  const { sessions, deliverables } = await sessionDepsFor(deps);
  const session = await resolveSession(deps.db, name, { channelId, actor });
  const data = await sessionReportData(sessions, actor, session, now, deliverables);
  const picture = renderSessionReport(data);
  const dm = await client.conversations.open({ users: userId });
  const channel = dm.channel?.id;
  if (!channel) throw new Error("conversations.open returned no channel");
  await client.files.uploadV2({
    channel_id: channel,
    filename: `session-${session.name}.png`,
    title: `Session ${session.name}`,
    file: Buffer.from(picture.png),
    alt_text: picture.altText.slice(0, ALT_MAX),
    initial_comment: picture.altText.slice(0, 3_900),
  });
  await respond({
    response_type: "ephemeral",
    text: `Image de la session ${session.name} envoyée en message privé (avec sa description texte).`,
  });
}
