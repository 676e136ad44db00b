"""Builds the Word templates in this folder with python-docx, so that they are reproducible and
reviewable as code: `debrief-report.docx` and `board-pack.docx`. docxtpl fills them
(debrief/documents/), with autoescaping on.

    .venv/bin/python templates/docx/build_templates.py      # after changing this file; commit both

Every page carries the OFFICIAL-SENSITIVE marking in its header and footer, and the footer numbers
the pages ("Page 2 of 7", Word fields). A table's rows are a docxtpl `{%tr for %}` loop between the
heading row and an `{%tr endfor %}` row; optional parts are `{%p if %}` paragraphs.
"""
from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
MARKING = "OFFICIAL-SENSITIVE"
# Fixed, so that a rebuild gives the same document properties.
BUILT = datetime(2026, 11, 22, tzinfo=timezone.utc)


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
    footer.add_run(" · Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")
    return document


def _table(document, headings: list[str], loop: str, cells: list[str], empty: str) -> None:
    """A table: the heading row, then one row per item of `loop` ("item in items"); `empty` is said
    instead when there are none."""
    items = loop.split(" in ", 1)[1]
    document.add_paragraph(f"{{%p if not {items} %}}")
    document.add_paragraph(empty)
    document.add_paragraph("{%p else %}")
    table = document.add_table(rows=4, cols=len(headings))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, headings):
        cell.text = heading
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for cell, value in zip(table.rows[2].cells, cells):
        cell.text = value
    table.rows[3].cells[0].text = "{%tr endfor %}"
    document.add_paragraph("{%p endif %}")


def debrief_report() -> Document:
    document = _document("Rapid debrief report")
    document.add_paragraph("Rapid debrief report: {{ reference }}", style="Title")
    document.add_paragraph("{{ force }} · {{ incident_type }} · report produced {{ produced }}")

    document.add_heading("The incident", level=1)
    _table(document, ["Fact", "Detail"], "fact in facts", ["{{ fact.label }}", "{{ fact.value }}"], "No facts recorded.")
    document.add_heading("Briefing given to partner agencies", level=2)
    document.add_paragraph("{{ partner_briefing }}")

    document.add_heading("Deadlines", level=1)
    _table(document, ["Deadline", "Due", "Met", "State"], "clock in clocks",
           ["{{ clock.label }}", "{{ clock.due }}", "{{ clock.met }}", "{{ clock.state }}"], "No deadlines.")

    document.add_heading("The rapid debrief meeting", level=1)
    document.add_paragraph("{{ meeting }}")
    _table(document, ["Name", "Agency"], "person in attendees", ["{{ person.name }}", "{{ person.agency }}"],
           "No attendance recorded.")

    document.add_heading("Partner contributions", level=1)
    document.add_paragraph("{%p if not partners %}")
    document.add_paragraph("No partner agency was invited.")
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

    document.add_heading("Lessons", level=1)
    _table(document, ["Lesson", "Category", "Themes"], "lesson in lessons",
           ["{{ lesson.text }}", "{{ lesson.category }}", "{{ lesson.themes }}"], "No lessons recorded.")

    document.add_heading("Recommendations", level=1)
    _table(document, ["Reference", "Recommendation", "Owner", "Due", "Status", "Repeats"], "r in recommendations",
           ["{{ r.reference }}", "{{ r.text }}", "{{ r.owner }}", "{{ r.due }}", "{{ r.status }}", "{{ r.repeats }}"],
           "No recommendations made.")
    return document


def board_pack() -> Document:
    document = _document("Governance board pack")
    document.add_paragraph("Governance board pack: {{ meeting }}", style="Title")
    document.add_paragraph("{{ force }} · figures as at {{ produced }} · covers {{ period }}")

    document.add_heading("Headline figures", level=1)
    _table(document, ["Measure", "Number"], "figure in headline", ["{{ figure.label }}", "{{ figure.value }}"],
           "No figures.")

    document.add_heading("Repeats: learning that did not stick", level=1)
    document.add_paragraph("Open recommendations confirmed as repeats of recommendations closed as implemented "
                           "(or by an alternative action): the earlier learning did not stick.")
    _table(document, ["Recommendation", "Repeats", "Earlier closed as", "Earlier learning products"],
           "r in did_not_stick",
           ["{{ r.reference }}: {{ r.text }}", "{{ r.earlier }}", "{{ r.closure }}", "{{ r.products }}"],
           "None.")
    document.add_heading("Other confirmed repeats", level=2)
    _table(document, ["Recommendation", "Repeats", "Earlier status"], "r in other_repeats",
           ["{{ r.reference }}: {{ r.text }}", "{{ r.earlier }}", "{{ r.earlier_status }}"], "None.")

    document.add_heading("Overdue recommendations by owner", level=1)
    document.add_paragraph("{{ overdue_chart }}")
    document.add_paragraph("{%p if not overdue_owners %}")
    document.add_paragraph("Nothing is overdue.")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p for owner in overdue_owners %}")
    document.add_heading("{{ owner.name }} ({{ owner.count }})", level=2)
    _table(document, ["Recommendation", "Due", "Days overdue", "Status"], "r in owner.overdue",
           ["{{ r.reference }}: {{ r.text }}", "{{ r.due }}", "{{ r.days }}", "{{ r.status }}"], "None.")
    document.add_paragraph("{%p endfor %}")

    document.add_heading("Awaiting the board's closure decision", level=1)
    document.add_paragraph("{%p if not awaiting %}")
    document.add_paragraph("Nothing is waiting for a closure decision.")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p for r in awaiting %}")
    document.add_heading("{{ r.reference }} · {{ r.owner }}", level=2)
    document.add_paragraph("{{ r.text }}")
    paragraph = document.add_paragraph()
    paragraph.add_run("Learning products: ").bold = True
    paragraph.add_run("{{ r.products }}")
    paragraph = document.add_paragraph()
    paragraph.add_run("Evidence: ").bold = True
    paragraph.add_run("{{ r.evidence }}")
    document.add_paragraph("{%p endfor %}")

    document.add_heading("Partner engagement", level=1)
    document.add_paragraph("Invitations sent in {{ period }}, by agency.")
    _table(document, ["Agency", "Sent", "Opened", "Responded", "Responded late", "Never answered"],
           "a in engagement",
           ["{{ a.agency }}", "{{ a.sent }}", "{{ a.opened }}", "{{ a.responded }}", "{{ a.late }}",
            "{{ a.never_answered }}"], "No invitations were sent in this period.")
    document.add_paragraph("{{ engagement_chart }}")

    document.add_heading("Board decisions since the last pack", level=1)
    _table(document, ["When", "Recommendation", "Decision", "Rationale", "By"], "d in decisions",
           ["{{ d.when }}", "{{ d.reference }}", "{{ d.decision }}", "{{ d.rationale }}", "{{ d.by }}"],
           "No decisions since the last pack.")
    return document


