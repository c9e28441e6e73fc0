"""The look every document shares: letterhead, title, the bill-to and details block, tables
of lines, totals, a watermark for drafts and void documents, page numbers.

The core Helvetica font holds Latin-1 only. Every string passes through `pdf_text` on its
way in (`Document.normalize_text`), so a name in any script prints as near as Latin-1 allows
instead of failing the whole document.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, XPos, YPos

GREY = (110, 110, 110)
LIGHT = (235, 238, 242)
# Typographic characters outside Latin-1 that have a plain equivalent.
PLAIN = str.maketrans(
    {"€": "EUR", "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "•": "-"}
    | {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Œ": "OE", "œ": "oe", "ı": "i"}
)


def pdf_text(value: object) -> str:
    """Text the core fonts can print: Latin-1 kept (é, ø, å), other accents dropped (ő -> o),
    anything else (CJK, emoji) as "?"."""
    text = str(value).translate(PLAIN)
    out = []
    for char in text:
        if ord(char) < 256:
            out.append(char)
            continue
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        out.append(plain if plain and all(ord(c) < 256 for c in plain) else "?")
    return "".join(out)


@dataclass(frozen=True)
class Letterhead:
    """The business's name and address at the top of every document (COMPANY_NAME and
    COMPANY_ADDRESS in the configuration; address lines separated by commas or new lines)."""

    name: str = ""
    address_lines: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, config: Mapping) -> Letterhead:
        address = (config.get("COMPANY_ADDRESS") or "").replace("\n", ",")
        return cls(
            name=(config.get("COMPANY_NAME") or "").strip(),
            address_lines=tuple(part.strip() for part in address.split(",") if part.strip()),
        )


@dataclass
class Row:
    """A table row: plain, a group heading across the whole table, or a bold subtotal whose
    label, right-aligned, spans the first `span` columns."""

    cells: Sequence[str]
    kind: str = "line"  # "line", "group" or "subtotal"
    span: int = 1


@dataclass
class Column:
    heading: str
    width: float  # in parts of the table's width
    align: str = "LEFT"


class Document(FPDF):
    def __init__(self, title: str, letterhead: Letterhead, watermark: str | None = None):
        super().__init__(format="A4", unit="mm")
        self.document_title = title
        self.letterhead = letterhead
        self.watermark = watermark
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(title.title())
        self.set_creator("Customer Record")
        self.alias_nb_pages()
        self.add_page()

    def normalize_text(self, text: str) -> str:
        return super().normalize_text(pdf_text(text))

    def header(self) -> None:
        if self.watermark:
            self._draw_watermark(self.watermark)
        top = self.get_y()
        self.set_font("Helvetica", "B", 20)
        self.set_text_color(40, 40, 40)
        self.cell(0, 9, self.document_title.upper(), align="R")
        self.set_xy(self.l_margin, top)
        self.set_font("Helvetica", "B", 13)
        self.cell(110, 6, self.letterhead.name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", "", 9)
        self.set_text_color(*GREY)
        for line in self.letterhead.address_lines:
            self.cell(110, 4.2, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_y(max(self.get_y(), top + 10) + 3)
        self.set_draw_color(200, 200, 200)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(5)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.letterhead.name}   Page {self.page_no()} of {{nb}}", align="C")

    def _draw_watermark(self, text: str) -> None:
        with self.local_context(text_color=(225, 225, 225) if text != "VOID" else (245, 205, 205)):
            self.set_font("Helvetica", "B", 96)
            width = self.get_string_width(text)
            x, y = (self.w - width) / 2, self.h / 2 + 15
            with self.rotation(35, self.w / 2, self.h / 2):
                self.text(x, y, text)

    def parties(self, bill_to: Sequence[str], details: Sequence[tuple[str, str]]) -> None:
        """Who it is for on the left, the document's numbers and dates on the right."""
        top = self.get_y()
        self.set_font("Helvetica", "", 8)
        self.set_text_color(*GREY)
        self.cell(95, 4.5, "TO", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        for index, line in enumerate(bill_to):
            self.set_font("Helvetica", "B" if index == 0 else "", 10)
            self.multi_cell(95, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        left_bottom = self.get_y()
        self.set_y(top)
        for label, value in details:
            self.set_x(self.w - self.r_margin - 80)
            self.set_font("Helvetica", "", 9)
            self.set_text_color(*GREY)
            self.cell(35, 5, label, align="R")
            self.set_font("Helvetica", "B", 10)
            self.set_text_color(0, 0, 0)
            self.cell(45, 5, value, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_y(max(left_bottom, self.get_y()) + 6)

    def section(self, title: str) -> None:
        self.ln(2)
        self.set_font("Helvetica", "B", 11)
        self.cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(self, text: str, size: int = 9, style: str = "") -> None:
        self.set_font("Helvetica", style, size)
        self.multi_cell(0, 4.8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def lines_table(self, columns: Sequence[Column], rows: Sequence[Row]) -> None:
        self.set_font("Helvetica", "", 9)
        with self.table(
            col_widths=tuple(column.width for column in columns),
            text_align=tuple(column.align for column in columns),
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            headings_style=FontFace(emphasis="BOLD", fill_color=LIGHT),
            line_height=5.5,
            padding=(0.8, 1.2),
        ) as table:
            table.row([column.heading for column in columns])
            for row in rows:
                if row.kind == "group":
                    table.row().cell(
                        row.cells[0], colspan=len(columns), style=FontFace(emphasis="BOLD")
                    )
                elif row.kind == "subtotal":
                    cells = table.row(style=FontFace(emphasis="BOLD"))
                    cells.cell(row.cells[0], colspan=row.span, align="RIGHT")
                    for text in row.cells[1:]:
                        cells.cell(text)
                else:
                    table.row(row.cells)
        self.ln(3)

    def totals(self, figures: Sequence[tuple[str, str]], strong: Sequence[str] = ()) -> None:
        """Label and amount pairs, right-aligned under the table, kept on one page."""
        if self.will_page_break(6 * len(figures)):
            self.add_page()
        for label, value in figures:
            self.set_x(self.w - self.r_margin - 90)
            self.set_font("Helvetica", "B" if label in strong else "", 10)
            self.cell(55, 6, label, align="R")
            self.cell(35, 6, value, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)

    def to_bytes(self) -> bytes:
        return bytes(self.output())


def number(value: Decimal) -> str:
    """2.00 -> "2", 2.50 -> "2.5": quantities and rates as people write them."""
    return f"{value.normalize():f}"


def letterhead_or_default(letterhead: Letterhead | None) -> Letterhead:
    """Callers outside a request (scripts, the shell) get the letterhead from the environment,
    which is where the app's configuration reads it from."""
    return letterhead if letterhead is not None else Letterhead.from_config(os.environ)
