#!/usr/bin/env python3
"""Writes a DOCX shaped like Google Docs' export (File > Download > .docx), with the standard library only.

What makes it "Google-Docs-like": no docProps/app.xml at all (no page count), heading styles
"Heading1".."Heading2" named "heading 1".., numbers that come from the list definitions (w:numPr)
and are never typed, a "Title" paragraph, direct run formatting everywhere, a table of contents
made of hyperlinks with tab leaders, and bold table header cells.
"""
import sys
import zipfile
from xml.sax.saxutils import escape

out = sys.argv[1]
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'

HEADINGS = [(0, "Introduction"), (0, "Compréhension du besoin client"), (1, "État de l’art"),
            (1, "Éléments de conception technique"), (1, "Choix techniques"), (1, "Réponse finale apportée"),
            (0, "Organisation technique et environnement de développement"), (1, "Gestion de projet"),
            (1, "Retours d’expérience"), (0, "Bilan du projet et améliorations envisageables"), (0, "Conclusion")]
TEXT = ("Le modèle est entraîné chaque semaine sur les nouvelles demandes ; les métriques de qualité sont suivies "
        "dans un tableau de bord partagé avec l’équipe métier, qui valide chaque nouvelle version avant sa mise en "
        "production. ")


def run(text, bold=False, size=22):
    b = "<w:b/><w:bCs/>" if bold else ""
    return (f'<w:r><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial"/>{b}<w:sz w:val="{size}"/></w:rPr>'
            f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r>')


def para(inner, style=None, num=None):
    ppr = ""
    if style or num is not None:
        ppr = "<w:pPr>" + (f'<w:pStyle w:val="{style}"/>' if style else "")
        if num is not None:
            ppr += f'<w:numPr><w:ilvl w:val="{num}"/><w:numId w:val="1"/></w:numPr>'
        ppr += "</w:pPr>"
    return f"<w:p>{ppr}{inner}</w:p>"


body = [para(run("Rapport de projet chef-d’œuvre", size=52), "Title"),
        para(run("Sommaire", bold=True, size=28))]
for i, (lvl, h) in enumerate(HEADINGS):
    body.append(para(f'<w:hyperlink w:anchor="h.{i}">{run(h)}<w:r><w:tab/></w:r>{run(str(3 + 2 * i))}</w:hyperlink>'))
body.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
for i, (lvl, h) in enumerate(HEADINGS):
    body.append(para(f'<w:bookmarkStart w:id="{i}" w:name="h.{i}"/>{run(h, size=32 if lvl == 0 else 26)}<w:bookmarkEnd w:id="{i}"/>',
                     f"Heading{lvl + 1}", lvl))
    for k in range(7):
        body.append(para(run(TEXT * 5)))
    if i == 4:
        cells = "".join(f'<w:tc><w:p>{run(c, bold=True)}</w:p></w:tc>' for c in ("Critère", "Choix", "Raison"))
        row = "".join(f'<w:tc><w:p>{run(c)}</w:p></w:tc>' for c in ("Langage", "Python", "Écosystème"))
        body.append(f"<w:tbl><w:tblPr/><w:tr>{cells}</w:tr><w:tr>{row}</w:tr></w:tbl>")
body.append('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="720" w:footer="720"/></w:sectPr>')
document = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{"".join(body)}</w:body></w:document>'

styles = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles {W}>
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial"/><w:sz w:val="22"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:line="276" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="400" w:after="120"/></w:pPr><w:rPr><w:sz w:val="40"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="360" w:after="120"/></w:pPr><w:rPr><w:sz w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:spacing w:after="60"/></w:pPr><w:rPr><w:sz w:val="52"/></w:rPr></w:style>
</w:styles>'''

numbering = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering {W}>
<w:abstractNum w:abstractNumId="1">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>
</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num></w:numbering>'''

content_types = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/></Types>'''
rels = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'''
doc_rels = '''<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>'''

with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for name, data in [("[Content_Types].xml", content_types), ("_rels/.rels", rels), ("word/_rels/document.xml.rels", doc_rels),
                       ("word/document.xml", document), ("word/styles.xml", styles), ("word/numbering.xml", numbering)]:
        info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)
