"""Official notices and decisions as PDFs, drawn with reportlab from a case's data.

reportlab's built-in CID font STSong-Light renders Chinese without shipping a font file (the
reader supplies the glyphs), which keeps the package small and works offline.
"""

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


@dataclass(frozen=True)
class DocumentText:
    title: str
    number: str
    addressee: str
    paragraphs: list[str]
    issuer: str
    issued_on: str


def _wrapped(text: str, width: float, size: int) -> list[str]:
    """Break Chinese text into lines by measured width (no spaces to break at)."""
    lines, line = [], ""
    for char in text:
        if pdfmetrics.stringWidth(line + char, FONT, size) > width:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line else lines


def render_pdf(document: DocumentText) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)  # invariant: same input, same bytes
    width, height = A4
    pdf.setTitle(document.title)
    pdf.setFont(FONT, 20)
    pdf.drawCentredString(width / 2, height - 35 * mm, document.title)
    pdf.setFont(FONT, 11)
    pdf.drawCentredString(width / 2, height - 45 * mm, document.number)
    y = height - 60 * mm
    pdf.setFont(FONT, 12)
    pdf.drawString(25 * mm, y, document.addressee)
    y -= 10 * mm
    for paragraph in document.paragraphs:
        for line in _wrapped("　　" + paragraph, width - 50 * mm, 12):
            if y < 40 * mm:
                pdf.showPage()
                pdf.setFont(FONT, 12)
                y = height - 30 * mm
            pdf.drawString(25 * mm, y, line)
            y -= 7 * mm
        y -= 3 * mm
    pdf.drawRightString(width - 25 * mm, max(y - 15 * mm, 30 * mm), document.issuer)
    pdf.drawRightString(width - 25 * mm, max(y - 23 * mm, 22 * mm), document.issued_on)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
