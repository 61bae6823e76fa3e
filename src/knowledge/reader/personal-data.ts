import type { Block } from "./blocks.js";

/** What replaces a phone number or an e-mail address printed in a document. */
export const MASK = "[coordonnées masquées]";

const EMAIL = /[\p{L}0-9._%+-]+@[\p{L}0-9-]+(?:\.[\p{L}0-9-]+)*\.[\p{L}]{2,}/gu;
// French numbers (01 23 45 67 89, 01.23.45.67.89, +33 1 23 45 67 89, 0800 123 456) and other
// international ones (+44 20 7946 0958): a leading + or 0 and 9 to 13 digits in small groups.
const PHONE = /(?<![\w/.-])(?:\+\d{1,3}[\s.-]?(?:\(0\)\s?)?|0)\d(?:[\s.-]?\d){7,11}(?![\w/-])/g;

export interface MaskCounts {
  phones: number;
  emails: number;
}

export function maskText(text: string, counts: MaskCounts): string {
  return text
    .replace(EMAIL, () => {
      counts.emails++;
      return MASK;
    })
    .replace(PHONE, (m) => {
      // Dates and years (2023-2025, 01.10.2023) are not phone numbers.
      if (/^\d{2}[./-]\d{2}[./-]\d{4}$/.test(m) || /^\d{4}\s?-\s?\d{4}$/.test(m)) return m;
      counts.phones++;
      return MASK;
    });
}

/** Masks every block in place; returns how many numbers and addresses were masked. */
export function maskBlocks(blocks: Block[]): MaskCounts {
  const counts: MaskCounts = { phones: 0, emails: 0 };
  for (const b of blocks) {
    if (b.kind === "row") b.cells = b.cells.map((c) => maskText(c, counts));
    else b.text = maskText(b.text, counts);
  }
  return counts;
}
