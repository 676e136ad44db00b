"""The analytical report on death investigations for a period (the inspectorate's Recommendation 2):
a summary set beside the period of the same length before it; deaths by apparent cause, initial
classification, month and area (with a map); substances; the deaths only partner agencies told us
of; the candidate and confirmed linked series; and a note on the method.

It names no one: deaths are told by their references, never by a name, a date of birth or an NHS
number. The figures are services/death_figures.py's; this module lays them out.
"""
from __future__ import annotations

import io
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from debrief.documents import render, text
from debrief.models import User, utcnow
from debrief.services import audit, death_figures
from debrief.services.death_figures import DeathFigures, SeriesInPeriod
from debrief.web.death_maps import SHADES, shade_classes, shade_of
from debrief.i18n import date_and_time, day_month_year, number

TEMPLATE = "deaths-report.docx"
TITLE = _l("Analytical report on death investigations")
METHOD = _l(
    "Each organisation's report of a death (police, NHS and local authority) is linked to the reports "
    "of the same person by probabilistic record linkage (Splink), which weighs how far names, dates of "
    "birth, NHS numbers, dates and places agree; an analyst settles the matches it is unsure of. Each "
    "death's picture is then made from its reports. Deaths that may form a linked series are scored by "
    "the rare circumstances they share (a substance, what the scene showed, where the person was found) "
    "and by how close they are in space and time; the highest-scoring groups are put to an analyst as "
    "candidate series, and only a series an analyst confirms is treated as linked. Analysts' decisions "
    "are kept through every later analysis. The figures count deaths by the London date they were found; "
    "areas are the squares of a 6 by 6 grid laid over the places deaths were found.")


def build(start: date, end: date, actor: User) -> bytes:
    """The report on the deaths found from `start` to `end` (London dates, both included)."""
    period = death_figures.period_of(start, end, required=True)
    found = death_figures.figures(period)
    content, images = context(found)
    audit.record(actor, "deaths_report_built", "deaths_report", 0,
                 {"from": period.start.isoformat(), "to": period.end.isoformat()})
    return render(TEMPLATE, content, title=str(TITLE), images=images)


def filename(start: date, end: date) -> str:
    return f"deaths-report-{start.isoformat()}-to-{end.isoformat()}.docx"


def _day(value: date | datetime | None) -> str:
    if value is None:
        return _("Not known")
    return day_month_year(value)


def _deaths(n: int) -> str:
    return ngettext("%(count)s death", "%(count)s deaths", n, count=number(n))


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "0%"


def _period(start: date, end: date) -> str:
    return _("%(start)s to %(end)s", start=_day(start), end=_day(end))


def context(found: DeathFigures) -> tuple[dict, dict[str, bytes]]:
    period, previous = found.period, found.previous_period
    content = {
        "force": text(current_app.config["FORCE_NAME"]),
        "period": _period(period.start, period.end),
        "produced": date_and_time(utcnow()),
        "freshness": _freshness(found),
        "summary": _summary(found),
        "previous_days": number(previous.days),
        "previous_period": _period(previous.start, previous.end),
        "by_cause": [_change(row) for row in found.by_cause],
        "by_classification": [_change(row) for row in found.by_classification],
        "by_month": [{"label": month.label, "count": number(month.count)} for month in found.by_month],
        "area_note": _area_note(found),
        "by_area": [{"label": row.label, "count": number(row.count)} for row in found.by_area]
                   + ([{"label": _("No area (place not known or off the map)"), "count": number(found.unplaced)}]
                      if found.unplaced else []),
        "substances_note": ngettext(
            "%(deaths)s of %(count)s had at least one substance recorded. A death with several substances is "
            "counted once under each.",
            "%(deaths)s of %(count)s had at least one substance recorded. A death with several substances is "
            "counted once under each.", found.total, deaths=_deaths(found.with_substances), count=number(found.total)),
        "substances": [{"label": _capital(row.label), "count": number(row.count)} for row in found.substances],
        "partners_note": _partners_note(found),
        "partners_by_cause": [{"label": str(row.label), "count": number(row.count)}
                              for row in found.partners_only_by_cause],
        "confirmed_series": [_series(s) for s in found.confirmed_series],
        "candidate_series": [_series(s) for s in found.candidate_series],
        "method": str(METHOD),
    }
    return content, {"area_map": area_map_png(found.extent, found.area_counts, found.positions)}


