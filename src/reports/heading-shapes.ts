/** Line shapes shared by the PDF and DOCX readers. */

// "Figure 3 : Architecture", "Tableau 2 – …": a caption, however it is set, is not a section heading.
export const CAPTION =
  /^(?:figure|fig\.|tableau|table|illustration|image|sch[ée]ma|graphique|listing|capture)\s*(?:n°\s*)?[0-9IVX]+\b/i;

// "2.3 Gestion de projet", "Partie 2 : …": numbered like a heading even in the body font.
export const SUBSECTION =
  /^(?:[0-9]+\.[0-9]+(?:\.[0-9]+)*\.?\s+\p{Lu}|(?:[Pp]artie|PARTIE|[Cc]hapitre|CHAPITRE|[Pp]art|[Cc]hapter)\s+(?:[0-9]+|[IVX]+)\b)/u;
