"""Builds the Word templates in this folder with python-docx, so that they are reproducible and
reviewable as code: `debrief-report.docx`, `board-pack.docx` and `deaths-report.docx`. docxtpl fills
them (debrief/documents/), with autoescaping on.

Their fixed words are in English here, marked `N_("...")` for `flask translations extract`, and
written into the document as `{{ _("...") }}`: docxtpl says them in the document's language
(debrief/documents/__init__.py gives its Jinja `_` Flask-Babel's gettext). A sentence with a value in
it is one message with a named placeholder: `{{ _("Lessons: %(reference)s", reference=reference) }}`.

    .venv/bin/python templates/docx/build_templates.py      # after changing this file; commit both

Every page carries the OFFICIAL-SENSITIVE marking in its header and footer, and the footer numbers
the pages ("Page 2 of 7", Word fields; debrief/documents/ writes it again in the document's language). A table's rows are a docxtpl `{%tr for %}` loop between the
heading row and an `{%tr endfor %}` row; optional parts are `{%p if %}` paragraphs.
"""
from __future__ import annotations

import re
import sys
from datetime import datetime, timezone
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
MARKING = "OFFICIAL-SENSITIVE"  # stays English: the Government Security Classifications' own words
# Fixed, so that a rebuild gives the same document properties.
BUILT = datetime(2026, 11, 22, tzinfo=timezone.utc)


def N_(message: str) -> str:
    """Marks fixed words for translation (babel.cfg reads this file); they stay as they are here."""
    return message


def _t(message: str, **values: str) -> str:
    """A docxtpl expression saying `message` in the document's language; `values` are the Jinja
    expressions for its named placeholders: _t("Due %(date)s", date="r.due")."""
    assert '"' not in message and "\\" not in message, message
    arguments = "".join(f", {name}={expression}" for name, expression in values.items())
    return f'{{{{ _("{_literal(message)}"{arguments}) }}}}'


def _literal(message: str) -> str:
    """`message` inside a Jinja string: docxtpl straightens curly quotes within tags (as Word types
    them), so they go as escapes, which Jinja reads back as the same characters."""
    return "".join(f"\\u{ord(c):04x}" if c in "‘’“”" else c for c in message)


def ngettext(singular: str, plural: str, count: str, **values: str) -> str:
    """A docxtpl expression saying a count in a sentence in the document's language (Welsh has six
    plural forms); marked for translation like N_ (babel.cfg's `ngettext`). `count` is a Jinja expression."""
    arguments = "".join(f", {name}={expression}" for name, expression in values.items())
    return f'{{{{ ngettext("{_literal(singular)}", "{_literal(plural)}", {count}{arguments}) }}}}'


#: The footer's page numbers, as debrief/documents/ writes them in the document's language.
PAGE_X_OF_Y = N_("Page %(page)s of %(pages)s")


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the document out."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _document(title: str) -> Document:
    document = Document()
    document.core_properties.title = title
    document.core_properties.author = "Rapid Debrief"
    document.core_properties.created = document.core_properties.modified = BUILT
    document.core_properties.revision = 1
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.text = MARKING
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.runs[0].bold = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(MARKING).bold = True
    footer.add_run(" · ")
    for piece in re.split(r"(%\(page\)s|%\(pages\)s)", PAGE_X_OF_Y):
        if piece == "%(page)s":
            _field(footer, "PAGE")
        elif piece == "%(pages)s":
            _field(footer, "NUMPAGES")
        elif piece:
            footer.add_run(piece)
    return document


def _table(document, headings: list[str], loop: str, cells: list[str], empty: str) -> None:
    """A table: the heading row, then one row per item of `loop` ("item in items"); `empty` is said
    instead when there are none."""
    items = loop.split(" in ", 1)[1]
    document.add_paragraph(f"{{%p if not {items} %}}")
    document.add_paragraph(_t(empty))
    document.add_paragraph("{%p else %}")
    table = document.add_table(rows=4, cols=len(headings))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, headings):
        cell.text = _t(heading)
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for cell, value in zip(table.rows[2].cells, cells):
        cell.text = value
    table.rows[3].cells[0].text = "{%tr endfor %}"
    document.add_paragraph("{%p endif %}")


