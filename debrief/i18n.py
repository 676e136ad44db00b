"""Welsh and English: which language a person reads, and dates and numbers in it.

The words themselves are marked with `_()` (gettext) where they are written, and the words for stored
codes live in debrief/vocabulary.py; the catalogues are in debrief/translations/ (README: Welsh).

Who chooses (../shared/design/api.md, Conventions: Language):
- The API follows `Accept-Language` only: a program has no cookie to remember.
- A page follows the person's choice: the "Cymraeg" / "English" link at the top, kept in a cookie and,
  for staff, in their profile. Until they choose, the page's own default (a partner's page: the
  language of their invitation) and then the browser's `Accept-Language`.
- Email and Word documents made outside a request (jobs) say their language with `in_language()`.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from babel import dates, numbers
from flask import Flask, Response, current_app, g, has_request_context, redirect, request
from flask_babel import Babel, force_locale, get_locale, get_translations, gettext, ngettext, refresh
from jinja2 import pass_context
from jinja2.runtime import Context

from debrief.services.clock_calendar import LONDON

#: The languages offered, each named in itself (the link reads in the language it offers).
LANGUAGES = {"en": "English", "cy": "Cymraeg"}
DEFAULT = "en"
COOKIE = "language"
#: The query parameter the language link adds to the page it is on: `?lang=cy`.
SWITCH = "lang"
COOKIE_DAYS = 365
#: The catalogues: translations/cy/LC_MESSAGES/messages.po (compiled to .mo by bin/setup).
TRANSLATIONS = Path(__file__).resolve().parent / "translations"

babel = Babel()


def is_language(code: object) -> bool:
    return isinstance(code, str) and code in LANGUAGES


def choose_language() -> str:
    """The language of this request (Flask-Babel's locale selector)."""
    if not has_request_context():
        return DEFAULT
    if request.path.startswith("/api/"):
        return _from_browser()
    from flask_login import current_user

    for choice in (getattr(current_user, "language", None) if current_user.is_authenticated else None,
                   request.cookies.get(COOKIE), g.get("page_language")):
        if is_language(choice):
            return choice
    return _from_browser()


def _from_browser() -> str:
    """The first language the browser asks for, by quality, that we offer: "cy-GB, en;q=0.5" is Welsh."""
    for asked, _quality in request.accept_languages:  # highest quality first
        code = asked.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT


def current_language() -> str:
    return str(get_locale() or DEFAULT)


_ARTICLE_AFTER_A_VOWEL = re.compile(r"\b([IiOoâ])\s+yr?\s+")


def with_elision(text: str) -> str:
    """Welsh joins the article to a word ending in a vowel before it: a phrase set into a sentence
    ("Rhaid i %(label)s" with "y cyfeirnod") reads "Rhaid i’r cyfeirnod". English is left as it is."""
    return _ARTICLE_AFTER_A_VOWEL.sub(r"\1’r ", text) if current_language() == "cy" else text


def set_page_language(code: str | None) -> None:
    """A page's own default, below the person's choice: a partner's page is in their invitation's language."""
    if is_language(code):
        g.page_language = code
        refresh()


@contextmanager
def in_language(code: str | None) -> Iterator[None]:
    """Words, dates and numbers in `code` for the block (an email to one person, a job's document)."""
    with force_locale(code if is_language(code) else DEFAULT):
        yield


# Dates and numbers, through Babel's locale data: "Sunday 6 December 2026", "dydd Sul 6 Rhagfyr 2026".

def _local_day(value: date | datetime) -> date:
    return value.astimezone(LONDON).date() if isinstance(value, datetime) else value


@lru_cache(maxsize=4096)
def _formatted_day(day: date, pattern: str, language: str) -> str:
    # Babel takes about 70 µs a date; a page of due dates repeats the same few days.
    text = dates.format_date(day, pattern, locale=language)
    # Welsh writes "dydd Sul" in lower case, as English capitalises "Sunday" (CLDR gives "Dydd Sul").
    return text[:1].lower() + text[1:] if language == "cy" and pattern.startswith("EEEE") else text


def _day(value: date | datetime | None, pattern: str) -> str:
    return "" if value is None else _formatted_day(_local_day(value), pattern, current_language())


def long_date(value: date | datetime | None) -> str:
    """The day in full: "Sunday 6 December 2026"."""
    return _day(value, "EEEE d MMMM y")


def day_month_year(value: date | datetime | None) -> str:
    """"6 December 2026" (GOV.UK style, no weekday)."""
    return _day(value, "d MMMM y")


def short_date(value: date | datetime | None) -> str:
    """"6 Dec 2026": in tables and charts, where space is short."""
    return _day(value, "d MMM y")


def month_year(value: date | datetime | None) -> str:
    """"December 2026"."""
    return _day(value, "LLLL y")


def time_of_day(value: datetime | None) -> str:
    """"14:05", London time."""
    if value is None:
        return ""
    return value.astimezone(LONDON).strftime("%H:%M")


def date_and_time(value: datetime | None) -> str:
    """"6 December 2026 at 14:05", London time."""
    if value is None:
        return ""
    return gettext("%(date)s at %(time)s", date=day_month_year(value), time=time_of_day(value))


def number(value: int | float | None) -> str:
    """"1,234" (grouped as the language groups numbers)."""
    return "" if value is None else _formatted_number(value, current_language())


@lru_cache(maxsize=4096)
def _formatted_number(value: int | float, language: str) -> str:
    return numbers.format_decimal(value, locale=language)


def days(count: int) -> str:
    """"1 day", "3 days"; in Welsh "1 diwrnod", "2 ddiwrnod" (six plural forms)."""
    return ngettext("%(num)d day", "%(num)d days", count)


def _switch_language() -> Response | None:
    """The language link: `?lang=cy` on any page, answered by the same page without it, in that
    language from now on (cookie; and the profile, for staff). Only on GET: a link changes nothing else."""
    if request.method != "GET" or SWITCH not in request.args:
        return None
    code = request.args.get(SWITCH)
    query = request.args.copy()
    query.poplist(SWITCH)
    encoded = urlencode(list(query.items(multi=True)))
    target = request.path + (f"?{encoded}" if encoded else "")
    response = redirect(target, code=303)
    if is_language(code):
        response.set_cookie(COOKIE, code, max_age=COOKIE_DAYS * 86400, httponly=True, samesite="Lax",
                            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
        from flask_login import current_user

        if current_user.is_authenticated and not request.path.startswith("/api/"):
            from debrief.services import accounts

            from debrief.extensions import db

            accounts.choose_language(current_user, code)
            db.session.commit()
    return response


def language_link(code: str) -> str:
    """This page, with the language link's parameter: `/debriefs?page=2&lang=cy`."""
    query = [(key, value) for key, value in request.args.items(multi=True) if key != SWITCH]
    return request.path + "?" + urlencode([*query, (SWITCH, code)])


def _template_words() -> dict:
    code = current_language()
    return {"htmlLang": code, "language_code": code, "language_names": LANGUAGES, "language_link": language_link,
            "rendered_in": get_translations()}


# A template's `_()` and `{% trans %}`: the catalogue found once for the whole render (`rendered_in`,
# above) rather than on every string, as Flask-Babel's own callables do (16 µs a string; a board page has
# 700). Macros imported without the page's context look it up themselves.

def _catalogue(context: Context):
    return context.get("rendered_in") or get_translations()


@pass_context
def _template_gettext(context: Context, string: str) -> str:
    return _catalogue(context).ugettext(string)


@pass_context
def _template_ngettext(context: Context, singular: str, plural: str, count: int) -> str:
    return _catalogue(context).ungettext(singular, plural, count)


@pass_context
def _template_pgettext(context: Context, meaning: str, string: str) -> str:
    return _catalogue(context).upgettext(meaning, string)


@pass_context
def _template_npgettext(context: Context, meaning: str, singular: str, plural: str, count: int) -> str:
    return _catalogue(context).unpgettext(meaning, singular, plural, count)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=choose_language)
    app.jinja_env.install_gettext_callables(_template_gettext, _template_ngettext, newstyle=True,
                                            pgettext=_template_pgettext, npgettext=_template_npgettext)
    # {% trans %} blocks collapse their whitespace, as the extractor does (babel.cfg: trimmed).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    # Flask-Babel keeps the chosen language on `g`, which outlives a request where an application
    # context was already open (tests, jobs): each request chooses afresh.
    app.before_request(refresh)
    app.before_request(_switch_language)
    app.context_processor(_template_words)
    for name, function in (("long_date", long_date), ("day_month_year", day_month_year),
                           ("short_date", short_date), ("month_year", month_year),
                           ("date_and_time", date_and_time), ("time_of_day", time_of_day),
                           ("number", number), ("days", days)):
        app.add_template_filter(function, name)
