"""Maps and a timeline of deaths, drawn on the server as SVG: no map tiles (nothing leaves the
force's network), no script, nothing the Content-Security-Policy blocks (colours and sizes are SVG
attributes, never inline styles).

Each drawing is an image with a name that reads out what it shows, its text drawn as text so that no
figure is told by colour alone; the page lists the same figures beside it. Every word that came
from a record is escaped.

The map is the analysis's extent (services/death_analysis.py) cut into its grid of areas, columns
lettered west to east and rows numbered north to south ("C4"). Positions are projected
equirectangularly with the cosine of the latitude, so that a square kilometre looks square.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime

from babel import dates
from flask import has_app_context
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup, escape

from debrief.deaths.words import number
from debrief.i18n import day_month_year
from debrief.services.clock_calendar import LONDON, add_months
from debrief.services.death_figures import MAP_DOTS

# GOV.UK Frontend's colours. The shades run from white (no deaths) to dark blue (the most); each
# square's count is written in it as well, so the shade is never the only way to read it.
SHADES = ("#ffffff", "#d2e2f1", "#8eb8dc", "#5694ca", "#1d70b8", "#003078")
TEXT, BORDER, MID_GREY, BLUE, WHITE, FOCUS = "#0b0c0c", "#b1b4b6", "#505a5f", "#1d70b8", "#ffffff", "#ffdd00"
FONT = '"GDS Transport", arial, sans-serif'
_METRES_PER_DEGREE_LAT = 110_574
_METRES_PER_DEGREE_LON = 111_320  # at the equator; times cos(latitude)


def _svg(name: str, width: float, height: float, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="rd-map" id="{escape(name)}" role="img" aria-labelledby="{escape(name)}-name" focusable="false" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'font-family=\'{FONT}\' font-size="16" fill="{TEXT}">'
        f'<title id="{escape(name)}-name">{escape(title)}</title>{"".join(body)}</svg>')


def _text(x: float, y: float, words: object, *, size: int = 16, anchor: str = "start", bold: bool = False,
          fill: str = TEXT, halo: str | None = None) -> str:
    extra = ' font-weight="700"' if bold else ""
    if halo:
        # A ring of the background's colour round each letter keeps it readable over dots and lines.
        extra += f' stroke="{halo}" stroke-width="3" paint-order="stroke" stroke-linejoin="round"'
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{extra}>'
            f'{escape(words)}</text>')


def _deaths(n: int) -> str:
    return ngettext("%(count)s death", "%(count)s deaths", n, count=number(n))


def _column_name(index: int) -> str:
    return chr(ord("A") + index)


def _long_date(day: date) -> str:
    return day_month_year(day)


def _short(day: date, pattern: str) -> str:
    """"6 Dec", "Dec 2026": Babel's short month names in the reader's language."""
    return dates.format_date(day, pattern, locale=(get_locale() if has_app_context() else None) or "en")


# The area map --------------------------------------------------------------------------------------


def area_map(extent: dict, counts: dict[str, int], points: Sequence[tuple[float, float]] | None = None, *,
             highlight: str | None = None, name: str = "area-map") -> Markup:
    """The map's grid of areas, each shaded by its count of deaths and showing it, with a legend;
    with `points` (at most MAP_DOTS of them) each death as a dot. `highlight` outlines one area.
    `name` is the drawing's id, for a page with more than one."""
    if not extent:
        return Markup('<p class="govuk-body">%s</p>') % _("No deaths have been analysed yet.")
    columns, rows = int(extent["columns"]), int(extent["rows"])
    south, north, west, east = (float(extent[k]) for k in ("south", "north", "west", "east"))
    areas = [f"{_column_name(c)}{r + 1}" for r in range(rows) for c in range(columns)]
    counts = {area: int(counts.get(area, 0) or 0) for area in areas}

    plot_w, plot_h = _fit((east - west) * math.cos(math.radians((south + north) / 2)), north - south, 600, 600)
    left, top = 34.0, 34.0
    cell_w, cell_h = plot_w / columns, plot_h / rows
    step, classes = shade_classes(max(counts.values(), default=0))

    body = []
    for r in range(rows):
        for c in range(columns):
            area = f"{_column_name(c)}{r + 1}"
            body.append(f'<rect x="{left + c * cell_w:.1f}" y="{top + r * cell_h:.1f}" width="{cell_w:.1f}" '
                        f'height="{cell_h:.1f}" fill="{SHADES[shade_of(counts[area], step)]}" stroke="{BORDER}" '
                        f'stroke-width="1"></rect>')
    drawn_dots = points is not None and len(points) <= MAP_DOTS
    if drawn_dots and points:
        radius = 3 if len(points) <= 200 else 2
        dots = []
        for lat, lon in points:
            if lat is None or lon is None or not (south <= lat <= north and west <= lon <= east):
                continue
            x = left + (lon - west) / (east - west) * plot_w
            y = top + (north - lat) / (north - south) * plot_h
            dots.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}"></circle>')
        body.append(f'<g fill="{TEXT}" fill-opacity="0.55" stroke="{WHITE}" stroke-width="0.5">{"".join(dots)}</g>')
    small = cell_h < 44 or cell_w < 44
    for r in range(rows):
        for c in range(columns):
            area = f"{_column_name(c)}{r + 1}"
            shade = shade_of(counts[area], step)
            ink, halo = (WHITE, SHADES[shade]) if shade >= 4 else (TEXT, SHADES[shade])
            x0, y0 = left + c * cell_w, top + r * cell_h
            if not small:
                body.append(_text(x0 + 5, y0 + 16, area, size=13, fill=ink, halo=halo))
            body.append(_text(x0 + cell_w / 2, y0 + cell_h / 2 + (6 if small else 10), number(counts[area]),
                              size=14 if small else 18, anchor="middle", bold=True, fill=ink, halo=halo))
    if highlight in counts:
        index = areas.index(highlight)
        r, c = divmod(index, columns)
        body.append(f'<rect x="{left + c * cell_w:.1f}" y="{top + r * cell_h:.1f}" width="{cell_w:.1f}" '
                    f'height="{cell_h:.1f}" fill="none" stroke="{TEXT}" stroke-width="5"></rect>'
                    f'<rect x="{left + c * cell_w + 2.5:.1f}" y="{top + r * cell_h + 2.5:.1f}" '
                    f'width="{cell_w - 5:.1f}" height="{cell_h - 5:.1f}" fill="none" stroke="{FOCUS}" '
                    f'stroke-width="2"></rect>')
    for c in range(columns):
        body.append(_text(left + (c + 0.5) * cell_w, top - 10, _column_name(c), anchor="middle", bold=True))
    for r in range(rows):
        body.append(_text(left - 10, top + (r + 0.5) * cell_h + 6, r + 1, anchor="end", bold=True))

    # The legend under the map, wrapping onto more lines when it is wider than the map.
    legend_y = top + plot_h + 28
    body.append(_text(0, legend_y + 14, _("Deaths in each area:"), size=14, bold=True))
    entries = [(f'<rect x="{{x:.1f}}" y="{{y:.1f}}" width="18" height="18" fill="{SHADES[index]}" stroke="{MID_GREY}" '
                f'stroke-width="1"></rect>', label) for index, label in classes]
    if drawn_dots and points:
        entries.append((f'<circle cx="{{x_dot:.1f}}" cy="{{y_dot:.1f}}" r="3" fill="{TEXT}" '
                        f'fill-opacity="0.55"></circle>', _("one death")))
    start_x, room = 170.0, max(left + plot_w, 600.0)
    x, y = start_x, legend_y
    for mark, label in entries:
        entry_width = 24 + 8 * len(label) + 18
        if x > start_x and x + entry_width > room:
            x, y = start_x, y + 26
        body.append(mark.format(x=x, y=y, x_dot=x + 9, y_dot=y + 9))
        body.append(_text(x + 24, y + 14, label, size=14))
        x += entry_width
    width, height = max(left + plot_w + 10, 600.0), y + 30
    svg = _svg(name, width, height, _area_map_name(counts, highlight, drawn_dots and bool(points)), body)
    return Markup(f'<figure class="rd-chart-figure">{svg}</figure>')


