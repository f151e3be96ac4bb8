"""Small real PDFs for the UI tests, written with reportlab (a dev dependency)."""

from __future__ import annotations

from pathlib import Path


def write_pdf(path: Path, pages: list[str], title: str = "") -> Path:
    """A PDF with one paragraph of real, extractable text per page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    if title:
        pdf.setTitle(title)
    for text in pages:
        y = 780
        line: list[str] = []
        for word in text.split():
            line.append(word)
            if len(" ".join(line)) > 80:
                pdf.drawString(60, y, " ".join(line))
                y -= 16
                line = []
        if line:
            pdf.drawString(60, y, " ".join(line))
        pdf.showPage()
    pdf.save()
    return path