def debrief_report() -> Document:
    document = _document("Rapid debrief report")
    document.add_paragraph(_t(N_("Rapid debrief report: %(reference)s"), reference="reference"), style="Title")
    document.add_paragraph(_t(N_("%(force)s · %(incident_type)s · report produced %(produced)s"),
                              force="force", incident_type="incident_type", produced="produced"))

    document.add_heading(_t(N_("The incident")), level=1)
    _table(document, [N_("Fact"), N_("Detail")], "fact in facts", ["{{ fact.label }}", "{{ fact.value }}"],
           N_("No facts recorded."))
    document.add_heading(_t(N_("Briefing given to partner agencies")), level=2)
    document.add_paragraph("{{ partner_briefing }}")

    document.add_heading(_t(N_("Deadlines")), level=1)
    _table(document, [N_("Deadline"), N_("Due"), N_("Met"), N_("State")], "clock in clocks",
           ["{{ clock.label }}", "{{ clock.due }}", "{{ clock.met }}", "{{ clock.state }}"], N_("No deadlines."))

    document.add_heading(_t(N_("The rapid debrief meeting")), level=1)
    document.add_paragraph("{{ meeting }}")
    _table(document, [N_("Name"), N_("Agency")], "person in attendees", ["{{ person.name }}", "{{ person.agency }}"],
           N_("No attendance recorded."))

    document.add_heading(_t(N_("Partner contributions")), level=1)
    document.add_paragraph("{%p if not partners %}")
    document.add_paragraph(_t(N_("No partner agency was invited.")))
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p for partner in partners %}")
    document.add_heading("{{ partner.agency }}", level=2)
    document.add_paragraph("{{ partner.state }}")
    document.add_paragraph("{%p for answer in partner.answers %}")
    paragraph = document.add_paragraph()
    paragraph.add_run("{{ answer.label }}: ").bold = True
    paragraph.add_run("{{ answer.value }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p endfor %}")

    document.add_heading(_t(N_("Lessons")), level=1)
    _table(document, [N_("Lesson"), N_("Category"), N_("Themes")], "lesson in lessons",
           ["{{ lesson.text }}", "{{ lesson.category }}", "{{ lesson.themes }}"], N_("No lessons recorded."))

    document.add_heading(_t(N_("Recommendations")), level=1)
    _table(document, [N_("Reference"), N_("Recommendation"), N_("Owner"), N_("Due"), N_("Status"), N_("Repeats")],
           "r in recommendations",
           ["{{ r.reference }}", "{{ r.text }}", "{{ r.owner }}", "{{ r.due }}", "{{ r.status }}", "{{ r.repeats }}"],
           N_("No recommendations made."))
    return document


