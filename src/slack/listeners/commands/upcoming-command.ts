import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";

/**
 * Commands the manifest declares ahead of their features: the user is told
 * plainly that the feature is not available yet and what works today.
 */
export function upcomingCommand(name: string, what: string) {
  return async ({ ack }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack({
      response_type: "ephemeral",
      text: `${name} n'est pas encore disponible dans cette version : ${what} arrive prochainement. En attendant, posez vos questions sur les référentiels avec /certibot.`,
    });
  };
}