def _fit(ground_width: float, ground_height: float, most_w: float, most_h: float) -> tuple[float, float]:
    """The largest box of the ground's shape inside most_w × most_h, never thinner than a third."""
    if ground_width <= 0 or ground_height <= 0:
        return most_w, most_h
    aspect = min(max(ground_width / ground_height, 1 / 3), 3)
    if aspect >= most_w / most_h:
        return most_w, most_w / aspect
    return most_h * aspect, most_h


def shade_classes(most: int) -> tuple[int, list[tuple[int, str]]]:
    """The legend: the step between shades and [(shade, words)]. Up to five shades above none."""
    if most <= 0:
        return 1, [(0, _("none"))]
    step = max(1, math.ceil(most / 5))
    classes = [(0, _("none"))]
    for index in range(1, 6):
        low, high = (index - 1) * step + 1, min(index * step, most)
        if low > most:
            break
        classes.append((index, number(low) if low == high else _("%(low)s to %(high)s", low=number(low),
                                                                                 high=number(high))))
    return step, classes


def shade_of(count: int, step: int) -> int:
    return 0 if count <= 0 else min(5, math.ceil(count / step))


def _area_map_name(counts: dict[str, int], highlight: str | None, dots: bool) -> str:
    total = sum(counts.values())
    if total == 0:
        words = _("Map of the %(areas)s areas: no deaths in any of them", areas=number(len(counts)))
    else:
        with_deaths = sum(1 for count in counts.values() if count)
        most = max(counts.values())
        busiest = [area for area, count in counts.items() if count == most]
        where = ngettext("Map of %(deaths)s in %(count)s area", "Map of %(deaths)s in %(count)s areas", with_deaths,
                         deaths=_deaths(total), count=number(with_deaths))
        if len(busiest) > 1:
            words = _("%(map)s; most in %(areas)s (%(most)s each)", map=where, areas=_and(busiest), most=number(most))
        else:
            words = _("%(map)s; most in %(areas)s (%(most)s)", map=where, areas=_and(busiest), most=number(most))
        if dots:
            words = _("%(map)s; each death is a dot", map=words)
    if highlight in counts:
        words = _("%(map)s; area %(area)s is outlined (%(deaths)s)", map=words, area=highlight,
                  deaths=_deaths(counts[highlight]))
    return _("%(words)s.", words=words)


