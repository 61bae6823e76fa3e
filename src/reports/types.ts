/** What a parser extracts from a report; the rules are applied to this, never to the raw file. */
export interface ExtractedHeading {
  text: string;
  /** 1-based page where the heading sits; null when the format cannot tell (DOCX without rendered breaks). */
  page: number | null;
  /** Outline level (1 = top) when the format tells it. */
  level?: number;
}

/** One line (PDF) or paragraph (DOCX) of the report's text, in reading order, for competency coverage. */
export interface ReportBlock {
  text: string;
  page: number | null;
  /** A heading of the report (the same ones as `headings`). */
  heading: boolean;
}

export interface ExtractedReport {
  format: "pdf" | "docx";
  pages: number | null;
  pagesApproximate: boolean;
  /**
   * pdf: the PDF's own page count; app.xml: the count Word saved, checked against the content;
   * rendered: page breaks the word processor recorded at its last layout; estimate: breaks and word count.
   */
  pagesSource: "pdf" | "app.xml" | "rendered" | "estimate";
  headings: ExtractedHeading[];
  /** Where the headings came from, for the log and the hints. */
  headingSource: "outline" | "layout" | "numbered" | "styles" | "bold" | "none";
  textExtracted: boolean;
  hints: string[];
  /** The text in reading order; held in memory for the check only, never stored or logged. */
  body: ReportBlock[];
}

export interface ReportLimits {
  maxBytes: number;
  maxUncompressedBytes: number;
  timeoutMs: number;
}
