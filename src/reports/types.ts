/** What a parser extracts from a report; the rules are applied to this, never to the raw file. */
export interface ExtractedHeading {
  text: string;
  /** 1-based page where the heading sits; null when the format cannot tell (DOCX without rendered breaks). */
  page: number | null;
}

export interface ExtractedReport {
  format: "pdf" | "docx";
  pages: number | null;
  pagesApproximate: boolean;
  headings: ExtractedHeading[];
  /** Where the headings came from, for the log and the hints. */
  headingSource: "outline" | "layout" | "numbered" | "styles" | "bold" | "none";
  textExtracted: boolean;
  hints: string[];
}

export interface ReportLimits {
  maxBytes: number;
  maxUncompressedBytes: number;
  timeoutMs: number;
}
