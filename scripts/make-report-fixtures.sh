#!/usr/bin/env bash
# Makes the report checker's real-tool fixtures in test/fixtures/reports/ with the tools candidates
# use: pandoc (DOCX), LibreOffice Writer (DOCX and PDF, headless), pdfLaTeX (two-column article),
# Chromium (print to PDF), a scan (pages rendered to images, re-assembled), and a Google-Docs-like
# DOCX. The outputs are committed, so CI needs none of these tools; re-run this after changing
# the sources. Needs (Debian): pandoc libreoffice-writer-nogui texlive-latex-base
# texlive-latex-recommended texlive-lang-french lmodern chromium poppler-utils python3.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/test/fixtures/reports"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
python3 "$ROOT/scripts/report-fixture-sources.py" "$WORK"
cd "$WORK"

# pandoc: numbered headings ("1<tab>Introduction", written <w:tab />), its template's stale <Pages>1</Pages>, a TOC field.
pandoc pandoc-fr.md -o "$OUT/pandoc-fr.docx" --number-sections --toc
pandoc pandoc-own-words.md -o "$OUT/pandoc-own-words.docx"
pandoc pandoc-en.md -o "$OUT/pandoc-en.docx" --number-sections
pandoc e3.md -o "$OUT/pandoc-e3.docx"
# pandoc → LaTeX → PDF (its default template: hyperref bookmarks, lmodern).
pandoc pandoc-en.md -o "$OUT/pandoc-latex-en.pdf" --number-sections

# LibreOffice, headless: DOCX without any page count, PDF with bookmarks; the school template's own
# heading styles (outline level only) to DOCX.
export HOME="$WORK/home"
soffice --headless --convert-to docx:"MS Word 2007 XML" --outdir "$WORK/lo" libreoffice.html >/dev/null
soffice --headless --convert-to pdf:writer_pdf_Export --outdir "$WORK/lo" libreoffice.html >/dev/null
soffice --headless --convert-to docx:"MS Word 2007 XML" --outdir "$WORK/lo" school.fodt >/dev/null
soffice --headless --convert-to pdf:writer_pdf_Export --outdir "$WORK/lo" school.fodt >/dev/null
cp lo/libreoffice.docx "$OUT/libreoffice-missing.docx"
cp lo/libreoffice.pdf "$OUT/libreoffice-missing.pdf"
cp lo/school.docx "$OUT/school-template.docx"
cp lo/school.pdf "$WORK/school.pdf"

# pdfLaTeX: two columns, running headers, long titles that wrap; no hyperref, so no bookmarks.
pdflatex -interaction=batchmode latex-2col.tex >/dev/null
pdflatex -interaction=batchmode latex-2col.tex >/dev/null
cp latex-2col.pdf "$OUT/latex-2col.pdf"
# pdfLaTeX report class: a table of contents without leader dots, "Chapitre 1" above each title.
pdflatex -interaction=batchmode latex-report.tex >/dev/null
pdflatex -interaction=batchmode latex-report.tex >/dev/null
cp latex-report.pdf "$OUT/latex-report.pdf"

# Chromium print-to-PDF with its default header and footer (date, title, URL, page x/y).
chromium --headless --no-sandbox --disable-gpu --print-to-pdf="$OUT/chromium-e3.pdf" "file://$WORK/chromium.html" 2>/dev/null
chromium --headless --no-sandbox --disable-gpu --print-to-pdf="$OUT/chromium-columns-e3.pdf" "file://$WORK/chromium-columns.html" 2>/dev/null

# A scan: the E3 report rendered to grey images at 40 dpi, re-assembled into an image-only PDF.
pandoc e3.md -o e3.html --standalone --metadata title="Rapport de veille"
chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer --print-to-pdf="$WORK/e3.pdf" "file://$WORK/e3.html" 2>/dev/null
pdftoppm -r 40 -gray -png e3.pdf scan
node "$ROOT/scripts/report-fixture-scan.mjs" "$OUT/scan-e3.pdf" scan-*.png

# Google-Docs-like DOCX (see the script's docstring).
python3 "$ROOT/scripts/report-fixture-gdocs.py" "$OUT/gdocs-like.docx"

# Reference page counts of the DOCX fixtures, as LibreOffice lays them out (for the tests' expectations).
for f in "$OUT"/*.docx; do
  soffice --headless --convert-to pdf --outdir "$WORK/ref" "$f" >/dev/null
  n=$(pdfinfo "$WORK/ref/$(basename "${f%.docx}").pdf" | awk '/^Pages:/{print $2}')
  echo "$(basename "$f") $n"
done | sort > "$OUT/docx-pages-libreoffice.txt"
ls -l "$OUT"
