import { type Deliverable, deliverableNamedIn } from "./deliverables.js";

/**
 * The deliverable a person names, the same way for the CLI (`--deliverable
 * e3`) and Slack (`/rapport mémoire`): its id, or one of its keywords from
 * knowledge/deliverables.yml (`e3`, `chef d'oeuvre`, `mémoire`…), compared
 * without case, accents or punctuation. Null when none or several match.
 */
export function resolveDeliverable(name: string, all: readonly Deliverable[]): Deliverable | null {
  const text = name.trim();
  if (!text) return null;
  const exact = all.find((d) => d.id === text.toLowerCase());
  return exact ?? deliverableNamedIn(text, [...all]);
}
