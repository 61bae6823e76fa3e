#!/usr/bin/env python3
"""Writes the sources of the report fixtures (Markdown, HTML, flat ODT, LaTeX) into a directory.

Run by scripts/make-report-fixtures.sh, which feeds them to pandoc, LibreOffice, pdfLaTeX and
Chromium, the tools candidates use. Text is generated deterministically (no randomness), so the
same tool versions give the same fixtures.
"""
import html
import sys
from pathlib import Path

OUT = Path(sys.argv[1])
OUT.mkdir(parents=True, exist_ok=True)

WORDS_FR = (
    "le projet vise à automatiser la classification des demandes clients grâce à un modèle de langage "
    "entraîné sur les données historiques de l'entreprise ; l'équipe a mis en place une chaîne de "
    "traitement reproductible, des tests automatisés et un suivi des performances du modèle en production "
    "afin de garantir la qualité du service rendu aux utilisateurs métier"
).split()
WORDS_EN = (
    "the project automates the triage of customer requests with a language model trained on the "
    "company's historical tickets; the team built a reproducible pipeline, automated tests and "
    "monitoring of the model in production so that business users get a reliable service"
).split()


def paragraph(words, seed, n=90):
    out = [words[(seed * 7 + i * 3) % len(words)] for i in range(n)]
    s = " ".join(out)
    return s[0].upper() + s[1:] + "."


def body(words, seed, paragraphs):
    return [paragraph(words, seed * 31 + k) for k in range(paragraphs)]


# (level, title) of each report; the paragraphs per section set the length.
CHEF_FR = [
    (1, "Introduction"),
    (1, "Compréhension du besoin client"),
    (2, "État de l'art"),
    (2, "Éléments de conception technique"),
    (2, "Choix techniques"),
    (2, "Réponse finale apportée"),
    (1, "Organisation technique et environnement de développement"),
    (2, "Gestion de projet"),
    (2, "Retours d'expérience"),
    (1, "Bilan du projet et améliorations envisageables"),
    (1, "Conclusion"),
]
# The candidate's own words (the "wording" case): singular, existing solutions, delivered
# solution, tooling, personal takeaway, and one heading naming two sections.
CHEF_OWN_WORDS = [
    (1, "Introduction"),
    (1, "Analyse des besoins des utilisateurs"),
    (2, "Existant et solutions du marché"),
    (2, "Conception et choix techniques"),
    (2, "La solution livrée"),
    (1, "Outillage et organisation technique"),
    (2, "Pilotage du projet"),
    (2, "Retour d'expérience"),
    (1, "Bilan et perspectives d'amélioration"),
    (1, "Ce que je retiens"),
]
CHEF_EN = [
    (1, "Introduction"),
    (1, "Understanding the client's needs"),
    (2, "State of the art"),
    (2, "Technical design"),
    (2, "Technical choices"),
    (2, "Final solution delivered"),
    (1, "Development environment and technical organisation"),
    (2, "Project management"),
    (2, "Lessons learned"),
    (1, "Project review and possible improvements"),
    (1, "Conclusion"),
]
# Misses "État de l'art" and "Gestion de projet": the checker must say so, with the closest heading.
CHEF_MISSING = [h for h in CHEF_FR if h[1] not in ("État de l'art", "Gestion de projet")]
E3 = [(1, "Présentation des documents"), (1, "Synthèse")]


def markdown(title, headings, words, paras):
    lines = [f"---\ntitle: \"{title}\"\nlang: fr-FR\n---\n"]
    for i, (level, text) in enumerate(headings):
        lines.append("#" * level + " " + text + "\n")
        lines.extend(p + "\n" for p in body(words, i, paras))
    return "\n".join(lines)


def html_doc(title, headings, words, paras):
    parts = [f"<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>",
             "<style>body{font-family:'DejaVu Serif',serif;font-size:11pt;margin:0} h1{font-size:20pt} h2{font-size:15pt}</style>",
             "</head><body>", f"<p><b>{html.escape(title)}</b></p>"]
    for i, (level, text) in enumerate(headings):
        parts.append(f"<h{level}>{html.escape(text)}</h{level}>")
        parts.extend(f"<p>{html.escape(p)}</p>" for p in body(words, i, paras))
    parts.append("</body></html>")
    return "\n".join(parts)


