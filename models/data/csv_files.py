"""Reading a CSV file people saved from a spreadsheet: encoding, delimiter and shape checked
before any row is looked at, so a wrong file is refused with a reason and nothing else happens.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from ..core.errors import DomainError

MAX_ROWS = 100_000
MAX_COLUMNS = 200
EXTRA_COLUMNS = 5  # a row may run this far past the header (stray delimiters) before we give up
SNIFF_CHARACTERS = 4096
DELIMITERS = ",;\t|"
MEGABYTE = 1024 * 1024
SAVE_AS_UTF8 = "In Excel choose File › Save As › “CSV UTF-8 (Comma delimited)” and upload that."
# Text files have no control characters other than tab and line breaks; binary files do.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ImportRefused(DomainError):
    """The file or the rows were refused and nothing was written; the message says why.
    `problems` holds the rows with errors when the refusal is about rows."""

    def __init__(self, message: str, problems: list | None = None):
        super().__init__(message)
        self.problems = problems or []


@dataclass
class ParsedCsv:
    header: list[str]
    rows: list[list[str]]
    encoding: str  # "utf-8" or "cp1252"
    line_numbers: list[int]  # the file line each row starts on; the header is line 1
    delimiter: str = ","

    @property
    def note(self) -> str | None:
        """What the user should know about how the file was read."""
        if self.encoding == "cp1252":
            return (
                "This file is not UTF-8: it was read as Windows-1252 (Western European). "
                "Check that accented letters look right in the samples below."
            )
        return None


def _size(count: int) -> str:
    if count >= MEGABYTE:
        return f"{count / MEGABYTE:g} MB"
    return f"{count / 1024:g} KB" if count >= 1024 else f"{count} bytes"


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with: UTF-8 (with or without a byte-order mark),
    else Windows-1252 when every byte is defined there (older Excel saves "CSV" that way)."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise ImportRefused(
            f"The file is not valid UTF-8 text, nor Windows-1252: {SAVE_AS_UTF8}"
        ) from None


def sniff_delimiter(text: str) -> str:
    sample = text[:SNIFF_CHARACTERS]
    if len(text) > SNIFF_CHARACTERS and "\n" in sample:
        sample = sample[: sample.rfind("\n")]  # whole lines only
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def read_csv(data: bytes, max_bytes: int) -> ParsedCsv:
    """The header and rows of a CSV file, whitespace trimmed, or ImportRefused saying why not."""
    if not data.strip():
        raise ImportRefused("The file is empty.")
    if len(data) > max_bytes:
        raise ImportRefused(
            f"The file is larger than the {_size(max_bytes)} limit for an import: "
            "split it into smaller files."
        )
    if b"\x00" in data:
        raise ImportRefused(
            "This is not a CSV text file (it holds NUL bytes: a spreadsheet or UTF-16 text?). "
            + SAVE_AS_UTF8
        )
    text, encoding = decode(data)
    if CONTROL_CHARACTERS.search(text):
        raise ImportRefused(
            f"This is not a CSV text file (it holds control characters). {SAVE_AS_UTF8}"
        )
    delimiter = sniff_delimiter(text)
    header: list[str] | None = None
    rows: list[list[str]] = []
    line_numbers: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    last_line = 0
    try:
        for record in reader:
            first_line, last_line = last_line + 1, reader.line_num
            cells = [cell.strip() for cell in record]
            while cells and not cells[-1]:  # spreadsheets pad rows with empty cells
                cells.pop()
            if not cells:
                continue  # blank line
            if header is None:
                if len(cells) > MAX_COLUMNS:
                    raise ImportRefused(
                        f"The header has {len(cells)} columns, more than the {MAX_COLUMNS} "
                        "an import reads: is this a file of work addresses?"
                    )
                header = [name or f"Column {index + 1}" for index, name in enumerate(cells)]
                continue
            if len(cells) > len(header) + EXTRA_COLUMNS:
                raise ImportRefused(
                    f"Line {first_line} has {len(cells)} values but the header has "
                    f"{len(header)} columns: check that the file uses one delimiter and that "
                    "values containing it are in quotes."
                )
            if len(rows) == MAX_ROWS:
                raise ImportRefused(
                    f"The file has more than {MAX_ROWS:,} rows: split it into smaller files."
                )
            cells.extend([""] * (len(header) - len(cells)))
            rows.append(cells)
            line_numbers.append(first_line)
    except csv.Error as error:
        raise ImportRefused(f"Line {reader.line_num} could not be read as CSV: {error}.") from None
    if header is None:
        raise ImportRefused("The file is empty.")
    if not rows:
        raise ImportRefused("The file has a header line but no rows under it.")
    return ParsedCsv(header, rows, encoding, line_numbers, delimiter)
