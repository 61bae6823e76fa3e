export type ReadinessChecks = Record<string, () => Promise<void>>;

export interface Readiness {
  ok: boolean;
  /** Each part: "ok", or why it is not ready (no secret, no stack). */
  checks: Record<string, string>;
}

const timeout = (ms: number) =>
  new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref(),
  );

/** Runs every check at once, each bounded by `timeoutMs`; ready only when all pass. */
export async function readiness(checks: ReadinessChecks, timeoutMs = 3_000): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await Promise.race([check(), timeout(timeoutMs)]);
        return [name, "ok"] as const;
      } catch (e) {
        const reason =
          (e as { data?: { error?: string } })?.data?.error ?? (e as Error)?.message ?? String(e);
        return [name, reason.slice(0, 200)] as const;
      }
    }),
  );
  return { ok: entries.every(([, v]) => v === "ok"), checks: Object.fromEntries(entries) };
}
