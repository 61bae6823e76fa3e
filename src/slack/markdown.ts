/**
 * Streamed text goes through `markdown_text`, which Slack reads as standard
 * Markdown, while our answers are written in Slack's mrkdwn (`*gras*`,
 * `<url|texte>`, `~barré~`). This converts one to the other, leaving code
 * spans alone; `_italique_` is the same in both.
 */
export function mrkdwnToMarkdown(text: string): string {
  return text
    .split(/(```[\s\S]*?```|`[^`\n]*`)/)
    .map((part, i) => (i % 2 ? part : convert(part)))
    .join("");
}

function convert(s: string): string {
  return s
    .replace(/<(https?:\/\/[^|>\s]+)\|([^>]+)>/g, (_m, url: string, label: string) => `[${label}](${url})`)
    .replace(/<(https?:\/\/[^|>\s]+)>/g, "$1")
    .replace(/(^|[^\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])/g, "$1**$2**")
    .replace(/(^|[^\w~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\w~])/g, "$1~~$2~~");
}

/** Paragraph of the answer text that Slack shows as the message's context line instead. */
export const SOURCES_PARAGRAPH = /^\s*Sources ?: /;
