"""A notice typeset onto A4 as a PDF the way offices export them (reportlab, a dev
dependency): a Japanese CID font, lines wrapped at the margin mid-word as Japanese is, a
running header on continuation pages and a page number on every page."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT, SIZE, MARGIN, LEADING = "HeiseiMin-W3", 10.5, 56, 16


def _wrap(text: str, limit: float) -> list[tuple[str, str]]:
    """(line, alignment): a title centred, short date/issuer lines right-aligned, the rest
    wrapped character by character at the margin."""
    out: list[tuple[str, str]] = []
    for raw in text.replace("\t", "\u3000\u3000").splitlines():
        line = ""
        for ch in raw:
            if pdfmetrics.stringWidth(line + ch, FONT, SIZE) > limit:
                out.append((line, "left"))
                line = ""
            line += ch
        out.append((line, "left"))
    return out


def typeset(text: str, *, lines: list[tuple[str, str]] | None = None) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    width, height = A4
    rows = lines if lines is not None else _wrap(text, width - 2 * MARGIN)
    per_page = int((height - 2 * MARGIN) // LEADING) + 1
    buf = io.BytesIO()
    page = canvas.Canvas(buf, pagesize=A4)
    number = 0

    def new_page() -> float:
        nonlocal number
        number += 1
        page.setFont(FONT, 8)
        if len(rows) > per_page:
            page.drawString(MARGIN, height - 30, "個人情報の取扱いに関するお知らせ(お客様各位)")
        page.drawCentredString(width / 2, 30, f"- {number} -")
        page.setFont(FONT, SIZE)
        return height - MARGIN

    y = new_page()
    for line, align in rows:
        if y < MARGIN:
            page.showPage()
            y = new_page()
        if align == "center":
            page.drawCentredString(width / 2, y, line)
        elif align == "right":
            page.drawRightString(width - MARGIN, y, line)
        else:
            page.drawString(MARGIN, y, line)
        y -= LEADING
    page.save()
    return buf.getvalue()
