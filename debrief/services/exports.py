"""CSV for spreadsheets: UTF-8 with a byte-order mark (so Excel reads accents and Welsh letters), and
every cell that a spreadsheet would run as a formula made inert."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """A value as a CSV cell. Text starting like a formula gets a leading apostrophe (OWASP's advice),
    which spreadsheets show as text and never evaluate."""
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(headers: Sequence[str], rows: Iterable[Sequence]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell(h) for h in headers])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return BOM + out.getvalue()
