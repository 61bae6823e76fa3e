/**
 * Slack sends the characters &, < and > of what people typed as &amp;, &lt;
 * and &gt; (its own <@U…>, <#C…> and <url|label> markup stays raw). Commands
 * read the text as typed: "R&D", or a link with ?a=1&b=2.
 */
export function unescapeSlackText(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
