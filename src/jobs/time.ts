/** Wall-clock parts of an instant in a time zone. */
function partsIn(at: Date, timezone: string) {
  const fmt = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  const p = Object.fromEntries(fmt.formatToParts(at).map((x) => [x.type, x.value]));
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
  };
}

export function isTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at an instant, in milliseconds. */
function offsetMs(at: Date, timezone: string): number {
  const p = partsIn(at, timezone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** "2026-06-02 09:00" as read on a clock in that zone. */
export function formatInZone(at: Date, timezone: string, withSeconds = false): string {
  const p = partsIn(at, timezone);
  const time = `${pad(p.hour)}:${pad(p.minute)}${withSeconds ? `:${pad(p.second)}` : ""}`;
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${time}`;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses an ISO 8601 date or date-time for `--at`. Without an offset the time
 * is read in the job's zone, as operators think of "the 9:00 run". Null for
 * anything else, including impossible dates such as 2026-02-30.
 */
export function parseAt(text: string, timezone: string): Date | null {
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) =>
    v === undefined ? 0 : Number(v),
  ) as [number, number, number, number, number, number];
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, "0")) : 0;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(wall);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return null;
  const zone = m[8];
  if (zone) {
    if (zone.toUpperCase() === "Z") return new Date(wall);
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    if (Number(z[2]) > 23 || Number(z[3]) > 59) return null;
    const off = (Number(z[2]) * 60 + Number(z[3])) * 60_000;
    return new Date(z[1] === "+" ? wall - off : wall + off);
  }
  // The offset depends on the instant we are looking for: guess, then correct
  // once (they differ only around a DST change).
  const guess = wall - offsetMs(new Date(wall), timezone);
  return new Date(wall - offsetMs(new Date(guess), timezone));
}

/** "2026-06-02T09:05Z": the UTC start of the `minutes`-long slot holding `at`. */
export function utcSlotKey(at: Date, minutes: number): string {
  const slot = minutes * 60_000;
  const start = new Date(Math.floor(at.getTime() / slot) * slot);
  return `${start.toISOString().slice(0, 16)}Z`;
}