def _capital(label) -> str:
    label = str(label)
    return label[:1].upper() + label[1:]


def _freshness(found: DeathFigures) -> str:
    if found.analysed_at is None:
        return _("No analysis of the death reports has been run yet, so there are no deaths to count.")
    words = _("Figures from the analysis finished %(when)s.", when=date_and_time(found.analysed_at))
    if found.not_yet_analysed:
        words = ngettext("%(freshness)s %(count)s report imported or changed since then will be counted after the "
                         "next analysis.",
                         "%(freshness)s %(count)s reports imported or changed since then will be counted after the "
                         "next analysis.", found.not_yet_analysed, freshness=words,
                         count=number(found.not_yet_analysed))
    return words


def _summary(found: DeathFigures) -> list[str]:
    change = found.change_words[:1].lower() + found.change_words[1:]
    lines = [ngettext("%(deaths)s was found in this period, against %(previous)s in the %(days)s days before: "
                      "%(change)s.",
                      "%(deaths)s were found in this period, against %(previous)s in the %(days)s days before: "
                      "%(change)s.", found.total, deaths=_deaths(found.total), previous=number(found.previous_total),
                      days=number(found.previous_period.days), change=change)]
    causes = [row for row in found.by_cause if row.code is not None and row.current]
    if causes:
        top = causes[0]
        lines.append(_("The commonest apparent cause was %(cause)s: %(deaths)s (%(share)s), against %(previous)s "
                       "before.", cause=str(top.label).lower(), deaths=_deaths(top.current),
                       share=_share(top.current, found.total), previous=number(top.previous)))
    if found.substances:
        top = found.substances[0]
        lines.append(_("%(deaths)s had a substance recorded; the commonest was %(substance)s (%(with_it)s).",
                       deaths=_deaths(found.with_substances), substance=str(top.label), with_it=_deaths(top.count)))
    if found.by_area:
        most = found.by_area[0].count
        busiest = [row.label for row in found.by_area if row.count == most]
        lines.append(_("The area with the most deaths was %(area)s (%(count)s).", area=busiest[0], count=number(most))
                     if len(busiest) == 1 else
                     _("The areas with the most deaths were %(areas)s and %(last)s (%(count)s each).",
                       areas=", ".join(busiest[:-1]), last=busiest[-1], count=number(most)))
    lines.append(ngettext("%(deaths)s (%(share)s) was known only to partner agencies, against %(previous)s before.",
                          "%(deaths)s (%(share)s) were known only to partner agencies, against %(previous)s before.",
                          found.partners_only, deaths=_deaths(found.partners_only),
                          share=_share(found.partners_only, found.total),
                          previous=number(found.previous_partners_only)))
    lines.append(ngettext("Linked series with a death in this period: %(confirmed)s confirmed and %(count)s candidate "
                          "waiting for an analyst's decision.",
                          "Linked series with a death in this period: %(confirmed)s confirmed and %(count)s "
                          "candidates waiting for an analyst's decision.", len(found.candidate_series),
                          confirmed=number(len(found.confirmed_series)), count=number(len(found.candidate_series))))
    return lines


def _change(row) -> dict:
    return {"label": str(row.label), "current": number(row.current), "previous": number(row.previous),
            "change": row.change_words}


def _area_note(found: DeathFigures) -> str:
    if not found.extent:
        return _("No deaths have been analysed yet, so there is no map.")
    if found.positions is not None:
        return _("The map is cut into a grid of areas, columns lettered A to F from west to east and rows numbered "
                 "1 to 6 from north to south; each square shows how many deaths were found in it, and each death is "
                 "a dot.")
    return _("The map is cut into a grid of areas, columns lettered A to F from west to east and rows numbered 1 to 6 "
             "from north to south; each square shows how many deaths were found in it (with more than %(most)s "
             "deaths, the dots are left out).", most=number(death_figures.MAP_DOTS))


