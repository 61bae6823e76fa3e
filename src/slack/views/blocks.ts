import type { KnownBlock } from "@slack/types";

/** Block Kit pieces within Slack's limits (3,000 characters a section, 150 a header). */
export const md = (text: string): KnownBlock => ({
  type: "section",
  text: { type: "mrkdwn", text: text.slice(0, 3000) },
});

export const header = (text: string): KnownBlock => ({
  type: "header",
  text: { type: "plain_text", text: text.length > 150 ? `${text.slice(0, 149)}…` : text },
});

export const context = (text: string): KnownBlock => ({
  type: "context",
  elements: [{ type: "mrkdwn", text: text.slice(0, 3000) }],
});

/** A long text (a roster of 80 candidates) as sections of whole lines, 50 blocks at most. */
export function textBlocks(text: string): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let current = "";
  for (const line of text.split("\n")) {
    if (current && current.length + line.length + 1 > 2900) {
      blocks.push(md(current));
      current = "";
    }
    current = current ? `${current}\n${line.slice(0, 2900)}` : line.slice(0, 2900);
  }
  if (current) blocks.push(md(current));
  return blocks.slice(0, 50);
}
