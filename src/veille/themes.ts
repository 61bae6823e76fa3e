import type { IsoWeek } from "./types.js";
import { weekIndex } from "./weeks.js";

export const MAX_THEMES = 20;
export const MAX_THEME_CHARS = 100;

/**
 * The week's theme from the session's list, or null ("libre"). Derived from
 * the week number rather than stored, so every replica and every re-run of a
 * week agrees, and editing the list never skips or repeats a week's slot.
 */
export function themeOfWeek(themes: readonly string[], week: IsoWeek): string | null {
  if (!themes.length) return null;
  const i = weekIndex(week) % themes.length;
  return themes[(i + themes.length) % themes.length] ?? null;
}