def _and(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return _("%(first)s and %(last)s", first=", ".join(words[:-1]), last=words[-1])


# A series on the map -------------------------------------------------------------------------------


def series_map(extent: dict, members: Sequence[tuple[str, float | None, float | None]], *,
               name: str = "series-map") -> Markup:
    """The members of a series as numbered markers (1 is the first of `members`), zoomed to them with
    a margin, over the grid of areas, with a scale bar; beside it, the numbered list of labels."""
    placed = [(marker, label, lat, lon) for marker, (label, lat, lon) in enumerate(members, start=1)
              if lat is not None and lon is not None]
    legend = "".join(f"<li>{escape(label) if lat is not None and lon is not None else escape(_('%(label)s (place not known)', label=label))}</li>"
                     for label, lat, lon in members)
    if not placed:
        return Markup('<p class="govuk-body">%s</p>') % _("None of these deaths has a known place, so there is no map.")
    width, height, pad = 600.0, 420.0, 0.25
    lat0 = sum(lat for _n, _l, lat, _o in placed) / len(placed)
    lon0 = sum(lon for _n, _l, _a, lon in placed) / len(placed)
    x_per_degree = _METRES_PER_DEGREE_LON * math.cos(math.radians(lat0))

    def metres(lat: float, lon: float) -> tuple[float, float]:
        return (lon - lon0) * x_per_degree, (lat - lat0) * _METRES_PER_DEGREE_LAT

    xs, ys = zip(*(metres(lat, lon) for _n, _l, lat, lon in placed))
    span_x, span_y = max(max(xs) - min(xs), 300.0), max(max(ys) - min(ys), 300.0)
    scale = min(width / (span_x * (1 + 2 * pad)), height / (span_y * (1 + 2 * pad)))  # pixels per metre
    centre_x, centre_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

    def pixel(lat: float, lon: float) -> tuple[float, float]:
        mx, my = metres(lat, lon)
        return width / 2 + (mx - centre_x) * scale, height / 2 - (my - centre_y) * scale

    body = [f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#f3f2f1" stroke="{BORDER}"></rect>']
    body += _grid_in_view(extent, pixel, width, height)

    drawn: list[tuple[float, float]] = []
    markers = []
    for marker, _label, lat, lon in placed:
        x, y = _clear_of(pixel(lat, lon), drawn)
        drawn.append((x, y))
        markers.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="12" fill="{BLUE}" stroke="{WHITE}" stroke-width="2"></circle>'
                       + _text(x, y + 5, marker, size=14, anchor="middle", bold=True, fill=WHITE))
    body += markers
    body += _scale_bar(width / scale, scale, height)

    furthest = max((_metres_apart(a[2], a[3], b[2], b[3]) for i, a in enumerate(placed) for b in placed[i + 1:]),
                   default=None)
    title = _("Map of %(deaths)s, numbered as in the list: %(members)s", deaths=_deaths(len(placed)),
              members="; ".join(f"{marker}, {label}" for marker, label, _lat, _lon in placed))
    if furthest is not None:
        title = _("%(map)s. The two furthest apart are %(distance)s apart", map=title, distance=_distance(furthest))
    if len(placed) < len(members):
        unplaced = len(members) - len(placed)
        title = _("%(map)s. %(deaths)s not shown: place not known", map=title, deaths=_deaths(unplaced))
    svg = _svg(name, width, height, _("%(words)s.", words=title), body)
    return Markup('<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">'
                  f'<figure class="rd-chart-figure">{svg}</figure></div>'
                  '<div class="govuk-grid-column-one-third">'
                  f'<ol class="govuk-list govuk-list--number govuk-body-s">{legend}</ol></div></div>')


def _grid_in_view(extent: dict, pixel, width: float, height: float) -> list[str]:
    """The lines of the grid of areas that cross the view, and each area's name in the top-left
    corner of the part of it in view."""
    if not extent:
        return []
    columns, rows = int(extent["columns"]), int(extent["rows"])
    south, north, west, east = (float(extent[k]) for k in ("south", "north", "west", "east"))
    xs = [pixel(north, west + c * (east - west) / columns)[0] for c in range(columns + 1)]
    ys = [pixel(north - r * (north - south) / rows, west)[1] for r in range(rows + 1)]
    lines = []
    for x in xs:
        if 0 < x < width:
            lines.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height:.0f}" stroke="{MID_GREY}" '
                         f'stroke-width="1" stroke-dasharray="4 4"></line>')
    for y in ys:
        if 0 < y < height:
            lines.append(f'<line x1="0" y1="{y:.1f}" x2="{width:.0f}" y2="{y:.1f}" stroke="{MID_GREY}" '
                         f'stroke-width="1" stroke-dasharray="4 4"></line>')
    for c in range(columns):
        for r in range(rows):
            x0, x1 = max(xs[c], 0), min(xs[c + 1], width)
            y0, y1 = max(ys[r], 0), min(ys[r + 1], height)
            if x1 - x0 > 30 and y1 - y0 > 22:
                lines.append(_text(x0 + 5, y0 + 17, f"{_column_name(c)}{r + 1}", size=14, fill=MID_GREY,
                                   halo="#f3f2f1"))
    return lines