def board_pack() -> Document:
    document = _document("Governance board pack")
    document.add_paragraph(_t(N_("Governance board pack: %(meeting)s"), meeting="meeting"), style="Title")
    document.add_paragraph(_t(N_("%(force)s · figures as at %(produced)s · covers %(period)s"),
                              force="force", produced="produced", period="period"))

    document.add_heading(_t(N_("Headline figures")), level=1)
    _table(document, [N_("Measure"), N_("Number")], "figure in headline", ["{{ figure.label }}", "{{ figure.value }}"],
           N_("No figures."))

    document.add_heading(_t(N_("Repeats: learning that did not stick")), level=1)
    document.add_paragraph(_t(N_("Open recommendations confirmed as repeats of recommendations closed as implemented "
                                 "(or by an alternative action): the earlier learning did not stick.")))
    _table(document, [N_("Recommendation"), N_("Repeats"), N_("Earlier closed as"), N_("Earlier learning products")],
           "r in did_not_stick",
           ["{{ r.reference }}: {{ r.text }}", "{{ r.earlier }}", "{{ r.closure }}", "{{ r.products }}"],
           N_("None."))
    document.add_heading(_t(N_("Other confirmed repeats")), level=2)
    _table(document, [N_("Recommendation"), N_("Repeats"), N_("Earlier status")], "r in other_repeats",
           ["{{ r.reference }}: {{ r.text }}", "{{ r.earlier }}", "{{ r.earlier_status }}"], N_("None."))

    document.add_heading(_t(N_("Overdue recommendations by owner")), level=1)
    document.add_paragraph("{{ overdue_chart }}")
    document.add_paragraph("{%p if not overdue_owners %}")
    document.add_paragraph(_t(N_("Nothing is overdue.")))
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p for owner in overdue_owners %}")
    document.add_heading("{{ owner.name }} ({{ owner.count }})", level=2)
    _table(document, [N_("Recommendation"), N_("Due"), N_("Days overdue"), N_("Status")], "r in owner.overdue",
           ["{{ r.reference }}: {{ r.text }}", "{{ r.due }}", "{{ r.days }}", "{{ r.status }}"], N_("None."))
    document.add_paragraph("{%p endfor %}")

    document.add_heading(_t(N_("Awaiting the board's closure decision")), level=1)
    document.add_paragraph("{%p if not awaiting %}")
    document.add_paragraph(_t(N_("Nothing is waiting for a closure decision.")))
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p for r in awaiting %}")
    document.add_heading("{{ r.reference }} · {{ r.owner }}", level=2)
    document.add_paragraph("{{ r.text }}")
    paragraph = document.add_paragraph()
    paragraph.add_run(_t(N_("Learning products:")) + " ").bold = True
    paragraph.add_run("{{ r.products }}")
    paragraph = document.add_paragraph()
    paragraph.add_run(_t(N_("Evidence:")) + " ").bold = True
    paragraph.add_run("{{ r.evidence }}")
    document.add_paragraph("{%p endfor %}")

    document.add_heading(_t(N_("Partner engagement")), level=1)
    document.add_paragraph(_t(N_("Invitations sent in %(period)s, by agency."), period="period"))
    _table(document, [N_("Agency"), N_("Sent"), N_("Opened"), N_("Responded"), N_("Responded late"),
                      N_("Never answered")],
           "a in engagement",
           ["{{ a.agency }}", "{{ a.sent }}", "{{ a.opened }}", "{{ a.responded }}", "{{ a.late }}",
            "{{ a.never_answered }}"], N_("No invitations were sent in this period."))
    document.add_paragraph("{{ engagement_chart }}")

    document.add_heading(_t(N_("Board decisions since the last pack")), level=1)
    _table(document, [N_("When"), N_("Recommendation"), N_("Decision"), N_("Rationale"), N_("By")], "d in decisions",
           ["{{ d.when }}", "{{ d.reference }}", "{{ d.decision }}", "{{ d.rationale }}", "{{ d.by }}"],
           N_("No decisions since the last pack."))
    return document


