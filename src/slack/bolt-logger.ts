import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "../log.js";

/** Bolt's own messages (bad signatures, socket reconnects) go to our structured log. */
export function boltLogger(log: Logger, initial: LogLevel = LogLevel.WARN): BoltLogger {
  let level = initial;
  let name = "bolt";
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : String(m))).join(" ");
  return {
    debug: (...msg) => log.debug(text(msg), { component: name }),
    info: (...msg) => log.info(text(msg), { component: name }),
    warn: (...msg) => log.warn(text(msg), { component: name }),
    error: (...msg) => log.error(text(msg), { component: name }),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n) => {
      name = n;
    },
  };
}
