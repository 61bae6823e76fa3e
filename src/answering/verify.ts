import { fold } from "../lib/text.js";

// Codes as the referentials print them: C12, C1.2, E3, A5, B2C4, B2Cr4, RNCP37827.
const CODE = /\b(?:B\d{1,2}Cr?\d{1,2}|RNCP\s?\d{4,6}|[CAE]\d{1,2}(?:\.\d{1,2})?)\b/g;
// Numbers that carry a fact (pages, minutes, points, years); a code's digits are not one.
const NUMBER = /(?<![\w.])\d+(?:[.,]\d+)?(?![\w])/g;

/**
 * Codes and numbers a model's answer states that none of the evidence holds.
 * An answer that cites "C42" or "45 minutes" when the passages say neither
 * is rejected: the extractive answer, built only from the passages, is used.
 */
export function unsupportedClaims(answer: string, evidence: string[]): string[] {
  const corpus = evidence.join("\n");
  const codes = new Set([...corpus.matchAll(CODE)].map((m) => m[0].replace(/\s/g, "").toUpperCase()));
  const numbers = new Set([...fold(corpus).replace(CODE, " ").matchAll(NUMBER)].map((m) => norm(m[0])));
  const out: string[] = [];
  for (const m of answer.matchAll(CODE)) {
    const code = m[0].replace(/\s/g, "").toUpperCase();
    if (!codes.has(code) && !out.includes(code)) out.push(code);
  }
  for (const m of fold(answer).replace(CODE, " ").matchAll(NUMBER)) {
    const n = norm(m[0]);
    // Small ordinals ("1.", "2 parties") are the model's own list numbering.
    if (Number(n) <= 3 || numbers.has(n) || out.includes(n)) continue;
    out.push(n);
  }
  return out;
}

function norm(n: string): string {
  return n.replace(",", ".").replace(/\.0+$/, "");
}