def deaths_report() -> Document:
    document = _document("Analytical report on death investigations")
    document.add_paragraph("Analytical report on death investigations", style="Title")
    document.add_paragraph("{{ force }} · deaths found {{ period }} · produced {{ produced }}")
    document.add_paragraph("{{ freshness }}")

    document.add_heading("Summary", level=1)
    document.add_paragraph("{%p for line in summary %}")
    document.add_paragraph("{{ line }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")

    document.add_heading("Deaths by apparent cause", level=1)
    document.add_paragraph("Compared with the {{ previous_days }} days before: {{ previous_period }}.")
    _table(document, ["Apparent cause", "This period", "Previous period", "Change"], "row in by_cause",
           ["{{ row.label }}", "{{ row.current }}", "{{ row.previous }}", "{{ row.change }}"],
           "No deaths were found in either period.")

    document.add_heading("Deaths by initial classification", level=1)
    _table(document, ["Classification", "This period", "Previous period", "Change"], "row in by_classification",
           ["{{ row.label }}", "{{ row.current }}", "{{ row.previous }}", "{{ row.change }}"],
           "No deaths were found in either period.")

    document.add_heading("Deaths by month", level=1)
    _table(document, ["Month", "Deaths"], "month in by_month", ["{{ month.label }}", "{{ month.count }}"],
           "No months in this period.")

    document.add_heading("Deaths by area", level=1)
    document.add_paragraph("{{ area_note }}")
    document.add_paragraph("{{ area_map }}")
    _table(document, ["Area", "Deaths"], "area in by_area", ["{{ area.label }}", "{{ area.count }}"],
           "No deaths with a known place were found in this period.")

    document.add_heading("Substances", level=1)
    document.add_paragraph("{{ substances_note }}")
    _table(document, ["Substance", "Deaths"], "s in substances", ["{{ s.label }}", "{{ s.count }}"],
           "No substance was recorded for any death in this period.")

    document.add_heading("Deaths known only to partners", level=1)
    document.add_paragraph("{{ partners_note }}")
    _table(document, ["Apparent cause", "Deaths"], "row in partners_by_cause", ["{{ row.label }}", "{{ row.count }}"],
           "None.")

    document.add_heading("Linked series", level=1)
    document.add_paragraph("Series with at least one death found in this period. A candidate series is one the "
                           "analysis found and an analyst has not yet decided on; a confirmed series is one an "
                           "analyst has confirmed. A death found outside the period is marked “(outside the period)”.")
    for heading, name, empty in (("Confirmed series", "confirmed_series", "No confirmed series."),
                                 ("Candidate series", "candidate_series", "No candidate series.")):
        document.add_heading(heading, level=2)
        document.add_paragraph(f"{{%p if not {name} %}}")
        document.add_paragraph(empty)
        document.add_paragraph("{%p endif %}")
        document.add_paragraph(f"{{%p for series in {name} %}}")
        document.add_heading("{{ series.reference }} · {{ series.size }} · score {{ series.score }}", level=3)
        paragraph = document.add_paragraph()
        paragraph.add_run("What they share: ").bold = True
        paragraph.add_run("{{ series.reasons }}")
        document.add_paragraph("{%p if series.note %}")
        paragraph = document.add_paragraph()
        paragraph.add_run("Analyst's note: ").bold = True
        paragraph.add_run("{{ series.note }}")
        document.add_paragraph("{%p endif %}")
        _table(document, ["Death", "Found", "Apparent cause", "Area"], "m in series.members",
               ["{{ m.reference }}", "{{ m.found }}", "{{ m.cause }}", "{{ m.area }}"], "No deaths.")
        document.add_paragraph("{%p endfor %}")

    document.add_heading("Method", level=1)
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
