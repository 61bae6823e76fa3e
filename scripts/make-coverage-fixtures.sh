#!/usr/bin/env bash
# Makes the competency-coverage development set (test/fixtures/report-coverage/) from its Markdown
# sources with the tools candidates use: pandoc (DOCX, ODT) and LibreOffice Writer, headless
# (DOCX and PDF with bookmarks). The outputs are committed, so CI needs neither tool; re-run
# this after changing a source. Labels live beside them in labels.json, written by hand.
# Needs (Debian): pandoc libreoffice-writer-nogui.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="$ROOT/test/fixtures/report-coverage"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export HOME="$WORK/home"
cd "$DIR/src"

# pandoc straight to DOCX (its template: Title style, Heading 1, no page count).
for f in e3-api-fraude e3-recommender-en e1-sante e1-retail-en e3-assurance-collegue e3-long-tri-dechets; do
  pandoc "$f.md" -o "$DIR/$f.docx"
done
# pandoc's DOCX printed by LibreOffice to PDF (bookmarks from the headings).
soffice --headless --convert-to pdf:writer_pdf_Export --outdir "$DIR" "$DIR/e3-api-fraude.docx" >/dev/null
# pandoc → ODT → LibreOffice: PDFs and a LibreOffice-saved DOCX.
for f in e3-chatbot-rh e3-vision-qualite e1-energie e1-transport-en e1-immobilier e3-chrono-meteo; do
  pandoc "$f.md" -o "$WORK/$f.odt"
done
for f in e3-chatbot-rh e3-vision-qualite e1-energie e1-transport-en e3-chrono-meteo; do
  soffice --headless --convert-to pdf:writer_pdf_Export --outdir "$DIR" "$WORK/$f.odt" >/dev/null
done
soffice --headless --convert-to docx:"MS Word 2007 XML" --outdir "$DIR" "$WORK/e1-immobilier.odt" >/dev/null
ls -l "$DIR"