def _partners_note(found: DeathFigures) -> str:
    return _("Deaths that no police report told us of, only the NHS or a local authority: %(deaths)s in this period "
             "(%(share)s of all), against %(previous)s in the period before. By apparent cause:",
             deaths=_deaths(found.partners_only), share=_share(found.partners_only, found.total),
             previous=number(found.previous_partners_only))


def _series(series: SeriesInPeriod) -> dict:
    return {
        "reference": series.reference,
        "size": _deaths(len(series.members)),
        "score": f"{series.score:.2f}",
        "reasons": text("; ".join(series.reasons) or _("Not recorded")),
        "note": text(series.note) if series.note else "",
        "members": [{"reference": m.reference,
                     "found": (_day(m.found_at) if m.in_period else
                               _("%(date)s (outside the period)", date=_day(m.found_at))),
                     "cause": m.cause, "area": m.area or _("Not known")} for m in series.members],
    }


def area_map_png(extent: dict, counts: dict[str, int], points: list[tuple[float, float]] | None) -> bytes:
    """The grid of areas with each square's count, shaded as on the page, and a dot for each death
    (when there are no more than MAP_DOTS); b"" with no extent. matplotlib is imported only here."""
    if not extent:
        return b""
    import math

    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    columns, rows = int(extent["columns"]), int(extent["rows"])
    south, north, west, east = (float(extent[k]) for k in ("south", "north", "west", "east"))
    stretch = 1 / math.cos(math.radians((south + north) / 2))  # a degree of longitude is shorter
    ground = (east - west) / stretch / (north - south)
    ground = min(max(ground, 1 / 3), 3)
    figure = Figure(figsize=(6.6, min(6.6 / ground, 8.5) + 1.0), dpi=150)
    axes = figure.subplots()
    most = max(counts.values(), default=0)
    step, classes = shade_classes(most)
    cell_w, cell_h = (east - west) / columns, (north - south) / rows
    for r in range(rows):
        for c in range(columns):
            area = f"{chr(ord('A') + c)}{r + 1}"
            x0, y0 = west + c * cell_w, north - (r + 1) * cell_h
            shade = shade_of(counts.get(area, 0), step)
            axes.add_patch(Rectangle((x0, y0), cell_w, cell_h, facecolor=SHADES[shade], edgecolor="#b1b4b6",
                                     linewidth=0.8, zorder=1))
    inside = [(lat, lon) for lat, lon in points or () if south <= lat <= north and west <= lon <= east]
    if inside:
        axes.scatter([lon for _, lon in inside], [lat for lat, _ in inside], s=2, c="#0b0c0c", alpha=0.5,
                     linewidths=0, zorder=2)
    for r in range(rows):
        for c in range(columns):
            area = f"{chr(ord('A') + c)}{r + 1}"
            count = counts.get(area, 0)
            ink = "#ffffff" if shade_of(count, step) >= 4 else "#0b0c0c"
            x0, y1 = west + c * cell_w, north - r * cell_h
            axes.text(x0 + cell_w * 0.05, y1 - cell_h * 0.08, area, fontsize=6, color=ink, va="top", zorder=3)
            axes.text(x0 + cell_w / 2, y1 - cell_h / 2, number(count), fontsize=9, fontweight="bold", color=ink,
                      ha="center", va="center", zorder=3)
    axes.set_xlim(west, east)
    axes.set_ylim(south, north)
    axes.set_aspect(stretch)
    axes.set_xticks([west + (c + 0.5) * cell_w for c in range(columns)],
                    labels=[chr(ord("A") + c) for c in range(columns)], fontsize=9)
    axes.set_yticks([north - (r + 0.5) * cell_h for r in range(rows)], labels=[str(r + 1) for r in range(rows)],
                    fontsize=9)
    axes.xaxis.tick_top()
    axes.tick_params(length=0)
    axes.set_title(_("Deaths found in each area"), fontsize=10, loc="left", pad=18)
    handles = [Patch(facecolor=SHADES[index], edgecolor="#505a5f", label=label) for index, label in classes]
    axes.legend(handles=handles, title=_("Deaths in the area"), fontsize=7, title_fontsize=7, frameon=False,
                loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=len(handles))
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
