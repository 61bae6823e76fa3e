import { squash } from "../lib/text.js";
import { cellText, listItems } from "./html.js";
import { type KnowledgeRecord, makeRecord } from "./record.js";

/** Short title of a one-sentence competency: its verb phrase before the "how". */
export function shortTitle(statement: string): string {
  const s = squash(statement).replace(/[.\s]+$/, "");
  const words = s.split(" ");
  const cut = /\s(?:en|afin|pour|à partir|par|dans le respect|tout en|au moyen|telles? que|tels que)\s/g;
  for (const m of s.matchAll(cut)) {
    const before = s.slice(0, m.index);
    if (before.split(" ").length >= 3) return before.replace(/[,;:]$/, "");
  }
  return words.length > 14 ? `${words.slice(0, 14).join(" ")}…` : s;
}

type Modality = { text: string };
type Group = { codes: string[]; criteria: string; modality: Modality | null };

/**
 * aivancity referentials: four-column tables like rncp37827, but codes are
 * plain text ("C3.1 …"), one cell may hold several competencies sharing one
 * modality and one list of criteria, and bloc titles may sit on the next line.
 */
export function parseAivancityTable(referential: string, source: string): KnowledgeRecord[] {
  const blocs: { label: string; codes: string[] }[] = [];
  const activities = new Map<string, { title: string; items: string; bloc: string | null }>();
  const competencies = new Map<
    string,
    { text: string; activity: string | null; bloc: string | null; group: Group }
  >();
  const conditions: string[] = [];

  let bloc: { label: string; codes: string[] } | null = null;
  let awaitingBlocTitle = false;
  let activity: string | null = null;
  let competency: string | null = null;
  let modality: Modality | null = null;
  let group: Group | null = null;
  let inConditions = false;

  for (const line of source.split("\n")) {
    if (/L'obtention de la certification est conditionn/i.test(line)) {
      inConditions = true;
      continue;
    }
    if (inConditions) {
      const item = squash(line.replace(/^\s*-\s*/, ""));
      if (item) conditions.push(item);
      continue;
    }
    if (!line.includes("\t")) continue;
    if (/R[EÉ]F[EÉ]RENTIEL D.ACTIVIT|MODALIT[EÉ]S D.[EÉ]VALUATION/i.test(line)) continue;
    if (/^[-\s\t]+$/.test(line)) continue;

    const [c1 = "", c2 = "", c3 = "", c4 = ""] = line.split("\t");
    const blocMatch = /^\s*BLOC\s*N°\s*(\d+)\s*(.*)$/i.exec(cellText(c1).replace(/\n/g, " "));
    if (blocMatch) {
      bloc = { label: `Bloc ${blocMatch[1]}`, codes: [] };
      const title = squash(blocMatch[2]!);
      if (title) bloc.label += ` — ${title}`;
      awaitingBlocTitle = !title;
      blocs.push(bloc);
      activity = null;
      continue;
    }
    const c1Text = cellText(c1).replace(/\n/g, " ");
    if (awaitingBlocTitle && bloc && c1Text && !cellText(c2 + c3 + c4) && !/^A\d\.\d/.test(c1Text)) {
      bloc.label += ` — ${c1Text}`;
      awaitingBlocTitle = false;
      continue;
    }
    awaitingBlocTitle = false;

    // Column 1: "A2.1 Title - item - item" (title sometimes in its own paragraph).
    const act = /^A(\d\.\d)\s*(.*)$/.exec(c1Text);
    if (act) {
      activity = `A${act[1]}`;
      const rest = act[2]!;
      const firstItem = rest.search(/\s-\s/);
      const title = firstItem >= 0 ? rest.slice(0, firstItem) : rest;
      activities.set(activity, {
        title: squash(title),
        items: firstItem >= 0 ? rest.slice(firstItem) : "",
        bloc: bloc?.label ?? null,
      });
    } else if (activity && c1Text) {
      const a = activities.get(activity)!;
      a.items = `${a.items} ${c1Text}`;
    }

    // Column 3 first: competencies opened on this row share the modality it holds.
    const c3Text = cellText(c3).replace(/\n/g, " ");
    if (c3Text) {
      if (/^[a-zà-ÿ]/.test(c3Text) && modality) modality.text = squash(`${modality.text} ${c3Text}`);
      else modality = { text: c3Text };
    }

    // Column 2: one or more "Cn.b statement" segments.
    const c2Text = cellText(c2).replace(/\n/g, " ");
    const segments = c2Text
      .split(/(?=(?:^|\s)C\d\.\d\s)/)
      .map(squash)
      .filter(Boolean);
    const opened: string[] = [];
    for (const seg of segments) {
      const m = /^C(\d\.\d)\s+(.*)$/.exec(seg);
      if (m) {
        competency = `C${m[1]}`;
        opened.push(competency);
        competencies.set(competency, {
          text: m[2]!,
          activity,
          bloc: bloc?.label ?? null,
          group: { codes: [], criteria: "", modality },
        });
        bloc?.codes.push(competency);
      } else if (competency) {
        const c = competencies.get(competency)!;
        c.text = squash(`${c.text} ${seg}`);
      }
    }
    if (opened.length) {
      group = { codes: opened, criteria: "", modality };
      for (const code of opened) competencies.get(code)!.group = group;
    }

    // Column 4: criteria of the current group of competencies.
    const c4Text = cellText(c4);
    if (group && c4Text) group.criteria = `${group.criteria}\n${c4Text}`;
  }

  const records: KnowledgeRecord[] = [];
  for (const [code, c] of competencies) {
    const act = c.activity ? activities.get(c.activity) : undefined;
    records.push(
      makeRecord({
        referential,
        kind: "competency",
        code,
        title: shortTitle(c.text),
        bloc: c.bloc,
        statement: c.text,
        activities: act && c.activity ? [`${c.activity} — ${act.title}`] : [],
        modality: c.group.modality?.text ?? null,
        criteria: listItems(c.group.criteria, true),
        related: [...(c.activity ? [c.activity] : []), ...c.group.codes.filter((k) => k !== code)],
      }),
    );
  }
  for (const [code, a] of activities) {
    records.push(
      makeRecord({
        referential,
        kind: "activity",
        code,
        title: a.title,
        bloc: a.bloc,
        statement: listItems(a.items, true)
          .map((i) => `- ${i}`)
          .join("\n"),
        related: [...competencies].filter(([, c]) => c.activity === code).map(([k]) => k),
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
        statement: b.codes.map((k) => `${k} ${shortTitle(competencies.get(k)?.text ?? "")}`).join("\n"),
        related: b.codes,
      }),
    );
  }
  if (conditions.length) {
    records.push(
      makeRecord({
        referential,
        kind: "section",
        code: null,
        title: "Conditions d'obtention de la certification",
        statement: `L'obtention de la certification est conditionnée à :\n${conditions.map((c) => `- ${c}`).join("\n")}`,
      }),
    );
  }
  return records;
}
