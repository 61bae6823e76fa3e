import { squash } from "../lib/text.js";
import { cellText, leadingTagText, listItems } from "./html.js";
import { type KnowledgeRecord, makeRecord } from "./record.js";

/**
 * rncp37827: a four-column table (activities | competencies | evaluation
 * modalities | criteria) where each line is a table row and PDF page breaks
 * split one logical row over several lines. A cell that does not open a new
 * code continues whatever the same column held before.
 */
export function parseRncpTable(referential: string, source: string): KnowledgeRecord[] {
  const blocs: { label: string; codes: string[] }[] = [];
  const activities = new Map<string, { title: string; text: string; bloc: string | null }>();
  const competencies = new Map<
    string,
    { title: string; text: string; criteria: string; activity: string | null; bloc: string | null }
  >();
  const evaluations = new Map<
    string,
    { title: string; text: string; covers: string[]; bloc: string | null }
  >();
  const glossary: { term: string; definition: string }[] = [];

  let bloc: string | null = null;
  let activity: string | null = null;
  let competency: string | null = null;
  let evaluation: string | null = null;
  let inGlossary = false;

  for (const line of source.split("\n")) {
    if (/^#+\s*Glossaire/i.test(line)) {
      inGlossary = true;
      continue;
    }
    if (inGlossary) {
      const g = /^\s*-\s*❑?\s*\*\*(.+?)\*\*\s*:?\s*(.*)$/.exec(line);
      if (g) glossary.push({ term: squash(g[1]!), definition: squash(g[2]!.replace(/^:\s*/, "")) });
      else if (squash(line) && glossary.length) {
        const last = glossary[glossary.length - 1]!;
        last.definition = squash(`${last.definition} ${line}`);
      }
      continue;
    }
    if (!line.includes("\t")) continue; // titles, footnotes, blank lines
    if (/REFERENTIEL D|MODALIT[EÉ]S D.[EÉ]VALUATION/i.test(line)) continue; // repeated header
    if (/^[-\s\t]+$/.test(line)) continue; // markdown separator rows

    const cells = line.split("\t");
    const blocMatch = /Bloc de comp[eé]tences\s*(\d+)\s*:\s*([^<]+)/i.exec(cells[0] ?? "");
    if (blocMatch) {
      bloc = `Bloc ${blocMatch[1]} — ${squash(blocMatch[2]!)}`;
      blocs.push({ label: bloc, codes: [] });
      activity = null;
      continue;
    }

    const [c1 = "", c2 = "", c3 = "", c4 = ""] = cells;

    // Column 1: activities ("A1 : …" or "A4. …" inside <u>).
    const act = /^\s*(?:<p>)?\s*<u>\s*A(\d+)\s*[.:]\s*([\s\S]*?)<\/u>/i.exec(c1);
    if (act) {
      activity = `A${act[1]}`;
      activities.set(activity, { title: squash(act[2]!), text: cellText(c1.slice(act[0].length)), bloc });
    } else if (activity && cellText(c1)) {
      const a = activities.get(activity)!;
      a.text = `${a.text}\n${cellText(c1)}`;
    }

    // Column 2: competencies ("<b>C12. Title</b> rest of the sentence").
    const comp = /<b>\s*C(\d+)\s*\.\s*([\s\S]*?)<\/b>/i.exec(c2);
    if (comp) {
      competency = `C${comp[1]}`;
      const rest = cellText(c2.replace(comp[0], ""));
      competencies.set(competency, {
        title: squash(comp[2]!.replace(/<[^>]+>/g, "")),
        text: rest,
        criteria: "",
        activity,
        bloc,
      });
      blocs[blocs.length - 1]?.codes.push(competency);
    } else if (competency && cellText(c2)) {
      const c = competencies.get(competency)!;
      c.text = squash(`${c.text} ${cellText(c2)}`);
    }

    // Column 3: evaluation modalities ("<b>E3. Mise en situation (C9, …)</b>").
    const evalTitle = leadingTagText(c3, "b");
    const ev = evalTitle ? /^E(\d+)\s*\.\s*(.*)$/.exec(evalTitle) : null;
    if (ev) {
      evaluation = `E${ev[1]}`;
      const covers = [...ev[2]!.matchAll(/C(\d+)/g)].map((m) => `C${m[1]}`);
      evaluations.set(evaluation, {
        title: squash(ev[2]!.replace(/\(.*?\)/g, "")),
        text: cellText(c3.replace(/<b>[\s\S]*?<\/b>/i, "")),
        covers,
        bloc,
      });
    } else if (evaluation && cellText(c3)) {
      const e = evaluations.get(evaluation)!;
      e.text = `${e.text}\n${cellText(c3)}`;
    }

    // Column 4: criteria belong to the competency open on this row.
    if (competency && cellText(c4)) {
      const c = competencies.get(competency)!;
      c.criteria = `${c.criteria}\n${cellText(c4)}`;
    }
  }

  const evalOf = (code: string) => [...evaluations].find(([, e]) => e.covers.includes(code));
  const records: KnowledgeRecord[] = [];

  for (const [code, c] of competencies) {
    const ev = evalOf(code);
    const act = c.activity ? activities.get(c.activity) : undefined;
    records.push(
      makeRecord({
        referential,
        kind: "competency",
        code,
        title: c.title.replace(/[.\s]+$/, ""),
        bloc: c.bloc,
        statement: squash(`${c.title} ${c.text}`),
        activities: act && c.activity ? [`${c.activity} — ${act.title}`] : [],
        modality: ev ? `${ev[0]} — ${ev[1].title}` : null,
        criteria: listItems(c.criteria),
        related: [...(c.activity ? [c.activity] : []), ...(ev ? [ev[0]] : [])],
      }),
    );
  }
  for (const [code, e] of evaluations) {
    records.push(
      makeRecord({
        referential,
        kind: "evaluation",
        code,
        title: `${e.title} (${e.covers.join(", ")})`,
        bloc: e.bloc,
        statement: e.text,
        related: e.covers,
      }),
    );
  }
  for (const [code, a] of activities) {
    const covered = [...competencies].filter(([, c]) => c.activity === code).map(([k]) => k);
    records.push(
      makeRecord({
        referential,
        kind: "activity",
        code,
        title: a.title.replace(/[.\s]+$/, ""),
        bloc: a.bloc,
        statement: listItems(a.text)
          .map((i) => `- ${i}`)
          .join("\n"),
        related: covered,
      }),
    );
  }
  for (const b of blocs) {
    records.push(
      makeRecord({
        referential,
        kind: "bloc",
        code: null,
        title: b.label,
        bloc: b.label,
        statement: b.codes.map((k) => `${k}. ${competencies.get(k)?.title ?? ""}`).join("\n"),
        related: b.codes,
      }),
    );
  }
  for (const g of glossary) {
    records.push(
      makeRecord({
        referential,
        kind: "glossary",
        code: null,
        title: `Glossaire : ${g.term}`,
        statement: `${g.term} : ${g.definition}`,
      }),
    );
  }
  return records;
}