def deaths_report() -> Document:
    document = _document("Analytical report on death investigations")
    document.add_paragraph(_t(N_("Analytical report on death investigations")), style="Title")
    document.add_paragraph(_t(N_("%(force)s · deaths found %(period)s · produced %(produced)s"),
                              force="force", period="period", produced="produced"))
    document.add_paragraph("{{ freshness }}")

    document.add_heading(_t(N_("Summary")), level=1)
    document.add_paragraph("{%p for line in summary %}")
    document.add_paragraph("{{ line }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")

    document.add_heading(_t(N_("Deaths by apparent cause")), level=1)
    # previous_days may come formatted ("1,096"): the count is its digits.
    document.add_paragraph(ngettext("Compared with the %(days)s day before: %(period)s.",
                                    "Compared with the %(days)s days before: %(period)s.",
                                    "previous_days | string | replace(',', '') | int",
                                    days="previous_days", period="previous_period"))
    _table(document, [N_("Apparent cause"), N_("This period"), N_("Previous period"), N_("Change")], "row in by_cause",
           ["{{ row.label }}", "{{ row.current }}", "{{ row.previous }}", "{{ row.change }}"],
           N_("No deaths were found in either period."))

    document.add_heading(_t(N_("Deaths by initial classification")), level=1)
    _table(document, [N_("Classification"), N_("This period"), N_("Previous period"), N_("Change")],
           "row in by_classification",
           ["{{ row.label }}", "{{ row.current }}", "{{ row.previous }}", "{{ row.change }}"],
           N_("No deaths were found in either period."))

    document.add_heading(_t(N_("Deaths by month")), level=1)
    _table(document, [N_("Month"), N_("Deaths")], "month in by_month", ["{{ month.label }}", "{{ month.count }}"],
           N_("No months in this period."))

    document.add_heading(_t(N_("Deaths by area")), level=1)
    document.add_paragraph("{{ area_note }}")
    document.add_paragraph("{{ area_map }}")
    _table(document, [N_("Area"), N_("Deaths")], "area in by_area", ["{{ area.label }}", "{{ area.count }}"],
           N_("No deaths with a known place were found in this period."))

    document.add_heading(_t(N_("Substances")), level=1)
    document.add_paragraph("{{ substances_note }}")
    _table(document, [N_("Substance"), N_("Deaths")], "s in substances", ["{{ s.label }}", "{{ s.count }}"],
           N_("No substance was recorded for any death in this period."))

    document.add_heading(_t(N_("Deaths known only to partners")), level=1)
    document.add_paragraph("{{ partners_note }}")
    _table(document, [N_("Apparent cause"), N_("Deaths")], "row in partners_by_cause",
           ["{{ row.label }}", "{{ row.count }}"], N_("None."))

    document.add_heading(_t(N_("Linked series")), level=1)
    document.add_paragraph(_t(N_("Series with at least one death found in this period. A candidate series is one the "
                                 "analysis found and an analyst has not yet decided on; a confirmed series is one an "
                                 "analyst has confirmed. A death found outside the period is marked “(outside the "
                                 "period)”.")))
    for heading, name, empty in ((N_("Confirmed series"), "confirmed_series", N_("No confirmed series.")),
                                 (N_("Candidate series"), "candidate_series", N_("No candidate series."))):
        document.add_heading(_t(heading), level=2)
        document.add_paragraph(f"{{%p if not {name} %}}")
        document.add_paragraph(_t(empty))
        document.add_paragraph("{%p endif %}")
        document.add_paragraph(f"{{%p for series in {name} %}}")
        document.add_heading(_t(N_("%(reference)s · %(size)s · score %(score)s"), reference="series.reference",
                                size="series.size", score="series.score"), level=3)
        paragraph = document.add_paragraph()
        paragraph.add_run(_t(N_("What they share:")) + " ").bold = True
        paragraph.add_run("{{ series.reasons }}")
        document.add_paragraph("{%p if series.note %}")
        paragraph = document.add_paragraph()
        paragraph.add_run(_t(N_("Analyst's note:")) + " ").bold = True
        paragraph.add_run("{{ series.note }}")
        document.add_paragraph("{%p endif %}")
        _table(document, [N_("Death"), N_("Found"), N_("Apparent cause"), N_("Area")], "m in series.members",
               ["{{ m.reference }}", "{{ m.found }}", "{{ m.cause }}", "{{ m.area }}"], N_("No deaths."))
        document.add_paragraph("{%p endfor %}")

    document.add_heading(_t(N_("Method")), level=1)
    document.add_paragraph("{{ method }}")
    return document


TEMPLATES = {"debrief-report.docx": debrief_report, "board-pack.docx": board_pack,
             "deaths-report.docx": deaths_report}


def build(folder: Path = HERE) -> list[Path]:
    written = []
    for name, make in TEMPLATES.items():
        make().save(folder / name)
        written.append(folder / name)
    return written


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(f"wrote {path}")
