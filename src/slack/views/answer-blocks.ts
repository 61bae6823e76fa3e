import type { KnownBlock } from "@slack/types";
import type { AnswerDetails } from "../../answering/answer.js";
import { truncate } from "../../lib/text.js";

/** Slack's limits: 3,000 characters per section, 50 blocks, ~12,000 characters per message. */
export const SECTION_MAX = 2_900;
export const MESSAGE_MAX = 11_000;
export const BLOCKS_MAX = 45;

export const ACTIONS = {
  feedbackUp: "feedback_up",
  feedbackDown: "feedback_down",
  share: "share_answer",
  otherReferential: "show_referential",
} as const;

const L = {
  fr: {
    sources: "Sources",
    helpful: "👍 Utile",
    notHelpful: "👎 Pas utile",
    share: "Partager dans le canal",
    other: (ref: string, code: string) => `${code} dans ${ref}`,
    continued: "… (suite dans le message suivant)",
  },
  en: {
    sources: "Sources",
    helpful: "👍 Helpful",
    notHelpful: "👎 Not helpful",
    share: "Share in channel",
    other: (ref: string, code: string) => `${code} in ${ref}`,
    continued: "… (continued in the next message)",
  },
} as const;

/** Cut text into pieces of at most `max` characters, on paragraph, then line, then word boundaries. */
export function splitText(text: string, max = SECTION_MAX): string[] {
  const out: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = window.lastIndexOf("\n\n");
    if (cut < max * 0.5) cut = window.lastIndexOf("\n");
    if (cut < max * 0.5) cut = window.lastIndexOf(" ");
    if (cut <= 0) cut = max;
    out.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) out.push(rest);
  return out;
}

/**
 * Groups the answer's sections into Slack messages that respect the block and
 * character limits; the first message carries the answer's start, later ones
 * the rest ("voir la suite" rather than a silent cut).
 */
export function answerMessages(text: string): string[][] {
  // The sources line of the text is shown as the message's context block instead.
  const sections = splitText(text.replace(/\n\nSources ?: [^\n]*$/, ""));
  const messages: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const s of sections) {
    if (current.length && (size + s.length > MESSAGE_MAX || current.length >= BLOCKS_MAX - 4)) {
      messages.push(current);
      current = [];
      size = 0;
    }
    current.push(s);
    size += s.length;
  }
  if (current.length) messages.push(current);
  return messages;
}

export interface AnswerViewOptions {
  /** Q&A log id carried by the feedback buttons. */
  qaId: string | null;
  /** Offer "Partager dans le canal" (ephemeral answers). */
  shareable?: boolean;
  /** Question, for the "other referential" buttons. */
  question: string;
}

export function sourcesLine(a: AnswerDetails): string {
  return a.sources
    .slice(0, 3)
    .map((s) => `${s.referential} · ${s.code ? `${s.code} — ` : ""}${truncate(s.title, 60)}`)
    .join("  |  ");
}

/** Blocks of one answer message (the first of `answerMessages`), with sources and buttons. */
export function answerBlocks(
  a: AnswerDetails,
  sections: string[],
  opts: AnswerViewOptions,
  more = false,
): KnownBlock[] {
  const l = L[a.lang];
  const blocks: KnownBlock[] = sections.map((s) => ({ type: "section", text: { type: "mrkdwn", text: s } }));
  if (more) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: l.continued }] });
  if (a.found && a.sources.length) {
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: `*${l.sources}* : ${sourcesLine(a)}` }],
    });
  }
  const buttons: Extract<KnownBlock, { type: "actions" }>["elements"] = [];
  for (const other of a.alsoIn) {
    for (const ref of other.referentials.slice(0, 3)) {
      buttons.push({
        type: "button",
        action_id: `${ACTIONS.otherReferential}:${ref}:${other.code}`,
        text: { type: "plain_text", text: truncate(l.other(ref, other.code), 75) },
        value: JSON.stringify({
          referential: ref,
          code: other.code,
          question: truncate(opts.question, 1_500),
        }),
      });
    }
  }
  if (opts.shareable) {
    buttons.push({
      type: "button",
      action_id: ACTIONS.share,
      text: { type: "plain_text", text: l.share },
      value: opts.qaId ?? "none",
    });
  }
  // Small talk and help are not answers to rate.
  if (opts.qaId && !a.smallTalk) {
    buttons.push(
      {
        type: "button",
        action_id: ACTIONS.feedbackUp,
        text: { type: "plain_text", text: l.helpful },
        value: opts.qaId,
      },
      {
        type: "button",
        action_id: ACTIONS.feedbackDown,
        text: { type: "plain_text", text: l.notHelpful },
        value: opts.qaId,
      },
    );
  }
  if (buttons.length)
    blocks.push({ type: "actions", block_id: "answer_actions", elements: buttons.slice(0, 25) });
  return blocks;
}
