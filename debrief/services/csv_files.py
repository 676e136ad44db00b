"""Reading an uploaded CSV file (a spreadsheet's "CSV UTF-8") into rows by their columns' names, for
every import: recommendations from elsewhere and death reports. A file that is not such a CSV, or lacks
a column, is refused on `file` with a message that says what to do."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _

from debrief.i18n import number
from debrief.services.errors import ValidationFailed


@dataclass(frozen=True)
class CsvRows:
    items: list[dict[str, str | None]]
    lines: list[int]  # the file's line where each item starts (the header is line 1)


def read_rows(data: bytes, *, fields: Sequence[str], required: Sequence[str], max_bytes: int,
              optional_note: str = "") -> CsvRows:
    """The rows of `data` as {column: text} for the columns named in `fields` (in any order, other
    columns ignored; a cell missing at a row's end is None). Blank rows are skipped. `optional_note`, in
    the reader's language, follows the required columns' names where a file lacks one: "(and status, if
    you have it)"."""
    if len(data) > max_bytes:
        raise ValidationFailed({"file": _("The selected file must be smaller than %(size)s MB",
                                          size=number(max_bytes // (1024 * 1024)))})
    if not data.strip():
        raise ValidationFailed({"file": _("The selected file is empty")})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed({"file": _("The selected file must be a CSV saved as UTF-8 (in Excel, "
                                          "“CSV UTF-8 (Comma delimited)”)")}) from None
    if "\x00" in text:
        raise ValidationFailed({"file": _("The selected file must be a CSV")})
    # A cell may be as long as the file (the module's default stops at 128 KB and refuses the whole
    # file); an overlong cell is then refused for its own row by the field's rule.
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower().replace(" ", "_") for name in next(reader, [])]
        missing = [name for name in required if name not in header]
        if missing:
            note = str(optional_note).strip()
            raise ValidationFailed({"file": _(
                "The first line of the file must name the columns %(required)s %(note)s; it is missing %(missing)s",
                required=", ".join(required), note=note, missing=", ".join(missing)) if note else _(
                "The first line of the file must name the columns %(required)s; it is missing %(missing)s",
                required=", ".join(required), missing=", ".join(missing))})
        twice = sorted({name for name in header if name in fields and header.count(name) > 1})
        if twice:
            raise ValidationFailed({"file": _("The column %(columns)s appears more than once", columns=", ".join(twice))})
        columns = {name: header.index(name) for name in fields if name in header}
        items, lines = [], []
        line = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                items.append({name: row[i] if i < len(row) else None for name, i in columns.items()})
                lines.append(line)
            line = reader.line_num + 1
    except csv.Error:
        raise ValidationFailed({"file": _("The selected file must be a CSV")}) from None
    return CsvRows(items=items, lines=lines)
