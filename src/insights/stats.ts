import type { Queryable } from "../db/db.js";
import { fold } from "../lib/text.js";

export interface UsageStats {
  days: number;
  since: string;
  questions: number;
  perDay: { day: string; questions: number; declined: number }[];
  byMode: Record<string, number>;
  topCodes: { code: string; count: number }[];
  /** Declined questions grouped by similarity: what the corpus lacks. Texts only when the deployment keeps them. */
  declined: { count: number; example: string | null; hash: string }[];
  feedback: { up: number; down: number; downRatio: number | null };
  latencyMs: { median: number | null; p95: number | null };
}

const STOP = new Set(
  "le la les un une des de du d l et ou a au aux en pour par sur dans quoi que qui quel quelle quels quelles est ce c ca il elle on je tu vous nous the a an of to is what how do does".split(
    " ",
  ),
);

function terms(text: string): Set<string> {
  return new Set(
    fold(text)
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 1 && !STOP.has(w))
      .map((w) => (w.length > 5 ? w.slice(0, 5) : w)),
  );
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size && !b.size) return 1;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/**
 * Groups declined questions: identical ones (same hash) always; with texts
 * kept, also those sharing most of their words (Jaccard ≥ 0.5 over folded,
 * truncated terms), greedily around the most asked.
 */
export function groupDeclined(
  rows: { hash: string; text: string | null; count: number }[],
): UsageStats["declined"] {
  const sorted = [...rows].sort((a, b) => b.count - a.count || a.hash.localeCompare(b.hash));
  const groups: { count: number; example: string | null; hash: string; terms: Set<string> | null }[] = [];
  for (const r of sorted) {
    const t = r.text ? terms(r.text) : null;
    const into = t ? groups.find((g) => g.terms && jaccard(g.terms, t) >= 0.5) : undefined;
    if (into) into.count += r.count;
    else groups.push({ count: r.count, example: r.text, hash: r.hash.slice(0, 12), terms: t });
  }
  return groups
    .sort((a, b) => b.count - a.count)
    .slice(0, 20)
    .map(({ terms: _, ...g }) => g);
}

/** Usage over the last `days` days, from the Q&A log and the feedback (no user ids in the result). */
export async function usageStats(db: Queryable, days: number): Promise<UsageStats> {
  const since = "now() - make_interval(days => $1::int)";
  const perDay = await db.query<{ day: string; questions: number; declined: number }>(
    `select to_char(created_at at time zone 'Europe/Paris', 'YYYY-MM-DD') as day, count(*)::int as questions,
            count(*) filter (where not found)::int as declined
       from qa_log where created_at > ${since} group by 1 order by 1`,
    [days],
  );
  const modes = await db.query<{ mode: string; n: number }>(
    `select mode, count(*)::int as n from qa_log where created_at > ${since} group by mode order by mode`,
    [days],
  );
  const topCodes = await db.query<{ code: string; count: number }>(
    `select code, count(*)::int as count from qa_log, unnest(codes) as code
      where created_at > ${since} and found group by code order by count desc, code limit 10`,
    [days],
  );
  const declined = await db.query<{ hash: string; text: string | null; count: number }>(
    `select question_hash as hash, max(question_text) as text, count(*)::int as count
       from qa_log where created_at > ${since} and not found group by question_hash`,
    [days],
  );
  const [votes] = await db.query<{ up: number; down: number }>(
    `select count(*) filter (where vote = 'up')::int as up, count(*) filter (where vote = 'down')::int as down
       from feedback where updated_at > ${since}`,
    [days],
  );
  const [lat] = await db.query<{ median: number | null; p95: number | null }>(
    `select percentile_cont(0.5) within group (order by latency_ms)::float8 as median,
            percentile_cont(0.95) within group (order by latency_ms)::float8 as p95
       from qa_log where created_at > ${since}`,
    [days],
  );
  const [start] = await db.query<{ since: Date }>(`select ${since} as since`, [days]);
  const up = votes?.up ?? 0;
  const down = votes?.down ?? 0;
  return {
    days,
    since: start!.since.toISOString(),
    questions: perDay.reduce((n, d) => n + d.questions, 0),
    perDay,
    byMode: Object.fromEntries(modes.map((m) => [m.mode, m.n])),
    topCodes,
    declined: groupDeclined(declined),
    feedback: { up, down, downRatio: up + down ? down / (up + down) : null },
    latencyMs: { median: lat?.median ?? null, p95: lat?.p95 ?? null },
  };
}

/** The same, readable (CLI and /certibot stats). */
export function statsText(s: UsageStats): string {
  const lines = [
    `Usage sur ${s.days} jour(s) : ${s.questions} question(s)${
      Object.keys(s.byMode).length
        ? ` (${Object.entries(s.byMode)
            .map(([m, n]) => `${m} ${n}`)
            .join(", ")})`
        : ""
    }.`,
    `Latence : médiane ${s.latencyMs.median === null ? "—" : `${Math.round(s.latencyMs.median)} ms`}, p95 ${s.latencyMs.p95 === null ? "—" : `${Math.round(s.latencyMs.p95)} ms`}.`,
    `Avis : ${s.feedback.up} 👍, ${s.feedback.down} 👎${s.feedback.downRatio === null ? "" : ` (${Math.round(s.feedback.downRatio * 100)} % négatifs)`}.`,
  ];
  if (s.perDay.length)
    lines.push(
      "Par jour :",
      ...s.perDay.map((d) => `  ${d.day}  ${d.questions} question(s), ${d.declined} sans réponse`),
    );
  if (s.topCodes.length)
    lines.push(`Codes les plus demandés : ${s.topCodes.map((c) => `${c.code} (${c.count})`).join(", ")}.`);
  if (s.declined.length)
    lines.push(
      "Questions sans réponse, regroupées (ce qui manque au corpus) :",
      ...s.declined.map(
        (d) =>
          `  ${d.count} × ${d.example ? `« ${d.example} »` : `question ${d.hash}… (texte non conservé)`}`,
      ),
    );
  return lines.join("\n");
}
