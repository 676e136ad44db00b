"""Reading pages in tests: a small parser (parse, Element) and what GOV.UK pages show (error_summary,
table_rows, success_banner, input_value...), with the markup a test types in to see it shown escaped
(SCRIPT, ESCAPED_SCRIPT) and dates as the GOV.UK date input posts them (parts) and pages show them
(long_date).

Import what a test needs from here, never from another test module. Records and people to start
from are in tests/builders.py.
"""
from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

# Markup typed into a form ---------------------------------------------------------------------------------

SCRIPT = "<script>alert('pwned')</script>"

ESCAPED_SCRIPT = "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;"


# Reading pages --------------------------------------------------------------------------------------------


class Element:
    """A node of a parsed page: enough of a DOM to find tables, links and form fields."""

    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Element | None = None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    @property
    def text(self) -> str:
        parts: list[str] = []

        def walk(node):
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                elif child.tag == "br":
                    parts.append(" ")
                else:
                    walk(child)

        walk(self)
        return " ".join("".join(parts).split())

    def has_class(self, name: str) -> bool:
        return name in (self.attrs.get("class") or "").split()

    def find_all(self, tag: str | None = None, *, cls: str | None = None, **attrs: str) -> list[Element]:
        found = []
        for child in self.children:
            if isinstance(child, Element):
                if ((tag is None or child.tag == tag) and (cls is None or child.has_class(cls))
                        and all(child.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())):
                    found.append(child)
                found.extend(child.find_all(tag, cls=cls, **attrs))
        return found

    def find(self, tag: str | None = None, *, cls: str | None = None, **attrs: str) -> Element | None:
        found = self.find_all(tag, cls=cls, **attrs)
        return found[0] if found else None


class _Parser(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("document", {})

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in self.VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Element:
    parser = _Parser()
    parser.feed(html)
    return parser.root


def error_summary(html: str) -> list[tuple[str, str | None]]:
    """The GOV.UK error summary's items: (message, link)."""
    summary = parse(html).find("div", cls="govuk-error-summary")
    if summary is None:
        return []
    return [(item.text, (item.find("a").attrs.get("href") if item.find("a") else None))
            for item in summary.find_all("li")]


def problems(html: str) -> str:
    """The error summary's messages, as one text."""
    return " ".join(text for text, _ in error_summary(html))


def table_rows(html: str, caption: str) -> list[list[str]]:
    """The body rows of the table whose caption starts with `caption`, as cell texts."""
    for table in parse(html).find_all("table"):
        found = table.find("caption")
        if found is not None and found.text.startswith(caption):
            return [[cell.text for cell in row.find_all("td")] for row in table.find("tbody").find_all("tr")]
    raise AssertionError(f"no table captioned {caption!r}")


def summary_list(html: str) -> dict[str, str]:
    """A GOV.UK summary list's rows (the first list on the page): {key: value}, as texts."""
    rows = parse(html).find("dl", cls="govuk-summary-list").find_all("div", cls="govuk-summary-list__row")
    return {row.find("dt").text: row.find("dd").text for row in rows}


def found_item_ids(html: str) -> set[int]:
    """The ids of the national library's items a search page lists (its cards are `item-<id>`)."""
    return {int(node.attrs["id"].removeprefix("item-")) for node in parse(html).find_all("li")
            if node.attrs.get("id", "").startswith("item-")}


def deadlines(html: str) -> dict[str, list[str]]:
    """The debrief page's deadlines table, by deadline name: [name and source, due, status, actions]."""
    rows = table_rows(html, "Deadlines for")
    return {row[0].split(" Source:")[0]: row for row in rows}


def history(html: str) -> list[str]:
    """What each line of the debrief's history says, newest first."""
    return [row[2] for row in table_rows(html, "Changes to")]


def success_banner(html: str) -> str | None:
    banner = parse(html).find("div", cls="govuk-notification-banner--success")
    return banner.find("div", cls="govuk-notification-banner__content").text if banner else None


def input_value(html: str, element_id: str) -> str | None:
    element = parse(html).find(id=element_id)
    assert element is not None, f"no element #{element_id}"
    if element.tag == "textarea":
        return "".join(c for c in element.children if isinstance(c, str)).removeprefix("\n")
    return element.attrs.get("value")


def selected_option(html: str, element_id: str) -> str | None:
    select = parse(html).find("select", id=element_id)
    chosen = [option.attrs.get("value") for option in select.find_all("option") if "selected" in option.attrs]
    return chosen[0] if chosen else None


def is_checked(html: str, name: str, value: str) -> bool:
    for element in parse(html).find_all("input", name=name):
        if element.attrs.get("value") == value:
            return "checked" in element.attrs
    raise AssertionError(f"no {name}={value} input")


# Dates as pages post and show them ------------------------------------------------------------------------


def parts(day: date) -> list[str]:
    """A date as the three GOV.UK date input boxes post it."""
    return [str(day.day), str(day.month), str(day.year)]


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


# Welsh pages ----------------------------------------------------------------------------------------------

#: Words that are English and never Welsh: a Welsh page showing one has an English sentence left in it.
ENGLISH_WORDS = frozenset("""
the and of you your with this that from have has will not are was were for been there what which when who
should must cannot please here page show hide back sign save change add enter choose select none nothing
yes no open closed due overdue met deadline deadlines recommendation recommendations lesson lessons debrief
debriefs owner owners board agency agencies invitation report reports death deaths
""".split())


def english_left(html: str, *, allow: tuple[str, ...] = ()) -> list[str]:
    """The visible text of a Welsh page that still reads as English: each text node with one of
    ENGLISH_WORDS, outside parts marked lang="en" (names of languages, protective markings) and outside
    `allow` (what the test typed: names, references, free text)."""
    found: list[str] = []

    def walk(node: Element) -> None:
        if node.tag in ("script", "style", "template") or node.attrs.get("lang") == "en":
            return
        for child in node.children:
            if isinstance(child, Element):
                walk(child)
                continue
            text = " ".join(child.split()).replace("Rapid Debrief", " ")
            for allowed in allow:
                text = text.replace(allowed, " ")
            words = {word.strip(".,:;!?()“”‘’'\"–—-").lower() for word in text.split()}
            if words & ENGLISH_WORDS:
                found.append(text)

    root = parse(html)
    walk(root.find("body") or root)
    return found