def _clear_of(at: tuple[float, float], drawn: list[tuple[float, float]]) -> tuple[float, float]:
    """A marker's place, moved round in a widening circle until it no longer covers another."""
    x, y = at
    for turn in range(60):
        if all(math.hypot(x - dx, y - dy) >= 24 for dx, dy in drawn):
            return x, y
        angle, reach = turn * 2.4, 14 + turn * 1.5
        x, y = at[0] + reach * math.cos(angle), at[1] + reach * math.sin(angle)
    return x, y


def _scale_bar(view_metres: float, scale: float, height: float) -> list[str]:
    """A bar of a round distance, about a quarter of the view's width, in its bottom-left corner."""
    target = view_metres / 4
    power = 10 ** math.floor(math.log10(target))
    length = max(n * power for n in (1, 2, 5) if n * power <= target) if target >= 1 else 1
    pixels = length * scale
    x, y = 14.0, height - 18
    return [f'<rect x="{x - 6:.1f}" y="{y - 26:.1f}" width="{pixels + 12:.1f}" height="34" fill="{WHITE}" '
            f'fill-opacity="0.85"></rect>',
            f'<path d="M{x:.1f} {y - 6:.1f} V{y:.1f} H{x + pixels:.1f} V{y - 6:.1f}" fill="none" stroke="{TEXT}" '
            f'stroke-width="2"></path>',
            _text(x, y - 10, _distance(length), size=14)]


