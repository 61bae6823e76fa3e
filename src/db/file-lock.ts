import { randomUUID } from "node:crypto";
import { link, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";

export interface LockOwner {
  pid: number;
  host: string;
}

export class LockBusyError extends Error {
  constructor(readonly owner: LockOwner | null) {
    super(`lock held by ${owner ? `pid ${owner.pid} on ${owner.host}` : "an unknown process"}`);
  }
}

function parseOwner(text: string): LockOwner | null {
  const [pid, host] = text.trim().split("\n");
  const n = Number(pid);
  return Number.isInteger(n) && n > 0 && host ? { pid: n, host } : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

// A lock file with no readable owner is normally one being written this
// instant; only after this long is it a leftover of a crash during creation.
const UNREADABLE_GRACE_MS = 5_000;

async function isStale(path: string, owner: LockOwner | null): Promise<boolean> {
  if (owner) return owner.host === hostname() && !isAlive(owner.pid);
  const s = await stat(path).catch(() => null);
  return s !== null && Date.now() - s.mtimeMs > UNREADABLE_GRACE_MS;
}

/**
 * Removes a stale lock without ever removing a live one: the file is moved
 * aside atomically, and put back if what was moved is not what was judged
 * stale (another process took the lock over in between).
 */
async function breakStale(path: string, seen: string): Promise<void> {
  const aside = `${path}.${process.pid}.${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch {
    return;
  }
  const moved = await readFile(aside, "utf8").catch(() => "");
  if (moved !== seen) await link(aside, path).catch(() => {});
  await unlink(aside).catch(() => {});
}

/**
 * An exclusive lock between processes of one machine, as a file holding the
 * owner's pid. Waits up to timeoutMs for a live owner to let go; takes over
 * the lock of an owner that died without releasing it.
 */
export async function acquireFileLock(
  path: string,
  opts: { timeoutMs: number; pollMs?: number; onWait?: (owner: LockOwner | null) => void },
): Promise<() => Promise<void>> {
  const me = `${process.pid}\n${hostname()}\n`;
  const deadline = Date.now() + opts.timeoutMs;
  let waiting = false;
  for (;;) {
    try {
      await writeFile(path, me, { flag: "wx" });
      return async () => {
        const current = await readFile(path, "utf8").catch(() => "");
        if (current === me) await unlink(path).catch(() => {});
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const seen = await readFile(path, "utf8").catch(() => null);
    if (seen === null) continue;
    const owner = parseOwner(seen);
    if (await isStale(path, owner)) {
      await breakStale(path, seen);
      continue;
    }
    if (Date.now() >= deadline) throw new LockBusyError(owner);
    if (!waiting) {
      waiting = true;
      opts.onWait?.(owner);
    }
    await sleep(opts.pollMs ?? 100);
  }
}
