import { squash } from "../lib/text.js";
import { type KnowledgeRecord, makeRecord } from "./record.js";

/**
 * expert-ia: the PDF's three columns (competencies + "savoirs associés" in a
 * wide left column; evaluation modalities and scored criteria in two narrow
 * ones) come out interleaved, line by line, with page breaks cutting
 * paragraphs anywhere. Each line is routed to one stream:
 *
 * - a line that opens a code or a known heading starts that stream;
 * - a line wider than any narrow-column line belongs to the wide column;
 * - a line inside the same paragraph follows the previous line;
 * - a paragraph resumed after a break goes to the left-most column still
 *   open (wide, then modality, then criteria), as the PDF is read left to right.
 *
 * A criterion stays open until its "(N points)"; a paragraph is open while it
 * does not end with terminal punctuation.
 */

type Stream =
  | "intro"
  | "blocTitle"
  | "comp"
  | "savoirs"
  | "modality"
  | "crit"
  | "threshold"
  | "memoire"
  | "ignore";

const NARROW_MAX = 40;

interface Item {
  code: string;
  name: string;
  text: string;
}

interface Bloc {
  n: number;
  title: string;
  comps: Item[];
  crits: (Item & { points: number | null })[];
  modality: string;
  savoirs: string;
  threshold: string;
}

const isOpenText = (t: string) => !/[.:;!?)]\s*$/.test(t.trim()) || /:\s*$/.test(t.trim());