def fodt(title, headings, words, paras):
    """A flat ODT whose headings use a school's own styles, made headings by their outline level only."""
    def esc(s):
        return html.escape(s, quote=True)
    items = [f'<text:p text:style-name="Ecole_Couverture">{esc(title)}</text:p>']
    for i, (level, text) in enumerate(headings):
        style = "Ecole_Titre_Partie" if level == 1 else "Ecole_Titre_Section"
        items.append(f'<text:h text:style-name="{style}" text:outline-level="{level}">{esc(text)}</text:h>')
        items.extend(f'<text:p text:style-name="Ecole_Corps">{esc(p)}</text:p>' for p in body(words, i, paras))
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:meta><dc:title>{esc(title)}</dc:title></office:meta>
 <office:styles>
  <style:style style:name="Ecole_Corps" style:display-name="École Corps" style:family="paragraph">
   <style:paragraph-properties fo:margin-bottom="0.2cm" fo:text-align="justify"/>
   <style:text-properties fo:font-size="11pt" style:font-name="DejaVu Serif"/>
  </style:style>
  <style:style style:name="Ecole_Couverture" style:display-name="École Couverture" style:family="paragraph">
   <style:text-properties fo:font-size="24pt"/>
  </style:style>
  <style:style style:name="Ecole_Titre_Partie" style:display-name="École Titre Partie" style:family="paragraph" style:default-outline-level="1">
   <style:paragraph-properties fo:margin-top="0.6cm" fo:margin-bottom="0.3cm"/>
   <style:text-properties fo:font-size="16pt" fo:color="#1f3864"/>
  </style:style>
  <style:style style:name="Ecole_Titre_Section" style:display-name="École Titre Section" style:family="paragraph" style:parent-style-name="Ecole_Titre_Partie" style:default-outline-level="2">
   <style:text-properties fo:font-size="13pt"/>
  </style:style>
 </office:styles>
 <office:body><office:text>
{chr(10).join(items)}
 </office:text></office:body>
</office:document>
'''


def latex(title, headings, words, paras, lang="french"):
    esc = lambda s: s.replace("'", "'")
    out = [r"\documentclass[10pt,twocolumn]{article}", r"\usepackage[T1]{fontenc}", r"\usepackage[utf8]{inputenc}",
           rf"\usepackage[{lang}]{{babel}}", r"\usepackage{fancyhdr}", r"\pagestyle{fancy}",
           r"\fancyhead[L]{Rapport de projet -- Promotion 2025}", r"\fancyhead[R]{Candidat 42}", r"\fancyfoot[C]{\thepage}",
           rf"\title{{{title}}}", r"\author{Candidat}", r"\date{}", r"\begin{document}", r"\maketitle"]
    for i, (level, text) in enumerate(headings):
        out.append((r"\section{" if level == 1 else r"\subsection{") + esc(text) + "}")
        out.extend(body(words, i, paras))
        out.append("")
    out.append(r"\end{document}")
    return "\n\n".join(out)


(OUT / "pandoc-fr.md").write_text(markdown("Rapport de projet chef-d'œuvre", CHEF_FR, WORDS_FR, 11))
(OUT / "pandoc-own-words.md").write_text(markdown("Rapport de projet", CHEF_OWN_WORDS, WORDS_FR, 12))
(OUT / "pandoc-en.md").write_text(markdown("Capstone project report", CHEF_EN, WORDS_EN, 11))
(OUT / "e3.md").write_text(markdown("Rapport de veille", E3, WORDS_FR, 5))
(OUT / "chromium.html").write_text(html_doc("Rapport de veille", E3, WORDS_FR, 5))
(OUT / "libreoffice.html").write_text(html_doc("Rapport de projet", CHEF_MISSING, WORDS_FR, 16))
(OUT / "school.fodt").write_text(fodt("Rapport de projet — modèle de l'école", CHEF_FR, WORDS_FR, 14))
# Long titles wrap in a column; a hyphenated one is split by LaTeX.
LATEX = [(l, t) for l, t in CHEF_FR]
LATEX[6] = (1, "Organisation technique et environnement de développement tout au long de la production")
(OUT / "latex-2col.tex").write_text(latex("Rapport de projet chef-d'œuvre", LATEX, WORDS_FR, 16))
# LaTeX report class: title page, a table of contents whose chapter lines have no leader dots,
# "Chapitre 1" above each chapter title.
REPORT = latex("Rapport de projet", CHEF_FR, WORDS_FR, 10)
REPORT = (REPORT.replace(r"\documentclass[10pt,twocolumn]{article}", r"\documentclass[12pt]{report}")
          .replace(r"\maketitle", r"\maketitle" + "\n" + r"\tableofcontents")
          .replace(r"\section{", r"\chapter{").replace(r"\subsection{", r"\section{"))
(OUT / "latex-report.tex").write_text(REPORT)
# CSS columns printed by Chromium, with a title wrapping on four lines of its column.
COLS = html_doc("Rapport de veille", [(1, "Présentation des documents et analyse de la pertinence des sources"), (1, "Synthèse")], WORDS_FR, 5)
(OUT / "chromium-columns.html").write_text(COLS.replace("<style>", "<style>body{column-count:2;column-gap:1.2em} "))
