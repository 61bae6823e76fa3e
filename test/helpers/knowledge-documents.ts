import {
  AlignmentType,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
} from "docx";
import { PDFDocument, type PDFFont, type PDFPage, StandardFonts } from "pdf-lib";
import type { KnowledgeDocument } from "../../src/knowledge/documents.js";
import { sniffFormat } from "../../src/knowledge/reader/read-document.js";

/**
 * A 10-page referential of another titre, built as a real PDF: headings set
 * larger and bold, a two-column grid per bloc (competency | criteria) whose
 * cells wrap over several lines, running header and footer with a phone
 * number and an e-mail address on every page, a contact page.
 */
export const GUIDE = {
  title: "Référentiel de compétences — Concepteur développeur d'applications",
  rncp: "RNCP37873",
  phone: "04 72 10 20 30",
  email: "certification@campus-numerique.fr",
  contactPhone: "06 12 34 56 78",
  blocs: [
    {
      title: "Bloc 1 — Développer une application sécurisée",
      competencies: [
        {
          code: "CP1",
          text: "Installer et configurer son environnement de travail en fonction du projet",
          criteria: [
            "L'environnement de développement est installé et configuré conformément aux besoins du projet",
            "Les outils de gestion de versions sont opérationnels",
            "La documentation technique de l'environnement est rédigée en anglais ou en français",
          ],
        },
        {
          code: "CP2",
          text: "Développer des interfaces utilisateur accessibles et sécurisées",
          criteria: [
            "Les interfaces respectent la maquette et les recommandations d'accessibilité RGAA",
            "Les saisies de l'utilisateur sont contrôlées côté client et côté serveur",
            "Les tests unitaires des composants d'interface sont écrits et passent",
          ],
        },
        {
          code: "CP3",
          text: "Développer des composants métier en respectant les principes de sécurité",
          criteria: [
            "Le code source est versionné, commenté et respecte les conventions de nommage",
            "Les vulnérabilités de l'OWASP sont prises en compte dans le code",
          ],
        },
        {
          code: "CP4",
          text: "Contribuer à la gestion d'un projet informatique",
          criteria: [
            "Le planning est suivi avec un outil de gestion de projet agile",
            "Les rituels de l'équipe (mêlée quotidienne, rétrospective) sont animés",
          ],
        },
      ],
    },
    {
      title: "Bloc 2 — Concevoir et développer une application organisée en couches",
      competencies: [
        {
          code: "CP5",
          text: "Analyser les besoins et maquetter une application",
          criteria: [
            "Les besoins des utilisateurs sont recueillis et formalisés en récits utilisateur",
            "Les maquettes couvrent les parcours principaux et sont validées par le client",
          ],
        },
        {
          code: "CP6",
          text: "Définir l'architecture logicielle d'une application",
          criteria: [
            "L'architecture en couches est justifiée au regard des besoins de sécurité",
            "Les diagrammes UML de conception sont cohérents avec le code",
          ],
        },
        {
          code: "CP7",
          text: "Concevoir et mettre en place une base de données relationnelle",
          criteria: [
            "Le modèle conceptuel de données respecte les règles de gestion",
            "Le script de création de la base est reproductible et les sauvegardes sont planifiées",
          ],
        },
        {
          code: "CP8",
          text: "Développer des composants d'accès aux données SQL et NoSQL",
          criteria: [
            "Les requêtes préparées protègent contre les injections SQL",
            "Les composants d'accès aux données sont couverts par des tests d'intégration",
          ],
        },
      ],
    },
    {
      title: "Bloc 3 — Préparer le déploiement d'une application sécurisée",
      competencies: [
        {
          code: "CP9",
          text: "Préparer et exécuter les plans de tests d'une application",
          criteria: [
            "Le plan de tests couvre les fonctionnalités et les exigences de sécurité",
            "Les anomalies détectées sont tracées et corrigées",
          ],
        },
        {
          code: "CP10",
          text: "Préparer et documenter le déploiement d'une application",
          criteria: [
            "La procédure de déploiement est documentée pas à pas",
            "Le déploiement est reproductible dans un environnement de recette",
          ],
        },
        {
          code: "CP11",
          text: "Contribuer à la mise en production dans une démarche DevOps",
          criteria: [
            "La chaîne d'intégration continue compile, teste et livre l'application",
            "Les indicateurs de supervision de la production sont définis",
          ],
        },
      ],
    },
  ],
  sections: [
    {
      heading: "Modalités d'évaluation",
      paragraphs: [
        "Le candidat présente un dossier de projet de 40 à 60 pages, hors annexes, remis au jury au moins une semaine avant la session.",
        "La mise en situation professionnelle dure 1 h 20 min : présentation du projet pendant 35 minutes, puis entretien technique de 45 minutes avec le jury.",
        "Un questionnaire professionnel en anglais de 30 minutes vérifie la compréhension d'une documentation technique.",
      ],
    },
    {
      heading: "Composition du jury",
      paragraphs: [
        "Le jury est composé de deux professionnels du métier, habilités par le ministère, qui n'ont pas formé le candidat.",
        "Le titre est obtenu quand les trois blocs de compétences sont validés ; un bloc validé reste acquis pendant cinq ans.",
      ],
    },
    {
      heading: "Rattrapage et recours",
      paragraphs: [
        "Un candidat qui n'a pas validé un bloc peut se représenter à une session de rattrapage dans un délai de douze mois.",
        "Les recours sont adressés par écrit au certificateur dans les deux mois qui suivent la délibération du jury.",
      ],
    },
  ],
};