export function parseExpertInterleaved(referential: string, source: string): KnowledgeRecord[] {
  const blocs: Bloc[] = [];
  const intro: string[] = [];
  const memoire: string[] = [];
  let bloc: Bloc | null = null;
  let comp: Item | null = null;
  let crit: (Item & { points: number | null }) | null = null;

  let stream: Stream = "intro";
  let wideStream: Stream = "intro";
  let lastNarrow: "modality" | "crit" | null = null;
  let prevLine = "";
  let prevStream: Stream = "intro";
  let prevBlank = true;
  let modalityOpen = false;
  let modalityList = false;
  let compList = false;

  const append = (target: Stream, text: string) => {
    switch (target) {
      case "intro":
        intro.push(text);
        break;
      case "blocTitle":
        if (bloc) bloc.title = squash(`${bloc.title} ${text}`);
        break;
      case "comp":
        if (comp) comp.text = joinLine(comp.text, text);
        break;
      case "savoirs":
        if (bloc) bloc.savoirs += `\n${text}`;
        break;
      case "modality":
        if (bloc) bloc.modality += `\n${text}`;
        modalityOpen = isOpenText(text);
        break;
      case "crit":
        if (crit) {
          crit.text = joinLine(crit.text, text);
          const pts = /\((\d+)\s*points?\)/.exec(crit.text);
          if (pts) crit.points = Number(pts[1]);
        }
        break;
      case "threshold":
        if (bloc) bloc.threshold = squash(`${bloc.threshold} ${text}`);
        break;
      case "memoire":
        memoire.push(text);
        break;
      case "ignore":
        break;
    }
  };

  const critOpen = () => crit !== null && crit.points === null;

  for (const rawLine of source.split("\n")) {
    const line = squash(rawLine);
    if (!line) {
      prevBlank = true;
      continue;
    }
    if (/^\d{1,2}$/.test(line)) continue; // page number
    if (/^ELEMENTS COMPLEMENTAIRES/i.test(line)) break; // the application file's admin part
    if (stream === "memoire" || /^M[ée]moire professionnel$/i.test(line)) {
      if (stream !== "memoire") stream = "memoire";
      else append("memoire", line);
      prevLine = line;
      prevStream = stream;
      prevBlank = false;
      continue;
    }

    let target: Stream;
    let opened = false;
    const blocHead = /^Bloc\s+(\d+)\s*\.\s*(.*)$/.exec(line);
    const critHead = /^(B\d)\s*C\s*r\s*(\d+)\s*\.\s*(.*)$/.exec(line);
    const compHead = /^(B\d)\s*C\s*(\d+)\s*\.\s*([^.]+)\.\s*(.*)$/.exec(line);
    if (blocHead) {
      const m = blocHead;
      bloc = {
        n: Number(m[1]),
        title: squash(m[2]!),
        comps: [],
        crits: [],
        modality: "",
        savoirs: "",
        threshold: "",
      };
      blocs.push(bloc);
      comp = null;
      crit = null;
      modalityOpen = false;
      wideStream = "blocTitle";
      stream = "blocTitle";
      lastNarrow = null;
      prevLine = line;
      prevStream = stream;
      prevBlank = false;
      continue;
    }
    if (critHead) {
      const m = critHead;
      crit = { code: `${m[1]}Cr${m[2]}`, name: "", text: squash(m[3]!), points: null };
      const pts = /\((\d+)\s*points?\)/.exec(crit.text);
      if (pts) crit.points = Number(pts[1]);
      bloc?.crits.push(crit);
      lastNarrow = "crit";
      target = "crit";
      opened = true;
    } else if (compHead) {
      const m = compHead;
      comp = { code: `${m[1]}C${m[2]}`, name: squash(m[3]!), text: squash(m[4]!) };
      bloc?.comps.push(comp);
      wideStream = "comp";
      compList = /:\s*$/.test(comp.text);
      target = "comp";
      opened = true;
    } else if (/^Savoirs associ[ée]s/i.test(line)) {
      wideStream = "savoirs";
      target = "ignore";
    } else if (
      /^(Mode d.[ée]valuation du bloc|Modalit[ée]s d.[ée]valuation|Par la voie de la VAE|Dur[ée]e\s*:)/i.test(
        line,
      )
    ) {
      if (bloc) bloc.modality += `\n\n${line}`;
      modalityOpen = isOpenText(line);
      modalityList = false;
      lastNarrow = "modality";
      prevLine = line;
      prevStream = "modality";
      prevBlank = false;
      continue;
    } else if (/^Le bloc\s+(B?\d+)\s+est valid/i.test(line)) {
      target = "threshold";
    } else if (line.length > NARROW_MAX) {
      target = wideStream === "blocTitle" ? "blocTitle" : wideStream === "savoirs" ? "savoirs" : wideStream;
      if (/^-\s/.test(line) && wideStream !== "intro")
        target = wideStream === "comp" && compList ? "comp" : "savoirs";
    } else if (/^-\s/.test(line)) {
      if (wideStream === "comp" && compList) {
        target = "comp";
      } else if (prevStream === "modality" && (modalityOpen || modalityList)) {
        target = "modality";
        modalityList = true;
      } else if (prevStream === "savoirs" || !modalityOpen) {
        target = bloc ? "savoirs" : "intro";
        if (bloc) wideStream = "savoirs";
      } else {
        target = "modality";
        modalityList = true;
      }
    } else if (
      !prevBlank &&
      prevStream !== "ignore" &&
      !(prevStream === "threshold" && /points\.$/.test(prevLine))
    ) {
      target = prevStream;
    } else if (
      (prevStream === "comp" ||
        prevStream === "savoirs" ||
        prevStream === "blocTitle" ||
        prevStream === "intro") &&
      prevLine.length > NARROW_MAX &&
      isOpenText(prevLine)
    ) {
      target = prevStream;
    } else if (/^[a-zà-ÿ(]/.test(line)) {
      target = modalityOpen ? "modality" : critOpen() ? "crit" : (lastNarrow ?? "modality");
    } else {
      target = lastNarrow ?? (critOpen() ? "crit" : "modality");
    }
    if (!bloc && target !== "intro") target = "intro";
    if (target === "crit" && !crit) target = "modality";

    if (!opened) append(target, line);
    if (target === "comp" && !opened && !/^-\s/.test(line) && /[.]\s*$/.test(line)) compList = false;
    if (target === "modality" || target === "crit") lastNarrow = target;
    stream = target;
    prevLine = line;
    prevStream = target;
    prevBlank = false;
  }

  const records: KnowledgeRecord[] = [];
  const clean = (t: string) => t.split("\n").map(squash).filter(Boolean).join("\n");
  for (const b of blocs) {
    const label = `Bloc ${b.n} — ${b.title}`;
    const modality = clean(b.modality);
    const total = b.crits.reduce((s, c) => s + (c.points ?? 0), 0);
    for (const c of b.comps) {
      records.push(
        makeRecord({
          referential,
          kind: "competency",
          code: c.code,
          title: c.name,
          bloc: label,
          statement: squash(c.text),
          modality: modality || null,
          criteria: b.crits.map((k) => `${k.code}. ${squash(k.text)}`),
          related: b.crits.map((k) => k.code),
        }),
      );
    }
    for (const k of b.crits) {
      records.push(
        makeRecord({
          referential,
          kind: "criterion",
          code: k.code,
          title: squash(k.text.replace(/\(\d+\s*points?\)\.?/, "")).slice(0, 120),
          bloc: label,
          statement: squash(k.text),
          points: k.points,
          modality: b.threshold || null,
          related: b.comps.map((c) => c.code),
        }),
      );
    }
    records.push(
      makeRecord({
        referential,
        kind: "bloc",
        code: null,
        title: label,
        bloc: label,
        statement: [
          ...b.comps.map((c) => `${c.code}. ${c.name}`),
          b.threshold ? `${b.threshold} (critères : ${total} points au total)` : "",
          b.savoirs.trim() ? `Savoirs associés :\n${clean(b.savoirs)}` : "",
        ]
          .filter(Boolean)
          .join("\n"),
        modality: modality || null,
        criteria: b.crits.map((k) => `${k.code}. ${squash(k.text)}`),
        related: [...b.comps, ...b.crits].map((x) => x.code),
      }),
    );
  }
  if (memoire.length) {
    records.push(
      makeRecord({
        referential,
        kind: "section",
        code: null,
        title: "Mémoire professionnel",
        statement: clean(memoire.join("\n")),
      }),
    );
  }
  if (intro.length) {
    records.push(
      makeRecord({
        referential,
        kind: "section",
        code: null,
        title: "Activités de l'expert en Intelligence Artificielle",
        // The column headers of the first page come before the title line.
        statement: clean(
          intro
            .slice(
              Math.max(
                0,
                intro.findIndex((l) => /^Les activit/.test(l)),
              ),
            )
            .join("\n"),
        ),
      }),
    );
  }
  return records;
}

/** Join two PDF lines, mending words cut by a hyphen at the line end. */
function joinLine(a: string, b: string): string {
  if (!a) return b;
  if (/[a-zà-ÿ]-$/.test(a) && /^[a-zà-ÿ]/.test(b)) return `${a}${b}`;
  return `${a} ${b}`;
}
