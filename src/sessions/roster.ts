import { parse } from "csv-parse/sync";
import { CertibotError } from "../errors.js";
import { fold, squash } from "../lib/text.js";
import { nameKey } from "./store.js";
import type { Role } from "./types.js";

export interface RosterRow {
  /** 1-based line in the file, for messages. */
  line: number;
  nom: string;
  prenom: string;
  email: string | null;
  role: Role;
}

const HEADER_ALIASES: Record<string, "nom" | "prenom" | "email" | "role"> = {
  nom: "nom",
  "nom de famille": "nom",
  prenom: "prenom",
  email: "email",
  "e-mail": "email",
  mail: "email",
  courriel: "email",
  "adresse e-mail": "email",
  "adresse email": "email",
  role: "role",
};

const ROLE_WORDS: Record<string, Role> = {
  apprenant: "candidate",
  apprenante: "candidate",
  candidat: "candidate",
  candidate: "candidate",
  formateur: "trainer",
  formatrice: "trainer",
  trainer: "trainer",
  responsable: "manager",
  "responsable de session": "manager",
  manager: "manager",
  jury: "jury",
  "membre du jury": "jury",
  "equipe projet": "project-team",
  "equipe-projet": "project-team",
  "project-team": "project-team",
};

export function parseRole(text: string): Role | null {
  return ROLE_WORDS[squash(fold(text))] ?? null;
}

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;
const MAX_ROWS = 500;

/** One CSV line's fields (csv-parse: quotes, doubled quotes, the given separator); null when a quote is left open. */
function splitLine(line: string, sep: string): string[] | null {
  try {
    const [fields] = parse(line, { delimiter: sep, trim: true, relax_quotes: true }) as string[][];
    return (fields ?? [""]).map((f) => squash(f));
  } catch {
    return null;
  }
}

/**
 * Reads a roster as French spreadsheets export it: UTF-8 (BOM or not),
 * comma- or semicolon-separated, header `nom,prenom[,email][,role]` in any
 * order and case. Every row is checked; any problem rejects the whole file
 * (ROSTER_INVALID, each problem with its line number), so a half file is
 * never imported.
 */
export function parseRoster(text: string): RosterRow[] {
  if (text.includes("\uFFFD"))
    throw new CertibotError("ROSTER_INVALID", {
      hint: "Le fichier n'est pas en UTF-8 : enregistrez-le en « CSV UTF-8 » depuis votre tableur.",
    });
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== "");
  if (headerIndex < 0) throw new CertibotError("ROSTER_INVALID", { hint: "Le fichier est vide." });
  const headerLine = lines[headerIndex]!;
  const sep = (headerLine.match(/;/g)?.length ?? 0) > (headerLine.match(/,/g)?.length ?? 0) ? ";" : ",";
  const header = (splitLine(headerLine, sep) ?? []).map((h) => HEADER_ALIASES[squash(fold(h))] ?? null);
  const col = (name: "nom" | "prenom" | "email" | "role") => header.indexOf(name);
  const unknown = (splitLine(headerLine, sep) ?? []).filter((_, i) => header[i] === null && _ !== "");
  if (col("nom") < 0 || col("prenom") < 0 || unknown.length)
    throw new CertibotError("ROSTER_INVALID", {
      hint: `Ligne ${headerIndex + 1} : l'en-tête doit être « nom,prenom[,email][,role] » (séparateur virgule ou point-virgule)${unknown.length ? ` ; colonne inconnue : ${unknown.join(", ")}` : ""}.`,
    });
  const problems: string[] = [];
  const rows: RosterRow[] = [];
  const seen = new Map<string, number>();
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === "" || /^[;,\s]*$/.test(raw)) continue;
    const line = i + 1;
    const fields = splitLine(raw, sep);
    if (!fields) {
      problems.push(`ligne ${line} : guillemet non fermé`);
      continue;
    }
    if (fields.length > header.length) {
      problems.push(`ligne ${line} : ${fields.length} colonnes au lieu de ${header.length}`);
      continue;
    }
    const get = (name: "nom" | "prenom" | "email" | "role") =>
      col(name) >= 0 ? (fields[col(name)] ?? "") : "";
    const nom = get("nom");
    const prenom = get("prenom");
    const email = get("email");
    const roleText = get("role");
    const missing = [!nom && "nom", !prenom && "prénom"].filter(Boolean);
    if (missing.length)
      problems.push(`ligne ${line} : ${missing.join(" et ")} manquant${missing.length > 1 ? "s" : ""}`);
    if (email && !EMAIL.test(email)) problems.push(`ligne ${line} : adresse e-mail invalide « ${email} »`);
    const role = roleText ? parseRole(roleText) : "candidate";
    if (!role)
      problems.push(
        `ligne ${line} : rôle inconnu « ${roleText} » (apprenant, formateur, responsable, jury, équipe projet)`,
      );
    if (!nom || !prenom || !role) continue;
    const key = `${role}:${nameKey(nom, prenom)}`;
    const first = seen.get(key);
    if (first) problems.push(`ligne ${line} : ${prenom} ${nom} figure déjà ligne ${first}`);
    else seen.set(key, line);
    rows.push({ line, nom, prenom, email: email || null, role });
  }
  if (rows.length > MAX_ROWS)
    problems.push(`${rows.length} lignes : au plus ${MAX_ROWS} personnes par session`);
  if (problems.length) {
    const shown = problems.slice(0, 15);
    const more = problems.length > shown.length ? ` … et ${problems.length - shown.length} autre(s)` : "";
    throw new CertibotError("ROSTER_INVALID", { hint: `${shown.join(" ; ")}${more}.` });
  }
  if (!rows.length) throw new CertibotError("ROSTER_INVALID", { hint: "Aucune personne après l'en-tête." });
  return rows;
}

const COLLATOR = new Intl.Collator("fr", { sensitivity: "base", ignorePunctuation: true });

/** A–Z by nom then prénom, accents and case ignored, as the PV's list is ordered. */
export function compareNames(a: { nom: string; prenom: string }, b: { nom: string; prenom: string }): number {
  return COLLATOR.compare(a.nom, b.nom) || COLLATOR.compare(a.prenom, b.prenom);
}

function initial(name: string): string {
  const letter = fold(name).match(/[a-z0-9]/);
  return letter ? letter[0]!.toUpperCase() : "X";
}

/**
 * The guide's internal id: « code agate de la promotion, suivi d'un tiret,
 * suivi des initiales du candidat (nom prénom), suivi d'un tiret, suivi de la
 * position du candidat dans la liste ordonnée de A à Z » — e.g. 3006-ND-08.
 */
export function withPvIds<T extends { nom: string; prenom: string }>(
  agate: string,
  candidates: readonly T[],
): Array<T & { pvId: string; position: number }> {
  return [...candidates].sort(compareNames).map((c, i) => ({
    ...c,
    position: i + 1,
    pvId: `${agate}-${initial(c.nom)}${initial(c.prenom)}-${String(i + 1).padStart(2, "0")}`,
  }));
}

export const AGATE = /^[A-Za-z0-9]{1,12}$/;
