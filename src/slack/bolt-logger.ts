import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "../log.js";

/** Bolt's own messages (bad signatures, socket reconnects) go to our pino log, as a child named after the component. */
export function boltLogger(log: Logger, initial: LogLevel = LogLevel.WARN): BoltLogger {
  let level = initial;
  let child = log.child({ component: "bolt" });
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : String(m))).join(" ");
  return {
    debug: (...msg) => child.debug(text(msg)),
    info: (...msg) => child.info(text(msg)),
    warn: (...msg) => child.warn(text(msg)),
    error: (...msg) => child.error(text(msg)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n) => {
      child = log.child({ component: n });
    },
  };
}