interface Cursor {
  page: PDFPage;
  y: number;
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const w of text.split(" ")) {
    const next = line ? `${line} ${w}` : w;
    if (font.widthOfTextAtSize(next, size) > width && line) {
      out.push(line);
      line = w;
    } else line = next;
  }
  if (line) out.push(line);
  return out;
}

/** Standard PDF fonts only know WinAnsi: typographic apostrophes and dashes are kept, others mapped. */
const ansi = (s: string) => s.replace(/[≤]/g, "<=").replace(/\u202f/g, " ");

export async function buildGuidePdf(opts: { pages?: number } = {}): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(GUIDE.title);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const W = 595;
  const H = 842;
  const M = 56;
  const pages: PDFPage[] = [];
  const newPage = (): Cursor => {
    const page = pdf.addPage([W, H]);
    pages.push(page);
    return { page, y: H - 90 };
  };
  const text = (c: Cursor, s: string, x: number, size: number, font: PDFFont) =>
    c.page.drawText(ansi(s), { x, y: c.y, size, font });
  const paragraph = (c: Cursor, s: string) => {
    for (const l of wrap(ansi(s), regular, 10.5, W - 2 * M)) {
      text(c, l, M, 10.5, regular);
      c.y -= 14;
    }
    c.y -= 8;
  };
  const heading = (c: Cursor, s: string, size = 15) => {
    c.y -= 6;
    text(c, s, M, size, bold);
    c.y -= size + 10;
  };

  // Page 1: title and presentation.
  let c = newPage();
  heading(c, "Concepteur développeur d'applications", 20);
  text(c, `Titre professionnel de niveau 6 — ${GUIDE.rncp}`, M, 12, regular);
  c.y -= 30;
  heading(c, "Présentation du titre");
  paragraph(
    c,
    "Le concepteur développeur d'applications conçoit et développe des applications sécurisées : logiciels d'entreprise, applications mobiles et sites web. Il respecte la réglementation, applique les procédures qualité et contribue à la réussite du projet.",
  );
  paragraph(
    c,
    "Le titre comporte trois blocs de compétences. Chaque bloc est évalué par une mise en situation professionnelle devant un jury.",
  );
  heading(c, "Accès à la certification");
  paragraph(
    c,
    "La certification est ouverte aux candidats issus d'un parcours de formation, de l'alternance ou de la validation des acquis de l'expérience (VAE).",
  );

  // One or two pages per bloc: the grid, competency | criteria, cells wrapping.
  const leftX = M;
  const rightX = M + 215;
  const leftW = 195;
  const rightW = W - M - rightX;
  for (const bloc of GUIDE.blocs) {
    c = newPage();
    heading(c, bloc.title);
    text(c, "Compétences professionnelles", leftX, 10.5, bold);
    text(c, "Critères d'évaluation", rightX, 10.5, bold);
    c.y -= 24;
    for (const [i, comp] of bloc.competencies.entries()) {
      if (i === 2 && bloc.competencies.length > 3) c = newPage(); // the grid continues on the next page
      const left = wrap(ansi(`${comp.code} ${comp.text}`), regular, 10.5, leftW);
      const right = comp.criteria.flatMap((cr) =>
        wrap(ansi(`• ${cr}`), regular, 10.5, rightW).map((l, j) => (j ? `   ${l}` : l)),
      );
      const rows = Math.max(left.length, right.length);
      for (let r = 0; r < rows; r++) {
        if (left[r]) text(c, left[r]!, leftX, 10.5, regular);
        if (right[r]) text(c, right[r]!, rightX, 10.5, regular);
        c.y -= 14;
      }
      c.y -= 22;
    }
  }

  for (const s of GUIDE.sections) {
    c = newPage();
    heading(c, s.heading);
    for (const p of s.paragraphs) paragraph(c, p);
  }
  c = newPage();
  heading(c, "Contacts");
  paragraph(
    c,
    `Pour toute question sur votre inscription, écrivez au service certification ou appelez le ${GUIDE.contactPhone} du lundi au vendredi.`,
  );
  while (pages.length < (opts.pages ?? 10)) {
    c = newPage();
    heading(c, `Annexe ${pages.length - 9} — Glossaire`);
    paragraph(
      c,
      "Récit utilisateur : description courte d'un besoin exprimé du point de vue de l'utilisateur.",
    );
  }
  // Running header and footer on every page.
  pages.forEach((p, i) => {
    p.drawText(ansi("Campus Numérique — Référentiel CDA 2024"), { x: M, y: H - 40, size: 8, font: regular });
    p.drawText(ansi(`Campus Numérique · ${GUIDE.phone} · ${GUIDE.email} · page ${i + 1}/${pages.length}`), {
      x: M,
      y: 30,
      size: 8,
      font: regular,
    });
  });
  return pdf.save();
}

