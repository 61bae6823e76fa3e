/**
 * Every error a user can meet, in one place: what they are told (French and
 * English), and the exit code the CLI uses. Details (paths, causes) go to the
 * log only: they may hold things users must not see.
 */

type Lang = "fr" | "en";

const CATALOG = {
  USAGE: {
    exit: 2,
    fr: "Commande invalide.",
    en: "Invalid command.",
  },
  CONFIG_INVALID: {
    exit: 2,
    fr: "La configuration est invalide.",
    en: "The configuration is invalid.",
  },
  KNOWLEDGE_MISSING: {
    exit: 1,
    fr: "Les fichiers de connaissances sont introuvables.",
    en: "The knowledge files cannot be found.",
  },
  KNOWLEDGE_INVALID: {
    exit: 1,
    fr: "Un fichier de connaissances est invalide.",
    en: "A knowledge file is invalid.",
  },
  UNKNOWN_REFERENTIAL: {
    exit: 2,
    fr: "Référentiel inconnu.",
    en: "Unknown referential.",
  },
  INDEX_UNAVAILABLE: {
    exit: 1,
    fr: "L'index des référentiels n'a pas pu être construit.",
    en: "The referential index could not be built.",
  },
  LLM_UNAVAILABLE: {
    exit: 1,
    fr: "Le modèle de langage ne répond pas ; réponse extractive utilisée.",
    en: "The language model is not answering; extractive answer used.",
  },
  DB_UNAVAILABLE: {
    exit: 1,
    fr: "La base de données est injoignable.",
    en: "The database cannot be reached.",
  },
  UNKNOWN_DELIVERABLE: {
    exit: 2,
    fr: "Livrable inconnu.",
    en: "Unknown deliverable.",
  },
  UNKNOWN_EPREUVE: {
    exit: 2,
    fr: "Épreuve inconnue ou introuvable dans le rapport.",
    en: "Unknown épreuve, or none named in the report.",
  },
  REPORT_NOT_FOUND: {
    exit: 2,
    fr: "Le fichier du rapport est introuvable.",
    en: "The report file cannot be found.",
  },
  REPORT_UNSUPPORTED: {
    exit: 2,
    fr: "Ce fichier n'est ni un PDF ni un document Word (.docx).",
    en: "This file is neither a PDF nor a Word document (.docx).",
  },
  REPORT_TOO_LARGE: {
    exit: 2,
    fr: "Le fichier est trop volumineux.",
    en: "The file is too large.",
  },
  REPORT_CORRUPT: {
    exit: 2,
    fr: "Le fichier est endommagé ou incomplet et ne peut pas être lu.",
    en: "The file is damaged or incomplete and cannot be read.",
  },
  REPORT_ENCRYPTED: {
    exit: 2,
    fr: "Le PDF est protégé par un mot de passe : envoyez une version sans protection.",
    en: "The PDF is password-protected: send an unprotected version.",
  },
  REPORT_TOO_COMPLEX: {
    exit: 2,
    fr: "Le document est trop lourd à analyser (contenu décompressé trop volumineux).",
    en: "The document is too heavy to analyse (uncompressed content too large).",
  },
  REPORT_TIMEOUT: {
    exit: 2,
    fr: "L'analyse du document a pris trop de temps et a été interrompue.",
    en: "Analysing the document took too long and was stopped.",
  },
  SESSION_UNKNOWN: {
    exit: 2,
    fr: "Session inconnue.",
    en: "Unknown session.",
  },
  SESSION_INVALID: {
    exit: 2,
    fr: "Demande invalide pour cette session.",
    en: "Invalid request for this session.",
  },
  NOT_ALLOWED: {
    exit: 2,
    fr: "Vous n'avez pas les droits pour cette action.",
    en: "You are not allowed to do this.",
  },
  ROSTER_INVALID: {
    exit: 2,
    fr: "La liste des candidats est invalide ; rien n'a été importé.",
    en: "The roster is invalid; nothing was imported.",
  },
  VEILLE_INVALID: {
    exit: 2,
    fr: "Veille invalide : rien n'a été enregistré.",
    en: "Invalid watch entry or setting: nothing was saved.",
  },
  VEILLE_SOURCE_INVALID: {
    exit: 2,
    fr: "Source de veille invalide.",
    en: "Invalid watch source.",
  },
  KNOWLEDGE_UNREADABLE: {
    exit: 2,
    fr: "Ce document ne peut pas être indexé :",
    en: "This document cannot be indexed:",
  },
  KNOWLEDGE_EXISTS: {
    exit: 2,
    fr: "Un document porte déjà cet identifiant (ajoutez --replace pour le remplacer).",
    en: "A document already has this id (add --replace to replace it).",
  },
  KNOWLEDGE_UNKNOWN: {
    exit: 2,
    fr: "Document inconnu.",
    en: "Unknown document.",
  },
  INTERNAL: {
    exit: 1,
    fr: "Une erreur interne s'est produite.",
    en: "An internal error occurred.",
  },
} as const satisfies Record<string, { exit: number; fr: string; en: string }>;

export type ErrorCode = keyof typeof CATALOG;

export class CertibotError extends Error {
  readonly code: ErrorCode;
  /** Extra words for the user (safe to show: no secrets, no report content). */
  readonly hint: string | undefined;
  /** Only for the log. */
  readonly detail: string | undefined;

  constructor(code: ErrorCode, opts: { hint?: string; detail?: string; cause?: unknown } = {}) {
    super(`${code}${opts.detail ? `: ${opts.detail}` : ""}`, { cause: opts.cause });
    this.name = "CertibotError";
    this.code = code;
    this.hint = opts.hint;
    this.detail = opts.detail;
  }

  userMessage(lang: Lang = "fr"): string {
    const base = CATALOG[this.code][lang];
    return this.hint ? `${base} ${this.hint}` : base;
  }

  get exitCode(): number {
    return CATALOG[this.code].exit;
  }
}

export function isCertibotError(e: unknown): e is CertibotError {
  return e instanceof CertibotError;
}

/** Wraps anything thrown into a CertibotError without losing the cause. */
export function toCertibotError(e: unknown): CertibotError {
  return isCertibotError(e) ? e : new CertibotError("INTERNAL", { detail: String(e), cause: e });
}
