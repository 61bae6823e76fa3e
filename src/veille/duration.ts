import { CertibotError } from "../errors.js";

export const MAX_MINUTES = 24 * 60;

const EXAMPLES = "par exemple 45min, 1h, 1h30, 1,5h ou 90 (minutes)";

// Spaces are dropped before matching, so "1 h 30" reads as "1h30".
const MINUTES_ONLY = /^(\d{1,5})(?:m|mn|min|mins|minutes?)?$/;
const HOURS_DECIMAL = /^(\d{1,3}(?:[.,]\d{1,3})?)(?:h|hr|hrs|heures?)$/;
const HOURS_MINUTES = /^(\d{1,3})(?:h|heures?)(\d{1,2})(?:m|mn|min|mins|minutes?)?$/;

function invalid(hint: string): CertibotError {
  return new CertibotError("VEILLE_INVALID", { hint });
}

/**
 * Minutes from a duration typed by a person: `45min`, `1h`, `1h30`, `1 h 30`,
 * `90` (minutes), `1,5h`. Throws VEILLE_INVALID with the reason in French.
 */
export function parseDuration(text: string): number {
  const raw = text.trim();
  if (!raw) throw invalid(`Indiquez la durée de votre veille, ${EXAMPLES}.`);
  const t = raw.toLowerCase().replace(/[\s\u00a0\u202f]+/g, "");
  const minutesOnly = MINUTES_ONLY.exec(t);
  const decimal = HOURS_DECIMAL.exec(t);
  const hoursMinutes = HOURS_MINUTES.exec(t);
  let minutes: number;
  if (minutesOnly) minutes = Number(minutesOnly[1]);
  else if (decimal) minutes = Math.round(Number(decimal[1]!.replace(",", ".")) * 60);
  else if (hoursMinutes) {
    const extra = Number(hoursMinutes[2]);
    if (extra >= 60)
      throw invalid(`« ${raw} » : après les heures, les minutes vont de 0 à 59 (par exemple 1h45).`);
    minutes = Number(hoursMinutes[1]) * 60 + extra;
  } else throw invalid(`Durée non reconnue « ${raw} » : écrivez-la ${EXAMPLES}.`);
  if (minutes === 0) throw invalid(`« ${raw} » : la durée doit être d'au moins une minute.`);
  if (minutes > MAX_MINUTES)
    throw invalid(
      `« ${raw} » dépasse 24 h : une entrée couvre une séance de veille ; enregistrez plusieurs séances séparément.`,
    );
  return minutes;
}

/** "45 min", "1 h", "1 h 30": durations shown to people. */
export function formatMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (!h) return `${m} min`;
  return m ? `${h} h ${String(m).padStart(2, "0")}` : `${h} h`;
}
