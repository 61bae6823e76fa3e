import { fold, squash, terms } from "../lib/text.js";
import { phrasings } from "./phrasings.js";

/**
 * What a question asks for, read before any retrieval: the answer's shape
 * depends on it (a number, a list, two sides, a rule) as much as the passage.
 */
export type Intent =
  | "smalltalk"
  | "code"
  | "numeric"
  | "count"
  | "list"
  | "comparison"
  | "procedure"
  | "yesno"
  | "definition"
  | "general";

/** The unit a numeric question wants its number in. */
export type Unit =
  | "pages"
  | "duration"
  | "count"
  | "minutes"
  | "hours"
  | "days"
  | "months"
  | "years"
  | "points"
  | "people"
  | "money"
  | "percent"
  | "date";

/** The part of a coded record a question (often a follow-up) is about. */
export type Aspect =
  | "evaluation"
  | "criteria"
  | "activities"
  | "competencies"
  | "bloc"
  | "deliverable"
  | "points";

export type SmallTalk = "empty" | "greeting" | "thanks" | "help" | "bye";

/** Requests the bot declines whatever the corpus holds. */
/** `pastime`: off topic unless an indexed passage holds the question's words (a cook's titre). */
export type Decline = "off-topic" | "pastime" | "do-my-work" | "personal-data";

export interface Intention {
  intent: Intent;
  unit: Unit | null;
  aspect: Aspect | null;
  smallTalk: SmallTalk | null;
  decline: Decline | null;
  /** Short, with no topic of its own: reads as the continuation of the previous turn. */
  elliptic: boolean;
  /** For a count: the stem of what is counted ("parti" for "combien de parties"). */
  counted: string | null;
}

const has = (re: RegExp, s: string) => re.test(s);

// Greetings, thanks and help requests are answered without retrieval; a
// greeting followed by a real question is that question ("bonjour, C12 ?").
const GREETING =
  /^(?:bonjour|bonsoir|salut|coucou|hello|hi|hey|yo|hola|bjr|slt|good (?:morning|afternoon|evening))\b/;
const THANK_WORDS =
  "merci|mrc|thanks?|thank you|thx|ty|super|top|parfait|genial|cool|nickel|ok|okay|oki|d'accord|dac|ca marche|great|perfect|awesome|nice|bcp|beaucoup|vraiment|trop bien|good|very|so|much|a lot";
