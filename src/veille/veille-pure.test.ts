import { describe, expect, it } from "vitest";
import { CertibotError } from "../errors.js";
import { formatMinutes, parseDuration } from "./duration.js";
import { parseLogCommand, validateEntry } from "./log-entry.js";
import { dueVeille, nextPlanned, type SessionVeilleSettings } from "./schedule.js";
import { parseVeilleConfig } from "./service.js";
import { candidateStatus, sessionTable } from "./status.js";
import { themeOfWeek } from "./themes.js";
import { activeInWeek } from "./tick.js";
import { DEFAULT_SETTINGS } from "./types.js";
import {
  addWeeks,
  isoWeekOf,
  isoWeekOfDate,
  lastWeeks,
  parseIsoWeek,
  weekBounds,
  weekEnd,
  weekLabel,
  weekStart,
} from "./weeks.js";

const PARIS = "Europe/Paris";

function hint(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CertibotError);
    expect((e as CertibotError).code).toBe("VEILLE_INVALID");
    return (e as CertibotError).hint ?? "";
  }
  throw new Error("expected VEILLE_INVALID");
}

describe("durations", () => {
  it("reads minutes, hours, hours and minutes, decimal hours, with or without spaces", () => {
    const cases: Array<[string, number]> = [
      ["45min", 45],
      ["45 min", 45],
      ["45mn", 45],
      ["90", 90],
      ["1h", 60],
      ["1 h", 60],
      ["1h30", 90],
      ["1 h 30", 90],
      ["1h05", 65],
      ["2h30min", 150],
      ["1,5h", 90],
      ["1.25h", 75],
      ["2 heures", 120],
      ["24h", 1440],
    ];
    for (const [text, minutes] of cases) expect(parseDuration(text), text).toBe(minutes);
  });

  it("says precisely what is wrong", () => {
    expect(hint(() => parseDuration("une heure"))).toMatch(/Durée non reconnue « une heure ».*1h30/);
    expect(hint(() => parseDuration(""))).toMatch(/Indiquez la durée/);
    expect(hint(() => parseDuration("0"))).toMatch(/au moins une minute/);
    expect(hint(() => parseDuration("0h"))).toMatch(/au moins une minute/);
    expect(hint(() => parseDuration("25h"))).toMatch(/dépasse 24 h/);
    expect(hint(() => parseDuration("1441"))).toMatch(/dépasse 24 h/);
    expect(hint(() => parseDuration("1h75"))).toMatch(/de 0 à 59/);
    expect(hint(() => parseDuration("-1h"))).toMatch(/non reconnue/);
  });

  it("formats minutes for people", () => {
    expect(formatMinutes(45)).toBe("45 min");
    expect(formatMinutes(60)).toBe("1 h");
    expect(formatMinutes(95)).toBe("1 h 35");
    expect(formatMinutes(605)).toBe("10 h 05");
  });
});

