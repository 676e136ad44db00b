"""Word documents: the debrief report and the governance board pack.

Both are docxtpl templates built by templates/docx/build_templates.py, filled with autoescaping
on, so text with `&`, `<` or quotes stays text and never breaks the document's XML. This package
reads through the services and lays their data out; it decides nothing itself.

A document is in the language of the request that asks for it (the API: `Accept-Language`; a page:
the person's choice, debrief/i18n.py), or of `in_language(...)` around the call: the templates' fixed
words are `{{ _("...") }}`, said through Flask-Babel's gettext, and so are the words this package
writes and the footer's "Page 2 of 7". The OFFICIAL-SENSITIVE marking stays in English.
"""
from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate, Listing
from flask import Response
from flask_babel import gettext, ngettext, pgettext
from jinja2 import Environment

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


def _environment() -> Environment:
    """Jinja for a template: autoescaped, its `_`/`ngettext` Flask-Babel's, so that the fixed words
    are in the document's language. They give plain `str`, which autoescaping then escapes like any
    other value (a translation with `&` stays text)."""
    environment = Environment(autoescape=True)
    environment.globals.update(_=gettext, gettext=gettext, ngettext=ngettext, pgettext=pgettext)
    return environment


def _field(run, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) in `run`, filled in by Word when it lays the document out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, value in (("begin", None), ("instrText", f" {instruction} "), ("separate", None), ("t", "1"),
                        ("end", None)):
        if value is None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement(f"w:{kind}")
            element.set(qn("xml:space"), "preserve")
            element.text = value
        run._r.append(element)


def _number_pages(docx) -> None:
    """The footer's "OFFICIAL-SENSITIVE · Page 2 of 7" in the document's language ("Tudalen 2 o 7"):
    after the marking, the words around Word's PAGE and NUMPAGES fields, from one whole message."""
    words = gettext("Page %(page)s of %(pages)s", page="\x00PAGE\x00", pages="\x00NUMPAGES\x00")
    for section in docx.sections:
        for paragraph in section.footer.paragraphs:
            if " NUMPAGES " not in paragraph._p.xml or not paragraph.runs:
                continue
            for run in paragraph.runs[1:]:  # the first is the marking
                run._r.getparent().remove(run._r)
            paragraph.add_run(" · ")
            for piece in words.split("\x00"):
                if piece in ("PAGE", "NUMPAGES"):
                    _field(paragraph.add_run(), piece)
                elif piece:
                    paragraph.add_run(piece)


def render(template: str, context: dict[str, Any], *, title: str, images: dict[str, bytes] | None = None) -> bytes:
    """The filled document as bytes, in the language of the moment (see above); `title` becomes its
    title property; `images` (PNG bytes by context name) are placed at their `{{ name }}` at full
    text width."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    document = DocxTemplate(TEMPLATES / template)
    document.init_docx()
    _number_pages(document.docx)  # before rendering: docxtpl then writes the footer out afresh
    context = dict(context)
    for name, png in (images or {}).items():
        context[name] = InlineImage(document, io.BytesIO(png), width=Mm(160)) if png else ""
    document.render(context, jinja_env=_environment(), autoescape=True)
    properties = document.docx.core_properties
    properties.title = str(title)
    properties.created = properties.modified = utcnow()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def response(content: bytes, filename: str) -> Response:
    """A document as a download. Not cached anywhere: it is OFFICIAL-SENSITIVE."""
    return Response(content, mimetype=DOCX, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})
