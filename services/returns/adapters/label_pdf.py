"""The printable return label: a one-page A6 PDF with the RMA number as text and as a Code 39 barcode.

Rendering is CPU work (font subsetting, compression): it runs in eventlet's
native thread pool so that it never stalls the other workers of the process.
"""
from __future__ import annotations

import os

from eventlet import tpool
from fpdf import FPDF

from services.returns.domain import policies
from services.returns.domain.model import Rma

# A Unicode font, so that senders like "Олена Коваленко" print; Helvetica (Latin-1 only) otherwise.
DEFAULT_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def label_pdf(rma: Rma, policy: policies.ReturnPolicy, font_path: str = DEFAULT_FONT) -> bytes:
    return tpool.execute(render_label, rma, policy, font_path)


def render_label(rma: Rma, policy: policies.ReturnPolicy, font_path: str = DEFAULT_FONT) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format=(105, 148))  # A6
    pdf.set_auto_page_break(False)
    pdf.set_margins(8, 8, 8)
    pdf.add_page()
    pdf.set_title(f"Return label {rma.number}")
    family = _font(pdf, font_path)

    def line(text: str, size: float = 9, height: float = 4.5) -> None:
        pdf.set_font(family, "", size)
        pdf.multi_cell(0, height, _printable(text, family), align="L", new_x="LMARGIN", new_y="NEXT")

    line("RETURN LABEL", 10)
    line(rma.number, 16, height=7)
    pdf.set_fill_color(0, 0, 0)
    pdf.code39(f"*{rma.number}*", x=8, y=pdf.get_y() + 1, w=0.75, h=14)
    pdf.set_y(pdf.get_y() + 17)
    if policies.label_prepaid(rma.request_type):
        line("POSTAGE PREPAID - the shop pays the shipping.", 9)
    else:
        line("POSTAGE AT THE SENDER'S COST - return for convenience: you pay the shipping.", 9)
    pdf.ln(2)
    line("SHIP TO", 8)
    for text in policy.warehouse_address:
        line(text, 10)
    pdf.ln(2)
    line("FROM", 8)
    for text in _address_lines(rma.return_address):
        line(text, 9)
    pdf.ln(2)
    line(f"Order {rma.order_number} - {rma.request_type.replace('_', ' ')}", 8)
    for item in rma.lines[:6]:  # what fits on A6; the warehouse reads the rest from the RMA
        line(f"{item.quantity} x {item.reference} {item.name}"[:90], 7, height=3.5)
    return bytes(pdf.output())


def _font(pdf: FPDF, font_path: str) -> str:
    if font_path and os.path.exists(font_path):
        pdf.add_font("LabelSans", "", font_path)
        return "LabelSans"
    return "Helvetica"


def _printable(text: str, family: str) -> str:
    if family != "Helvetica":
        return text
    return text.encode("latin-1", "replace").decode("latin-1")


def _address_lines(address: dict) -> list[str]:
    city = f"{address.get('postal_code', '')} {address.get('city', '')}".strip()
    return [part for part in (address.get("name"), address.get("street"), city, address.get("country"),
                              address.get("phone")) if part]
