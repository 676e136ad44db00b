"""Word documents: the debrief report and the governance board pack.

Both are docxtpl templates built by templates/docx/build_templates.py, filled with autoescaping
on, so text with `&`, `<` or quotes stays text and never breaks the document's XML. This package
reads through the services and lays their data out; it decides nothing itself.
"""
from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate, Listing
from flask import Response

from debrief.models import utcnow

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates" / "docx"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NONE = "—"
# Characters XML 1.0 cannot hold at all (control characters other than tab, newline, return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text(value: Any) -> Any:
    """A value for a template: None as a dash; text cleaned of what XML cannot hold, and kept on
    several lines where it has line breaks."""
    if value is None or value == "":
        return NONE
    if isinstance(value, str):
        value = _NOT_XML.sub("", value)
        return Listing(value) if "\n" in value else value
    return value


def render(template: str, context: dict[str, Any], *, title: str, images: dict[str, bytes] | None = None) -> bytes:
    """The filled document as bytes; `title` becomes its title property; `images` (PNG bytes by
    context name) are placed at their `{{ name }}` at full text width."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    document = DocxTemplate(TEMPLATES / template)
    context = dict(context)
    for name, png in (images or {}).items():
        context[name] = InlineImage(document, io.BytesIO(png), width=Mm(160)) if png else ""
    document.render(context, autoescape=True)
    properties = document.docx.core_properties
    properties.title = title
    properties.created = properties.modified = utcnow()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def response(content: bytes, filename: str) -> Response:
    """A document as a download. Not cached anywhere: it is OFFICIAL-SENSITIVE."""
    return Response(content, mimetype=DOCX, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})