/** The same kind of document as a real .docx: heading styles, a two-column table, a contact e-mail. */
export async function buildGuideDocx(): Promise<Uint8Array> {
  const cell = (lines: string[]) =>
    new TableCell({ children: lines.map((l) => new Paragraph({ children: [new TextRun(l)] })) });
  const doc = new Document({
    sections: [
      {
        children: [
          new Paragraph({ text: "Guide du candidat — Data engineer", heading: HeadingLevel.TITLE }),
          new Paragraph({ text: "Présentation de l'épreuve", heading: HeadingLevel.HEADING_1 }),
          new Paragraph({
            children: [
              new TextRun(
                "L'épreuve finale consiste en la soutenance d'un projet de pipeline de données, d'une durée de 50 minutes.",
              ),
            ],
          }),
          new Paragraph({
            text: "Bloc 1 — Concevoir une architecture de données",
            heading: HeadingLevel.HEADING_1,
          }),
          new Table({
            rows: [
              new TableRow({ children: [cell(["Compétence"]), cell(["Critères d'évaluation"])] }),
              new TableRow({
                children: [
                  cell(["C1.1 Modéliser un entrepôt de données adapté aux besoins d'analyse"]),
                  cell([
                    "Le schéma en étoile est justifié par les axes d'analyse",
                    "Les volumes et la fraîcheur des données sont estimés",
                  ]),
                ],
              }),
              new TableRow({
                children: [
                  cell(["C1.2 Orchestrer des traitements de données par lots et en flux"]),
                  cell(["Les traitements sont orchestrés avec un ordonnanceur et supervisés"]),
                ],
              }),
            ],
          }),
          new Paragraph({ text: "Contacts", heading: HeadingLevel.HEADING_1 }),
          new Paragraph({
            alignment: AlignmentType.LEFT,
            children: [new TextRun("Référente handicap : referente.handicap@ecole-data.fr, 01 45 67 89 10.")],
          }),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}

/** A document as `knowledge add` stores it (generic reader), for the reader's tests. */
export function addedDocument(bytes: Uint8Array, file: string, id = "t"): KnowledgeDocument {
  return {
    ref: { id, title: id, file, parser: "generic", codeFamilies: [], aliases: [], qualifiers: [] },
    format: sniffFormat(bytes, file),
    hash: "h",
    shipped: false,
    addedBy: null,
    addedAt: null,
    summary: null,
    bytes: async () => bytes,
  };
}