describe("/veille log parsing and entry validation", () => {
  it("parses duration, quoted title, link, type, sharing and takeaways", () => {
    expect(
      parseLogCommand(
        '1h30 "AI Act : ce qui change" https://eur-lex.europa.eu/x type=regulation partager ; Risques ; Calendrier',
      ),
    ).toEqual({
      duration: "1h30",
      title: "AI Act : ce qui change",
      url: "https://eur-lex.europa.eu/x",
      sourceType: "regulation",
      shared: true,
      takeaways: ["Risques", "Calendrier"],
    });
  });

  it("accepts a spaced duration before French quotes, and Slack's wrapped links", () => {
    const p = parseLogCommand("1 h 30 « Podcast MLOps » <https://ex.org/ep1|ex.org/ep1> ; un point");
    expect(p).toMatchObject({ duration: "1 h 30", title: "Podcast MLOps", url: "https://ex.org/ep1" });
    expect(validateEntry(p)).toMatchObject({ ok: true, entry: { minutes: 90, title: "Podcast MLOps" } });
  });

  it("takes an unquoted title up to the link", () => {
    expect(parseLogCommand("45min Veille sur les LLM https://a.b/c ; x")).toMatchObject({
      duration: "45min",
      title: "Veille sur les LLM",
      url: "https://a.b/c",
    });
  });

  it("refuses words left over after a quoted title", () => {
    expect(hint(() => parseLogCommand('1h "titre" n\'importe quoi'))).toMatch(/n'importe quoi/);
  });

  it("validates field by field, with precise French messages", () => {
    const v = validateEntry({
      duration: "1h75",
      title: "   ",
      url: "ftp://files.example.org/x",
      sourceType: "roman",
      takeaways: [],
    });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors.duration).toMatch(/de 0 à 59/);
    expect(v.errors.title).toMatch(/Donnez un titre/);
    expect(v.errors.url).toMatch(/http:\/\/ ou https:\/\//);
    expect(v.errors.sourceType).toMatch(/Type de source inconnu « roman »/);
    expect(v.errors.takeaways).toMatch(/au moins un point clé/);
  });

  it("bounds the title and the takeaways", () => {
    const long = validateEntry({ duration: "1h", title: "x".repeat(201), takeaways: ["a"] });
    expect(long.ok ? null : long.errors.title).toMatch(/201 caractères ; 200 au plus/);
    const four = validateEntry({ duration: "1h", title: "t", takeaways: ["a", "b", "c", "d"] });
    expect(four.ok ? null : four.errors.takeaways).toMatch(/4 points clés/);
    const bad = validateEntry({ duration: "1h", title: "t", url: "pas une adresse", takeaways: ["a"] });
    expect(bad.ok ? null : bad.errors.url).toMatch(/n'est pas une adresse web valide/);
  });

  it("defaults the source type, keeps the link normalised and blank takeaways out", () => {
    expect(
      validateEntry({
        duration: "90",
        title: " Un  titre ",
        url: "HTTPS://Ex.org",
        takeaways: ["a", " ", ""],
      }),
    ).toEqual({
      ok: true,
      entry: {
        minutes: 90,
        title: "Un titre",
        url: "https://ex.org/",
        sourceType: "other",
        takeaways: ["a"],
        shared: false,
      },
    });
    expect(
      validateEntry({ duration: "1h", title: "t", sourceType: "Vidéo", takeaways: ["a"] }),
    ).toMatchObject({
      entry: { sourceType: "video" },
    });
  });
});

describe("ISO weeks", () => {
  it("numbers weeks as ISO 8601 does, year edges included", () => {
    expect(isoWeekOfDate("2026-11-22")).toBe("2026-W47");
    expect(isoWeekOfDate("2026-11-23")).toBe("2026-W48");
    expect(isoWeekOfDate("2026-01-01")).toBe("2026-W01");
    expect(isoWeekOfDate("2025-12-29")).toBe("2026-W01");
    expect(isoWeekOfDate("2026-12-31")).toBe("2026-W53");
    expect(isoWeekOfDate("2027-01-03")).toBe("2026-W53");
    expect(isoWeekOfDate("2027-01-04")).toBe("2027-W01");
    expect(isoWeekOfDate("2021-01-03")).toBe("2020-W53");
  });

  it("reads the week on the session's clock, not UTC", () => {
    // Sunday 23:30 UTC is already Monday in Paris.
    expect(isoWeekOf(new Date("2026-03-29T22:30:00Z"), PARIS)).toBe("2026-W14");
    expect(isoWeekOf(new Date("2026-03-29T22:30:00Z"), "UTC")).toBe("2026-W13");
    expect(isoWeekOf(new Date("2026-10-25T23:30:00Z"), PARIS)).toBe("2026-W44");
    expect(isoWeekOf(new Date("2026-10-25T22:30:00Z"), PARIS)).toBe("2026-W43");
  });

  it("gives week starts, ends and bounds, DST weeks being 167 and 169 hours long", () => {
    expect(weekStart("2026-W14")).toBe("2026-03-30");
    expect(weekEnd("2026-W14")).toBe("2026-04-05");
    expect(weekStart("2026-W01")).toBe("2025-12-29");
    const march = weekBounds("2026-W13", PARIS);
    expect(march.start.toISOString()).toBe("2026-03-22T23:00:00.000Z");
    expect(march.end.toISOString()).toBe("2026-03-29T22:00:00.000Z");
    expect((march.end.getTime() - march.start.getTime()) / 3_600_000).toBe(167);
    const october = weekBounds("2026-W43", PARIS);
    expect((october.end.getTime() - october.start.getTime()) / 3_600_000).toBe(169);
  });

  it("steps across years and lists the last weeks, oldest first", () => {
    expect(addWeeks("2026-W53", 1)).toBe("2027-W01");
    expect(addWeeks("2027-W01", -1)).toBe("2026-W53");
    expect(lastWeeks("2027-W02", 4)).toEqual(["2026-W52", "2026-W53", "2027-W01", "2027-W02"]);
    expect(parseIsoWeek("2026-W53")).toBe("2026-W53");
    expect(parseIsoWeek("2027-W53")).toBeNull();
    expect(parseIsoWeek("2026-W00")).toBeNull();
    expect(weekLabel("2026-W48")).toBe("semaine du lundi 23 novembre 2026");
  });

  it("rotates themes one per week, whatever the year boundary", () => {
    const themes = ["IA générative", "RGPD", "MLOps"];
    const seen = lastWeeks("2027-W02", 6).map((w) => themeOfWeek(themes, w));
    expect(new Set(seen.slice(0, 3))).toEqual(new Set(themes));
    expect(seen.slice(3)).toEqual(seen.slice(0, 3));
    expect(themeOfWeek([], "2026-W10")).toBeNull();
  });
});

const SETTINGS: SessionVeilleSettings = { sessionId: 7, ...DEFAULT_SETTINGS };

function due(now: string, settings = SETTINGS) {
  return dueVeille(settings, PARIS, new Date(now)).map((o) => ({
    kind: o.kind,
    week: o.week,
    key: o.key,
    action: o.action,
    late: o.late,
    at: o.scheduledAt.toISOString(),
  }));
}

describe("veille schedule (Europe/Paris, injected clock)", () => {
  it("is due Monday 09:00 Paris: 08:00 UTC in winter, 07:00 UTC after the March switch", () => {
    expect(due("2026-03-23T07:59:00Z").filter((o) => o.week === "2026-W13")).toEqual([]);
    expect(due("2026-03-23T08:00:00Z").filter((o) => o.week === "2026-W13")).toEqual([
      {
        kind: "reminder",
        week: "2026-W13",
        key: "session:7:2026-W13",
        action: "send",
        late: false,
        at: "2026-03-23T08:00:00.000Z",
      },
    ]);
    // The Monday after the last Sunday of March: summer time.
    expect(due("2026-03-30T06:59:00Z").filter((o) => o.week === "2026-W14")).toEqual([]);
    expect(due("2026-03-30T07:00:00Z").filter((o) => o.week === "2026-W14")).toEqual([
      {
        kind: "reminder",
        week: "2026-W14",
        key: "session:7:2026-W14",
        action: "send",
        late: false,
        at: "2026-03-30T07:00:00.000Z",
      },
    ]);
  });

  it("goes back to 08:00 UTC after the last Sunday of October", () => {
    const monday = due("2026-10-26T08:00:00Z").filter((o) => o.week === "2026-W44");
    expect(monday).toMatchObject([{ kind: "reminder", action: "send", at: "2026-10-26T08:00:00.000Z" }]);
    expect(due("2026-10-26T07:45:00Z").filter((o) => o.week === "2026-W44")).toEqual([]);
    // Friday 17:00 before the switch is 15:00 UTC.
    expect(
      due("2026-10-23T15:00:00Z").find((o) => o.kind === "digest" && o.week === "2026-W43"),
    ).toMatchObject({ action: "send", late: false, at: "2026-10-23T15:00:00.000Z" });
  });

  it("catches a missed reminder up within the grace, marked late; skips it after", () => {
    expect(
      due("2026-03-31T10:00:00Z").find((o) => o.kind === "reminder" && o.week === "2026-W14"),
    ).toMatchObject({ action: "send", late: true });
    const thisWeek = (now: string, settings = SETTINGS) =>
      due(now, settings).find((o) => o.kind === "reminder" && o.week === "2026-W14");
    expect(thisWeek("2026-03-30T07:14:00Z")).toMatchObject({ late: false });
    expect(thisWeek("2026-03-30T07:15:00Z")).toMatchObject({ late: true });
    // Exactly 48 hours later: too late.
    expect(
      due("2026-04-01T07:00:00Z").find((o) => o.kind === "reminder" && o.week === "2026-W14"),
    ).toMatchObject({ action: "skip", late: false });
    const noGrace = { ...SETTINGS, graceHours: 0 };
    expect(thisWeek("2026-03-30T07:10:00Z", noGrace)).toMatchObject({ action: "send" });
    expect(thisWeek("2026-03-30T07:15:00Z", noGrace)).toMatchObject({ action: "skip" });
  });

  it("never sends past the end of the week, whatever the grace", () => {
    const week = { ...SETTINGS, graceHours: 168 };
    // Friday 17:00 digest of W13; the week ends Monday 00:00 Paris (22:00 UTC Sunday, summer time).
    expect(
      due("2026-03-29T21:59:00Z", week).find((o) => o.kind === "digest" && o.week === "2026-W13"),
    ).toMatchObject({
      week: "2026-W13",
      action: "send",
      late: true,
    });
    const after = due("2026-03-29T22:00:00Z", week);
    expect(after.find((o) => o.kind === "digest" && o.week === "2026-W13")).toMatchObject({ action: "skip" });
    // Last week's occurrences are still listed (to be skipped once), this week's not yet due.
    expect(after.map((o) => `${o.kind} ${o.week} ${o.action}`)).toEqual([
      "reminder 2026-W13 skip",
      "digest 2026-W13 skip",
    ]);
  });

  it("follows the configured days and times", () => {
    const s = {
      ...SETTINGS,
      reminderDay: 3 as const,
      reminderTime: "14:30",
      digestDay: 7 as const,
      digestTime: "10:00",
    };
    expect(due("2026-11-25T13:30:00Z", s).filter((o) => o.week === "2026-W48")).toMatchObject([
      { kind: "reminder", action: "send", at: "2026-11-25T13:30:00.000Z" },
    ]);
    expect(nextPlanned(s, "digest", PARIS, new Date("2026-11-25T13:30:00Z")).toISOString()).toBe(
      "2026-11-29T09:00:00.000Z",
    );
    expect(nextPlanned(s, "reminder", PARIS, new Date("2026-11-25T13:30:00Z")).toISOString()).toBe(
      "2026-12-02T13:30:00.000Z",
    );
  });
});

describe("veille status math", () => {
  it("lists 8 weeks with the gaps as zero, the streak and the weeks below one hour", () => {
    const s = candidateStatus(
      [
        { week: "2026-W40", minutes: 60 },
        { week: "2026-W41", minutes: 30 },
        { week: "2026-W43", minutes: 90 },
        { week: "2026-W44", minutes: 45 },
        { week: "2026-W44", minutes: 30 },
        { week: "2026-W45", minutes: 60 },
      ],
      "2026-W46",
    );
    expect(s.weeks).toEqual([
      { week: "2026-W39", minutes: 0 },
      { week: "2026-W40", minutes: 60 },
      { week: "2026-W41", minutes: 30 },
      { week: "2026-W42", minutes: 0 },
      { week: "2026-W43", minutes: 90 },
      { week: "2026-W44", minutes: 75 },
      { week: "2026-W45", minutes: 60 },
      { week: "2026-W46", minutes: 0 },
    ]);
    // The current week, still empty, does not break W43–W45.
    expect(s.streak).toBe(3);
    expect(s.below).toEqual(["2026-W39", "2026-W41", "2026-W42"]);
    expect(s.totalMinutes).toBe(315);
  });

  it("counts the current week once it reaches the hour, and a streak older than the window", () => {
    const rows = lastWeeks("2026-W46", 12).map((week) => ({ week, minutes: 60 }));
    expect(candidateStatus(rows, "2026-W46").streak).toBe(12);
    expect(candidateStatus(rows.slice(0, 11), "2026-W46").streak).toBe(11);
    expect(candidateStatus([], "2026-W46")).toMatchObject({ streak: 0, totalMinutes: 0 });
    // A gap right before the current week ends the streak.
    expect(candidateStatus([{ week: "2026-W44", minutes: 120 }], "2026-W46").streak).toBe(0);
  });

  it("builds the per-candidate table over finished weeks", () => {
    const t = sessionTable(
      [
        { slackUserId: "UA", name: "Ada Lovelace" },
        { slackUserId: "UB", name: "Alan Turing" },
        { slackUserId: null, name: "Sans Slack" },
      ],
      [
        { slackUserId: "UA", week: "2026-W46", minutes: 30 },
        { slackUserId: "UA", week: "2026-W45", minutes: 60 },
        { slackUserId: "UA", week: "2026-W43", minutes: 61 },
        { slackUserId: "UB", week: "2026-W45", minutes: 59 },
        { slackUserId: "UB", week: "2026-W46", minutes: 70 },
        { slackUserId: "UZ", week: "2026-W45", minutes: 600 },
      ],
      "2026-W46",
      4,
    );
    expect(t.judgedWeeks).toEqual(["2026-W42", "2026-W43", "2026-W44", "2026-W45"]);
    expect(t.rows).toEqual([
      { slackUserId: "UA", name: "Ada Lovelace", thisWeekMinutes: 30, weeksOnTarget: 2, outOf: 4 },
      { slackUserId: "UB", name: "Alan Turing", thisWeekMinutes: 70, weeksOnTarget: 0, outOf: 4 },
      { slackUserId: null, name: "Sans Slack", thisWeekMinutes: 0, weeksOnTarget: 0, outOf: 4 },
    ]);
  });
});

describe("/veille config parsing", () => {
  it("reads French day names, times, quoted themes, dm and digest settings", () => {
    const s = parseVeilleConfig(
      'day=mercredi time=9h30 theme="IA et RGPD" theme=« MLOps ; Données » dm=on digest-day=Vendredi digest-time=16:45 digest=dm grace=24',
      DEFAULT_SETTINGS,
    );
    expect(s).toEqual({
      reminderDay: 3,
      reminderTime: "09:30",
      digestDay: 5,
      digestTime: "16:45",
      themes: ["IA et RGPD", "MLOps", "Données"],
      dm: true,
      graceHours: 24,
      digestTo: "dm",
    });
    expect(parseVeilleConfig("theme=libre", s).themes).toEqual([]);
    expect(parseVeilleConfig("dm=off", s)).toEqual({ ...s, dm: false });
  });

  it("names the bad setting", () => {
    expect(hint(() => parseVeilleConfig("day=lundy", DEFAULT_SETTINGS))).toMatch(/day=lundy : jour inconnu/);
    expect(hint(() => parseVeilleConfig("time=25:00", DEFAULT_SETTINGS))).toMatch(/heure invalide/);
    expect(hint(() => parseVeilleConfig("dm=peut-être", DEFAULT_SETTINGS))).toMatch(/attendu on ou off/);
    expect(hint(() => parseVeilleConfig("couleur=bleu", DEFAULT_SETTINGS))).toMatch(
      /Réglage inconnu « couleur »/,
    );
    expect(hint(() => parseVeilleConfig("lundi", DEFAULT_SETTINGS))).toMatch(/n'est pas un réglage/);
    expect(hint(() => parseVeilleConfig("grace=200", DEFAULT_SETTINGS))).toMatch(/entre 0 et 168/);
  });
});

describe("which sessions get veille messages", () => {
  const base = {
    id: 1,
    name: "s",
    referential: "r",
    agate: null,
    channelId: null,
    timezone: PARIS,
    reportsLeadDays: 1,
    createdBy: "U",
    createdAt: new Date(0),
    prairieEnd: null,
  };
  it("from the week of the launch (or the session start) to the week of its end", () => {
    const s = { ...base, launch: "2026-09-02", sessionStart: null, sessionEnd: "2027-03-10" };
    expect(activeInWeek(s, "2026-W35")).toBe(false);
    expect(activeInWeek(s, "2026-W36")).toBe(true);
    expect(activeInWeek(s, "2027-W10")).toBe(true);
    expect(activeInWeek(s, "2027-W11")).toBe(false);
    const started = { ...base, launch: null, sessionStart: "2026-09-14", sessionEnd: null };
    expect(activeInWeek(started, "2026-W37")).toBe(false);
    expect(activeInWeek(started, "2030-W01")).toBe(true);
    expect(activeInWeek({ ...base, launch: null, sessionStart: null, sessionEnd: null }, "2000-W01")).toBe(
      true,
    );
  });
});
