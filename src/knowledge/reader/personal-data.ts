import type { Block } from "./blocks.js";

/** What replaces a phone number or an e-mail address printed in a document. */
export const MASK = "[coordonnées masquées]";

const EMAIL = /[\p{L}0-9._%+-]+@[\p{L}0-9-]+(?:\.[\p{L}0-9-]+)*\.[\p{L}]{2,}/gu;
// French numbers (01 23 45 67 89, 01.23.45.67.89, +33 1 23 45 67 89, 0800 123 456) and other
// international ones (+44 20 7946 0958): a leading + or 0 and 9 to 13 digits in small groups.
const PHONE = /(?<![\w/.-])(?:\+\d{1,3}[\s.-]?(?:\(0\)\s?)?|0)\d(?:[\s.-]?\d){7,11}(?![\w/-])/g;

/** Distinct phone numbers and e-mail addresses masked (a footer repeated on every page counts once). */
export interface MaskCounts {
  phones: number;
  emails: number;
}

export class Masker {
  private readonly phones = new Set<string>();
  private readonly emails = new Set<string>();

  mask(text: string): string {
    return text
      .replace(EMAIL, (m) => {
        this.emails.add(m.toLowerCase());
        return MASK;
      })
      .replace(PHONE, (m) => {
        // Dates and years (2023-2025, 01.10.2023) are not phone numbers.
        if (/^\d{2}[./-]\d{2}[./-]\d{4}$/.test(m) || /^\d{4}\s?-\s?\d{4}$/.test(m)) return m;
        this.phones.add(m.replace(/\D/g, "").replace(/^33/, "0"));
        return MASK;
      });
  }

  get counts(): MaskCounts {
    return { phones: this.phones.size, emails: this.emails.size };
  }
}

/** Masks every block in place. */
export function maskBlocks(blocks: Block[], masker: Masker): void {
  for (const b of blocks) {
    if (b.kind === "row") b.cells = b.cells.map((c) => masker.mask(c));
    else b.text = masker.mask(b.text);
  }
}