def _distance(metres: float) -> str:
    if metres < 1000:
        return _("%(metres)s m", metres=number(round(metres)))
    return _("%(kilometres)s km", kilometres=number(round(metres / 1000, 1)))


def _metres_apart(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(min(1.0, a)))


# A timeline ----------------------------------------------------------------------------------------


def timeline(members: Sequence[tuple[str, datetime | None]], *, name: str = "timeline") -> Markup:
    """The members along a line of months, each a marker with its label above (in lanes, so that no
    two labels overlap), dates in London."""
    known = sorted(((at.astimezone(LONDON).date() if isinstance(at, datetime) else at, label)
                    for label, at in members if at is not None), key=lambda item: item[0])
    if not known:
        return Markup('<p class="govuk-body">%s</p>') % _("None of these deaths has a known date, so there is no timeline.")
    first, last = known[0][0], known[-1][0]
    start = first.replace(day=1)
    end = add_months(last.replace(day=1), 1)
    months = []
    month = start
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    width, left, right = 720.0, 20.0, 20.0
    plot = width - left - right
    days = max((end - start).days, 1)

    def x_of(day: date) -> float:
        return left + (day - start).days / days * plot

    # Labels in lanes above the line, the nearest lane first.
    lane_ends: list[float] = []
    placed = []
    for day, label in known:
        words = _("%(label)s (%(day)s)", label=label, day=_short(day, "d MMM"))
        x = x_of(day)
        text_width = 7.6 * len(words)
        anchor, x0 = ("start", x - 4) if x - 4 + text_width <= width else ("end", x + 4 - text_width)
        lane = next((i for i, lane_end in enumerate(lane_ends) if lane_end + 10 < x0), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(x0 + text_width)
        else:
            lane_ends[lane] = x0 + text_width
        placed.append((x, lane, anchor, words))
    lane_height = 22
    axis_y = 16 + len(lane_ends) * lane_height + 14
    height = axis_y + 44

    body = [f'<line x1="{left:.0f}" y1="{axis_y:.1f}" x2="{width - right:.0f}" y2="{axis_y:.1f}" stroke="{TEXT}" '
            f'stroke-width="2"></line>']
    every = next(n for n in (1, 2, 3, 6, 12, 24, 60, 120) if len(months) / n <= 12)
    for index, month in enumerate(months):
        x = x_of(month)
        labelled = index % every == 0 and month < end
        body.append(f'<line x1="{x:.1f}" y1="{axis_y:.1f}" x2="{x:.1f}" y2="{axis_y + (8 if labelled else 5):.1f}" '
                    f'stroke="{TEXT}" stroke-width="1"></line>')
        if labelled:
            words = _short(month, "MMM y" if index == 0 or month.month == 1 else "MMM")
            body.append(_text(x + 3, axis_y + 24, words, size=13, fill=MID_GREY))
    for x, lane, anchor, words in placed:
        y = axis_y - 14 - lane * lane_height
        body.append(f'<line x1="{x:.1f}" y1="{axis_y:.1f}" x2="{x:.1f}" y2="{y + 4:.1f}" stroke="{MID_GREY}" '
                    f'stroke-width="1"></line>')
        body.append(_text(x - 4 if anchor == "start" else x + 4, y, words, size=13, anchor=anchor, halo=WHITE))
    for x, _lane, _anchor, _words in placed:
        body.append(f'<circle cx="{x:.1f}" cy="{axis_y:.1f}" r="6" fill="{BLUE}" stroke="{WHITE}" '
                    f'stroke-width="2"></circle>')

    title = _("Timeline of %(deaths)s from %(first)s to %(last)s: %(members)s", deaths=_deaths(len(known)),
              first=_long_date(first), last=_long_date(last),
              members="; ".join(_("%(label)s on %(date)s", label=label, date=_long_date(day)) for day, label in known))
    if len(known) < len(members):
        title = _("%(timeline)s. %(deaths)s not shown: date not known", timeline=title,
                  deaths=_deaths(len(members) - len(known)))
    svg = _svg(name, width, height, _("%(words)s.", words=title), body)
    return Markup(f'<figure class="rd-chart-figure">{svg}</figure>')