const THANKS = new RegExp(`^(?:${THANK_WORDS})\\b`);
const BYE = /^(?:au revoir|bye|a plus|a\+|ciao|bonne (?:journee|soiree)|see you)\b/;
const HELP =
  /^(?:aide|help|aide[- ]moi|help me|\?+|a l'aide|sos|menu|commandes?|commands?|que sais[- ]tu faire|tu sais faire quoi|qu'est-ce que tu (?:sais|peux) faire|que peux[- ]tu faire|tu sers a quoi|a quoi (?:tu sers|sers[- ]tu|ca sert)|what can you do|what are you for|what do you do|how do (?:i|you) use (?:you|this|it)|comment (?:ca marche|t'utiliser|tu marches|on t'utilise|utiliser (?:le bot|certibot))|qui es[- ]tu|who are you|tu es qui|c'est quoi certibot|how does this work)(?:\s+(?:moi|svp|stp|please|pls|me))*$/;
const FILLER = /\b(?:svp|stp|please|pls|plz|merci|thanks|thx|bonjour|salut|hello|hi|hey|!|\.|,|\?|\s)+/g;

/** Small talk, read before any search: the whole message is a greeting, thanks, help request or farewell. */
export function smallTalkOf(folded: string): SmallTalk | null {
  const bare = folded
    .replace(/<@[a-z0-9]+>/g, " ")
    .replace(/:[a-z0-9_+-]+:/g, " ")
    .replace(/[^\p{L}\p{N}\s'?!.,-]/gu, " ")
    .replace(/[!?.,;:()\s]+$/g, "")
    .trim();
  if (!bare || /^[?!.\s]*$/.test(bare)) return bare.includes("?") ? "help" : "empty";
  if (bare.split(/\s+/).length > 7) return null;
  if (HELP.test(bare)) return "help";
  const rest = (re: RegExp) => bare.replace(re, " ").replace(FILLER, " ").trim();
  const leftover = (re: RegExp) => {
    const r = rest(re);
    // "bonjour, tu vas bien ?" is still a greeting; anything longer is a question.
    return (
      !r ||
      new RegExp(
        `^(?:(?:tu vas bien|ca va|comment ca va|how are you|a toi|a vous|pour (?:ta|votre) (?:reponse|aide)|for (?:the|your) (?:help|answer)|certibot|le bot|bot|bien|c'est (?:top|clair|parfait|note)|got it|noted|${THANK_WORDS})\\s*)+$`,
      ).test(r)
    );
  };
  if (GREETING.test(bare) && leftover(GREETING)) return "greeting";
  if (THANKS.test(bare) && leftover(THANKS)) return "thanks";
  if (BYE.test(bare) && leftover(BYE)) return "bye";
  return null;
}

// Topics no certification referential covers. A referential word in the
// same question ("météo" is not one) would have been kept in scope by the
// retriever's coverage check, so these are strict.
const OFF_TOPIC = [
  // A temperature is off topic only as the weather (« quelle température fait-il ») : « température à
  // cœur » is a cook's criterion.
  /\b(?:meteo|weather|temperature (?:exterieure|dehors|demain|aujourd'hui|ce week-end)|quelle temperature (?:fait|fera|va)|il fait (?:beau|chaud|froid)|quel temps fait|quel temps fera|quel temps va|va-t-il pleuvoir|pleuvoir|rain(?:ing)?|forecast)\b/,
  /\b(?:capitale de|capital of|president de la republique|president of|prime minister|premier ministre|who won|qui a gagne)\b/,
];
// Pastimes: off topic, unless the question names a referential or a code: cooking is the job of a
// cook and of an assistant de vie aux familles (« the ADVF meals competency … cooking »).
const PASTIMES =
  /\b(?:recette|recipe|cuisine|cooking|restaurant|film|movie|netflix|musique|music|chanson|song|football|foot|match|score du|horoscope|blague|joke|stock market|bitcoin|crypto)\b/;

// A timetable of public transport (« les horaires du tram pour Saint-Herblain ») is travel, whatever
// town of a contact block it names; a transport titre's passages about tachygraphs do not hold it.
const TIMETABLE = /\b(?:horaires?|timetables?|schedules?)\b/;
const TRANSIT =
  /\b(?:tram|trams|tramway|bus|(?:le|les|du|des|un|the|by) trains?(?! de\b)|ter|tgv|intercites|metro|rer)\b/;

// Writing the candidate's deliverable is not what the bot is for; asking how
// to write it ("comment rédiger la conclusion ?") is. The phrasings are data.
function asksForWork(folded: string): boolean {
  const p = phrasings();
  return p.doWork.test(folded) && !p.howTo.test(folded);
}

const NUMERIC: [Unit, RegExp][] = [
  // Money and rates first: "paid per month" asks for an amount, not a duration.
  [
    "money",
    /\b(?:salaires?|salary|salaries|remuneration|remunere|paye?|pay|paid|earn|earns|gagne|gagner|cout|couts|coute|coutent|cost|costs|prix|price|tarifs?|fees?|euros?|€|combien ca coute|how much does it cost)\b/,
  ],
  ["percent", /\b(?:taux|pourcentage|percentage|rate|%|pass rate|success rate)\b/],
  // "depuis quand ?": a year, not a duration.
  [
    "date",
    /\b(?:depuis quand|since when|depuis quelle annee|en quelle annee|quelle annee|what year|which year|since what year)\b/,
  ],
  ["pages", /\b(?:pages?|longueur|taille du (?:rapport|memoire))\b/],
  ["minutes", /\b(?:minutes?|mins?)\b/],
  [
    "duration",
    /\b(?:duree|dure|durent|combien de temps|how long|temps de (?:presentation|parole|soutenance|l'oral|preparation)|length of the (?:oral|presentation|defen[cs]e)|long is|long does|plus long(?:ue)?|plus court(?:e)?|longer|shorter)\b/,
  ],
  ["hours", /\b(?:heures?|hours?)\b/],
  ["days", /\b(?:jours?|journees?|days?)\b/],
  ["months", /\b(?:mois|months?|semaines?|weeks?)\b/],
  ["years", /\b(?:ans|annees?|years?|experience)\b/],
  [
    "points",
    /\b(?:points?|notes?|bareme|seuil|note minimale|sur 20|\/20|scored?|grades?|marks?|pass mark|threshold)\b/,
  ],
];
const HOW_MANY =
  /\b(?:combien|cb|cbn|cmb|nombre|nb|how many|how much|how long|quelle (?:duree|longueur|taille)|what length|minimum|maximum|au moins|at least|at most|au plus)\b/;
const PEOPLE =
  /\b(?:combien de|how many|nombre de|minimum de|au moins)\s+(?:\w+\s+)?(?:professionnels?|professionals?|membres?|members?|jures?|jurors?|personnes?|people|persons?|examinateurs?|examiners?|evaluateurs?|assessors?)\b/;
const COUNT_ITEMS =
  /\b(?:combien|cb|nombre|nb|how many|number of)\s+(?:de\s+|d')?(?:\w+\s+)?\(?(?:competences?|competencies|skills?|blocs?|blocks?|criteres?|criteria|activites?|activities|ccps?|epreuves?|evaluations?|exams?|assessments?|parties|parts|sections|cas pratiques?)\b/;
// "Quels sont les blocs du titre ?": the items listed, as a count lists them.
const LIST_ITEMS =
  /\b(?:(?:quels|quelles) sont les|liste (?:des|les)|what are the|list the)\s+(?:\w+\s+)?(?:blocs?(?: de competences)?|blocks?|activites? types?|ccps?|epreuves?|exams?|assessments?)\b(?!\s*(?:n°\s*)?\d)/;
// "combien de parties", "how many members": the word counted.
const COUNTED_WORD =
  /\b(?:combien|nombre|nb|how many|number of)\s+(?:de\s+|d'|of\s+)?(?:(?:the|les|des)\s+)?([a-z]{3,})/;

const COMPARISON =
  /\b(?:difference|differences|diff|diffs|differencie|different|differente?s?|distingue|distinguer|compare[rsz]?|comparaison|comparison|versus|vs|par rapport (?:a|au|aux)|contrairement|same as|the same|same|meme chose que|la meme|le meme|identiques?|pareils?|similar|similaires?|ressemble|en commun|in common|plutot que|rather than)\b/;
const LIST =
  /\b(?:liste[rsz]?|list|enumere[rsz]?|contenir|doit contenir|must contain|what goes in|que mettre|quoi mettre|quelles sont les|quels sont les|what are the|which are the|which (?:skills|competencies|criteria)|lesquel(?:le)?s|toutes les|tous les|all the|each of the|les competences (?:du|de|evaluees|visees|couvertes)|competences? (?:evaluees?|visees?|couvertes?|concernees?)|skills? (?:assessed|covered)|competencies (?:assessed|covered|evaluated)|criteres (?:de|du|d'evaluation)|criteria (?:of|for)|contenu|content[s]?|contient|contain|composee? de|comprend|includes?|parties? du|parts? of|sections? of|structure)\b/;
const PROCEDURE =
  /\b(?:comment|how|qui|who|quand|when|que se passe|what happens|what if|et si|si (?:je|on|un|une|le|la|l')\b.*\b(?:echoue|rate|loupe|fail|absent|valide pas)|procedure|process|etapes?|steps?|deroule(?:ment)?|se passe|passer|doit|doivent|dois|faut-il|faut|must|should|have to|has to|need to|a qui|to whom|envoyer|send|remettre|rendre|submit|transmettre|partager|share|conserver|keep|garder|signer|sign|renseigner|remplir|fill|organiser|organise|compose|composition|constitue|made up)\b/;
const YESNO =
  /^(?:est-ce que|est ce que|est-ce qu|peut-on|peut on|puis-je|puis je|dois-je|dois je|faut-il|a-t-on|y a-t-il|ya t il|is it|is there|are there|can i|can we|can a|can the|do i|do we|does the|must i|should i|is the|are the|am i|le (?:formateur|jury)\b.*\bpeut|un (?:formateur|candidat)\b.*\bpeut)\b/;
/** Whether a question (or one part of it) asks what a thing is or is for. */
export const asksDefinition = (folded: string): boolean => DEFINITION.test(folded);

const DEFINITION =
  /\b(?:c'est quoi|cest quoi|qu'est-ce que|qu'est ce que|quest ce que|qu'est-ce qu'une?|qu'est ce qu'une?|quest ce qu'une?|que veut dire|veut dire|signifie|definition|define|what is an?|what does .* mean|what's an?|meaning of|ca veut dire|a quoi sert|a quoi servent|purpose of|what is .+ for)\b/;

const ASPECTS: [Aspect, RegExp][] = [
  ["criteria", /\b(?:criteres?|criteria|criterion|critere d'evaluation|indicateurs?)\b/],
  ["points", /\b(?:points?|notee?s?|bareme|scored?|how many points|combien de points)\b/],
  [
    "evaluation",
    /\b(?:evaluee?s?|evaluation|evalue|evals?|comment (?:on|elle|il|c'est) (?:l'|est )?(?:evalue|valide)|assess(?:ed|ment)?|graded|examined|epreuve|modalite|validee?s?|how (?:is|are) (?:it|they) (?:assessed|evaluated|validated|graded))\b/,
  ],
  ["activities", /\b(?:activites?|activity|activities|taches|tasks)\b/],
  ["competencies", /\b(?:competences?|competencies|skills?)\b/],
  ["deliverable", /\b(?:livrables?|deliverables?|rapport|report|rendu|a rendre|hand in)\b/],
  ["bloc", /\b(?:blocs?|blocks?)\b/],
];

/**
 * Reads the intent of a question. Pure: same text, same reading. `codes` and
 * `referentials` are what the query analysis found (they decide comparisons
 * of two named things).
 */
export function readIntention(
  question: string,
  found: { codes: string[]; referentials: number; blocs?: number } = { codes: [], referentials: 0 },
): Intention {
  return intentionOf(foldQuestion(question), found);
}

/** The one folding every reading of a question works on. */
export function foldQuestion(question: string): string {
  return phrasings().unabbreviate(fold(squash(question)).replace(/[’]/g, "'"));
}

/** The unit a (part of a) question wants its number in, if any. */
export function unitOf(folded: string): Unit | null {
  if (has(PEOPLE, folded)) return "people";
  // « combien de convives par minute »: the minute divides what is counted, it is not the number asked.
  const asked = folded.replace(
    /\b(?:(?:par|per|a la|by the|an?)\s+|a l'\s*)(?:minutes?|heures?|jours?|semaines?|mois|ans?|hours?|days?|weeks?|months?|years?)\b/g,
    " ",
  );
  for (const [u, re] of NUMERIC) {
    if (!re.test(asked)) continue;
    // A pay slip or a salary is the topic of a payroll titre; an amount is asked for in words that ask it.
    if (u === "money" && !PRICED.test(asked) && !HOW_MANY.test(asked) && !ASKS_AMOUNT.test(asked)) continue;
    // « si je rate un bloc », « je rate une ECF »: the French verb (to fail an exam's part), not a rate.
    if (
      u === "percent" &&
      !/\b(?:taux|pourcentage|percentage|%|pass rate|success rate)\b/.test(asked) &&
      /\b(?:je|j'ai|tu|on|il|elle|si|ai|as|a) rate (?:un|une|le|la|l'|mon|ma|mes|les|des|son|sa)\s*(?:\w+ )?(?:blocs?|ecf|epreuves?|examens?|exams?|modules?|evaluations?|ccps?|oral|soutenance|partiel|certification|titre)\b/.test(
        folded,
      )
    )
      continue;
    return u;
  }
  return null;
}
// Words that are an amount; a salary or a pay slip is one only when asked for (« quel salaire »).
const PRICED =
  /\b(?:cout|couts|coute|coutent|cost|costs|prix|price|tarifs?|fees?|tuition|euros?|€|payant|payante|gratuit|gratuite)\b/;
const ASKS_AMOUNT =
  /\b(?:quel(?:le)?s? (?:est |sont )?(?:le |la |les )?(?:salaires?|remuneration|montant|frais)|what(?:'s| is| are)? (?:the )?(?:salary|salaries|pay)|paid|earn|earns|gagne|gagner|remunere)\b/;

export function intentionOf(
  folded: string,
  found: { codes: string[]; referentials: number; blocs?: number },
): Intention {
  const smallTalk = smallTalkOf(folded);
  const base = { unit: null, aspect: null, decline: null, elliptic: false, counted: null } as const;
  if (smallTalk) return { ...base, intent: "smalltalk", smallTalk };

  const decline: Decline | null = asksForWork(folded)
    ? "do-my-work"
    : OFF_TOPIC.some((re) => re.test(folded))
      ? "off-topic"
      : (PASTIMES.test(folded) || (TIMETABLE.test(folded) && TRANSIT.test(folded))) &&
          !found.referentials &&
          !found.codes.length
        ? "pastime"
        : null;
  const first = ASPECTS.find(([, re]) => re.test(folded))?.[0] ?? null;
  // "les compétences de l'activité type 2" asks for competencies, "les activités de la C3" for activities.
  const at = (a: Aspect) => ASPECTS.find(([x]) => x === a)![1].exec(folded)?.index ?? -1;
  const aspect =
    first === "activities" && at("competencies") >= 0 && at("competencies") < at("activities")
      ? "competencies"
      : first;
  const wordCount = folded.split(/\s+/).filter(Boolean).length;
  const elliptic =
    wordCount <= 8 &&
    /^(?:et|and|what about|how about|et pour|et pour le|et la|et le|et les|et l'|et sinon|aussi|also|pareil pour|same for|ok et|d'accord et)\b/.test(
      folded,
    );

  const unit = () => unitOf(folded);
  const intent = ((): Intent => {
    const twoThings =
      found.codes.length >= 2 ||
      found.referentials >= 2 ||
      (found.blocs ?? 0) >= 2 ||
      / entre .+ et /.test(folded);
    if (has(COMPARISON, folded) && (twoThings || /\b(?:vs|versus)\b/.test(folded))) return "comparison";
    if (has(COMPARISON, folded) && found.codes.length === 1 && found.referentials >= 1) return "comparison";
    if (has(COUNT_ITEMS, folded) || has(LIST_ITEMS, folded)) return "count";
    const u = unit();
    if (has(HOW_MANY, folded) && u) return "numeric";
    if (u && u !== "days" && u !== "months" && /\b(?:quelle|quel|what|which)\b/.test(folded) && u !== "years")
      return "numeric";
    if (u === "money" || u === "percent" || u === "date")
      // "définition taux de transformation": a term defined, not a rate asked.
      return has(DEFINITION, folded) && !found.codes.length && !has(HOW_MANY, folded)
        ? "definition"
        : "numeric";
    if (has(LIST, folded)) return "list";
    if (has(YESNO, folded)) return "yesno";
    if (has(PROCEDURE, folded)) return "procedure";
    if (has(DEFINITION, folded) && !found.codes.length) return "definition";
    if (found.codes.length && wordCount <= 12) return "code";
    return "general";
  })();
  const countedWord = COUNTED_WORD.exec(folded)?.[1];
  const counted = countedWord ? (terms(countedWord)[0] ?? null) : null;
  const asked = intent === "numeric" || intent === "count" ? (unit() ?? (counted ? "count" : null)) : null;
  return { ...base, intent, unit: asked, aspect, smallTalk: null, decline, elliptic, counted };
}
