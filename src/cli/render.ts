/**
 * The one renderer of the CLI's human output: the features write their
 * messages once, in Slack's mrkdwn (they are shown in Slack too); the
 * terminal gets plain text: no `<#C…>`, `<@U…>` or `<url|…>` markup, no
 * `*bold*`, `_italic_` or backquotes. With `sessionCommands`, `/session …`
 * is named as the CLI's own (`certibot session create`): for the replies of
 * `certibot session`, not for an answer that lists the Slack commands.
 */
export function plainText(text: string, opts: { sessionCommands?: boolean } = {}): string {
  const plain = stripMarkup(text);
  return opts.sessionCommands ? plain.replace(/(^|[\s(«"'])\/session\b/g, "$1certibot session") : plain;
}

function stripMarkup(text: string): string {
  return text
    .replace(/<#([CG][A-Z0-9]+)\|([^>]*)>/g, (_m, id: string, name: string) => `#${name || id}`)
    .replace(/<#([CG][A-Z0-9]+)>/g, "#$1")
    .replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, "@$1")
    .replace(/<(https?:\/\/[^|>\s]+)\|([^>]+)>/g, "$2 ($1)")
    .replace(/<(https?:\/\/[^|>\s]+)>/g, "$1")
    .replace(/```\n?([\s\S]*?)```/g, "$1")
    .replace(/`([^`\n]*)`/g, "$1")
    .replace(/(^|[^\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])/g, "$1$2")
    .replace(/(^|[^\w])_(?!\s)([^_\n]+?)(?<!\s)_(?!\w)/g, "$1$2");
}
