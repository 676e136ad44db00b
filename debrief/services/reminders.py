"""Reminders and escalations: who is chased, about what, and when.

Every rule decides from stored state only (due dates, clock states, whether the invitation was
answered) and names each email with an idempotency key that says what it is about and for which
due date or day, e.g. `due-in-7:<recommendation>:<due date>`. The outbox refuses a key it already
holds, so a pass run twice sends nothing new, a pass missed for a day is caught up once by the next
(the key of a day that has gone is never made again), and a moved due date is reminded afresh.

What goes, in the morning (from SEND_FROM, London time):
- a partner who has not answered: INVITATION_WORKING_DAYS before their contribution deadline
  (with a new link: the first link's secret was never kept);
- a debrief's reviewer: each of its clocks due within REMIND_DAYS_BEFORE, and each overdue;
- an owner: their response due within REMIND_DAYS_BEFORE; the recommendation due within DUE_AHEAD_DAYS
  and on the day; and one daily digest of everything of theirs that is overdue;
- the board chair (BOARD_CHAIR_EMAIL, and every active board user marked chair): once a week from
  Monday morning, everything overdue, awaiting closure, and repeats of implemented recommendations.

Each pass reads only what is due: rows found through the due-date indexes, and per-item reminders
looked for no further back than CATCH_UP (the digest and the weekly escalation cover what is older).
Bodies are plain and short, name the item by its reference, link to the page where the action is
done, and carry no incident detail: email is not a secure channel.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload

from debrief.extensions import db
from debrief.i18n import in_language, long_date, number
from debrief.models import Clock, Debrief, Invitation, OutboxEmail, Recommendation, Role, User, UserRole
from debrief.services import clocks, invitations, notifications, repeats
from debrief.services import recommendations as recommendation_service
from debrief.services.clock_calendar import LONDON, end_of_day, london_date
from debrief.services.recommendation_lifecycle import Status

SEND_FROM = time(7, 0)
INVITATION_WORKING_DAYS = 3
#: A deadline is reminded by email from this many days before it (the pages' "due soon" is
#: clocks.DUE_SOON_ON_PAGES).
REMIND_DAYS_BEFORE = 2
#: A recommendation's own due date is reminded a week ahead, and again on the day.
DUE_AHEAD_DAYS = 7
CATCH_UP = timedelta(days=14)
LISTED = 20  # items named in a digest or an escalation; the rest are counted, with a link


@dataclass(frozen=True)
class Reminder:
    to: str
    subject: str
    body: str
    secret_link: str | None = None
    invitation_id: int | None = None  # the partner invitation whose new link it carries


@dataclass(frozen=True)
class Candidate:
    """Something a rule found due: its key, and how to write the email if the key is new."""

    key: str
    write: Callable[[], Reminder]


def send_due(now: datetime) -> dict[str, int]:
    """Queues every reminder due at `now` that has not been queued before; returns how many of each
    kind. Before SEND_FROM (London) nothing is queued: people are reminded in the morning."""
    if now.astimezone(LONDON).time() < SEND_FROM:
        return {}
    today = london_date(now)
    queued = {}
    for name, rule in RULES:
        candidates = rule(now, today)
        queued[name] = _queue_new(candidates)
    return queued


def _queue_new(candidates: list[Candidate]) -> int:
    """Writes and queues the candidates whose key the outbox does not hold yet."""
    held: set[str] = set()
    keys = [c.key for c in candidates]
    for start in range(0, len(keys), 1000):
        held.update(db.session.scalars(
            sa.select(OutboxEmail.idempotency_key).where(OutboxEmail.idempotency_key.in_(keys[start:start + 1000]))))
    new = [c for c in candidates if c.key not in held]
    emails = []
    for candidate in new:
        reminder = candidate.write()
        emails.append(notifications.Email(candidate.key, reminder.to, reminder.subject, reminder.body,
                                          reminder.secret_link, invitation_id=reminder.invitation_id))
    notifications.queue_all(emails)
    return len(new)


def _url(path: str) -> str:
    return f"{current_app.config['BASE_URL']}{path}"


def _day(value: date) -> str:
    """"Sunday 6 December 2026", in the language in force ("dydd Sul 6 Rhagfyr 2026")."""
    return long_date(value)


def _hello(name: str | None) -> str:
    return notifications.hello(name) + "\n\n"

# Every email is written in its reader's language: a partner's in their invitation's, a member of
# staff's in the one they chose (English until they choose), inside `in_language`.


# Partners ---------------------------------------------------------------------------------------


def unanswered_invitations(now: datetime, today: date) -> list[Candidate]:
    """Invitations not answered, neither withdrawn nor expired, whose contribution deadline is at
    most INVITATION_WORKING_DAYS working days away (or has passed: a missed reminder still goes)."""
    horizon = clocks.calendar().add_working_days(today, INVITATION_WORKING_DAYS)
    oldest = now - timedelta(days=current_app.config["INVITATION_EXPIRY_DAYS"])  # older ones have expired
    rows = db.session.execute(
        sa.select(Invitation, Clock.due_date)
        .join(Clock, Clock.invitation_id == Invitation.id)
        .options(joinedload(Invitation.debrief), joinedload(Invitation.invited_by))
        .where(Clock.met_at.is_(None), Clock.paused_at.is_(None), Clock.due_at.is_not(None),
               Clock.due_at > oldest, Clock.due_at <= end_of_day(horizon),
               Invitation.responded_at.is_(None), invitations.link_works(now))
    ).all()
    return [Candidate(f"invitation-reminder:{invitation.id}:{due}",
                      lambda invitation=invitation, due=due: _invitation_reminder(invitation, due, now))
            for invitation, due in rows]


def _invitation_reminder(invitation: Invitation, due: date, now: datetime) -> Reminder:
    with in_language(invitation.language):
        return _write_invitation_reminder(invitation, due, now)


def _write_invitation_reminder(invitation: Invitation, due: date, now: datetime) -> Reminder:
    reviewer = invitation.invited_by
    words = {"reference": invitation.debrief.reference, "date": _day(due),
             "agency": invitation.agency.localised_name}
    if due < london_date(now):
        subject = _("Reminder: rapid debrief %(reference)s: your agency's response was due on %(date)s", **words)
        asked = _("We asked %(agency)s to tell us about any contact you had with the people involved in rapid "
                  "debrief %(reference)s, and what could be learned. We have not had your response yet; it was "
                  "due on %(date)s.", **words)
    else:
        subject = _("Reminder: rapid debrief %(reference)s: your agency's response is due on %(date)s", **words)
        asked = _("We asked %(agency)s to tell us about any contact you had with the people involved in rapid "
                  "debrief %(reference)s, and what could be learned. We have not had your response yet; it is "
                  "due on %(date)s.", **words)
    return Reminder(
        to=invitation.contact_email,
        subject=subject,
        secret_link=invitations.new_link(invitation, now),
        invitation_id=invitation.id,
        body=(f"{_hello(invitation.contact_name)}{asked}\n\n"
              + _("Open this link to respond (no account is needed):\n%(link)s",
                  link=notifications.LINK_PLACEHOLDER) + "\n\n"
              + _("The link in our first email still works too. Please do not forward either.") + "\n\n"
              + notifications.questions_to(reviewer) + "\n"))


# Reviewers: their debriefs' clocks --------------------------------------------------------------


def _running_clocks():
    return sa.and_(Clock.met_at.is_(None), Clock.paused_at.is_(None), Clock.due_at.is_not(None))


def debrief_clocks(now: datetime, today: date) -> list[Candidate]:
    """Each running clock of a debrief (partner contribution clocks included) due within
    REMIND_DAYS_BEFORE, and each overdue for no longer than CATCH_UP, to the debrief's reviewer."""
    soon_until = end_of_day(today + timedelta(days=REMIND_DAYS_BEFORE))
    found = db.session.scalars(
        sa.select(Clock)
        .options(joinedload(Clock.debrief).joinedload(Debrief.reviewer),
                 joinedload(Clock.invitation))
        .where(_running_clocks(), Clock.debrief_id.is_not(None),
               Clock.due_at > now - CATCH_UP, Clock.due_at <= soon_until)).all()
    return [Candidate(f"{'clock-overdue' if clock.due_at < now else 'clock-due-soon'}:{clock.id}:{clock.due_date}",
                      lambda clock=clock: _clock_reminder(clock, now)) for clock in found]


def _clock_reminder(clock: Clock, now: datetime) -> Reminder:
    with in_language(clock.debrief.reviewer.language):
        return _write_clock_reminder(clock, now)


def _write_clock_reminder(clock: Clock, now: datetime) -> Reminder:
    debrief = clock.debrief
    reviewer = debrief.reviewer
    label = clocks.clock_name(clock)  # in the reader's language, a partner's with their agency's name
    words = {"label": label, "reference": debrief.reference, "date": _day(clock.due_date)}
    if clock.due_at < now:
        subject = _("Overdue: %(label)s, rapid debrief %(reference)s", **words)
        said = _("The deadline \"%(label)s\" for rapid debrief %(reference)s was due on %(date)s and is overdue.",
                 **words)
    else:
        subject = _("Due soon: %(label)s, rapid debrief %(reference)s", **words)
        said = _("The deadline \"%(label)s\" for rapid debrief %(reference)s is due on %(date)s.", **words)
    return Reminder(
        to=reviewer.email,
        subject=subject,
        body=(f"{_hello(reviewer.name)}{said}\n\n"
              + _("Record when it was met, or extend or pause it with a reason, on the debrief's page:") + "\n"
              f"{_url(f'/debriefs/{debrief.id}')}\n"))


# Owners: their recommendations ------------------------------------------------------------------


def responses_due(now: datetime, today: date) -> list[Candidate]:
    """Owners whose response to a recommendation is due within REMIND_DAYS_BEFORE."""
    soon_until = end_of_day(today + timedelta(days=REMIND_DAYS_BEFORE))
    rows = db.session.execute(
        sa.select(Recommendation, Clock.due_date)
        .join(Clock, Clock.recommendation_id == Recommendation.id)
        .options(joinedload(Recommendation.owner))
        .where(_running_clocks(), Clock.kind == "recommendation_response",
               Clock.due_at >= now, Clock.due_at <= soon_until,
               Recommendation.status == Status.OPEN.value, Recommendation.owner_id.is_not(None))).all()
    return [Candidate(f"response-due:{recommendation.id}:{due}",
                      lambda r=recommendation, due=due: _response_reminder(r, due))
            for recommendation, due in rows]


def _response_reminder(recommendation: Recommendation, due: date) -> Reminder:
    owner = recommendation.owner
    with in_language(owner.language):
        words = {"reference": recommendation.reference, "date": _day(due)}
        return Reminder(
            to=owner.email,
            subject=_("Your response to %(reference)s is due on %(date)s", **words),
            body=(f"{_hello(owner.name)}"
                  + _("Recommendation %(reference)s is allocated to you. Your response (your plan to carry it "
                      "out) is due on %(date)s.", **words) + "\n\n"
                  + _("Respond here: %(url)s", url=_url(f"/recommendations/{recommendation.id}/respond")) + "\n"))


def recommendations_due(now: datetime, today: date) -> list[Candidate]:
    """Recommendations still the owner's to do that fall due within DUE_AHEAD_DAYS (one reminder),
    and on the day (another)."""
    found = db.session.scalars(
        sa.select(Recommendation).options(joinedload(Recommendation.owner))
        .where(recommendation_service.is_still_to_do(), Recommendation.owner_id.is_not(None),
               Recommendation.due_date >= today,
               Recommendation.due_date <= today + timedelta(days=DUE_AHEAD_DAYS))).all()
    return [Candidate(f"{'due-today' if r.due_date == today else 'due-in-7'}:{r.id}:{r.due_date}",
                      lambda r=r: _due_reminder(r, today)) for r in found]


def _due_reminder(recommendation: Recommendation, today: date) -> Reminder:
    owner = recommendation.owner
    due = recommendation.due_date
    with in_language(owner.language):
        words = {"reference": recommendation.reference, "date": _day(due)}
        if due == today:
            subject = _("%(reference)s is due today", **words)
            said = _("Recommendation %(reference)s, allocated to you, is due today.", **words)
        else:
            subject = _("%(reference)s is due on %(date)s", **words)
            said = _("Recommendation %(reference)s, allocated to you, is due on %(date)s.", **words)
        return Reminder(
            to=owner.email, subject=subject,
            body=(f"{_hello(owner.name)}{said}\n\n"
                  + _("When it is done, say so with your evidence so the board can close it; if it needs longer, "
                      "ask for an extension:") + "\n"
                  f"{_url(f'/recommendations/{recommendation.id}')}\n"))


def overdue_digests(now: datetime, today: date) -> list[Candidate]:
    """One email a day to each owner with anything overdue: past its due date, or their response
    past due."""
    response_overdue = sa.exists().where(
        Clock.recommendation_id == Recommendation.id, Clock.kind == "recommendation_response",
        Clock.met_at.is_(None), Clock.paused_at.is_(None), Clock.due_at < now)
    overdue = sa.and_(recommendation_service.is_still_to_do(), Recommendation.owner_id.is_not(None),
                      sa.or_(Recommendation.due_date < today,
                             sa.and_(Recommendation.status == Status.OPEN.value, response_overdue)))
    owners = db.session.scalars(sa.select(Recommendation.owner_id).where(overdue).distinct()).all()
    by_owner: dict[int, list[tuple[int, int, int, date]]] = {}  # read once, for every digest to write
    people: dict[int, User] = {}

    def write(owner_id: int) -> Reminder:
        if not by_owner:
            people.update((u.id, u) for u in db.session.scalars(sa.select(User).where(User.id.in_(owners))))
            for owner, *item in db.session.execute(
                    sa.select(Recommendation.owner_id, Recommendation.id, Recommendation.reference_year,
                              Recommendation.reference_number, Recommendation.due_date)
                    .where(overdue).order_by(Recommendation.owner_id, Recommendation.due_date, Recommendation.id)):
                by_owner.setdefault(owner, []).append(item)
        return _digest(people[owner_id], by_owner.get(owner_id, []), today)

    return [Candidate(f"overdue-digest:{owner_id}:{today}", lambda owner_id=owner_id: write(owner_id))
            for owner_id in owners]


def _digest(owner: User, items: list, today: date) -> Reminder:
    with in_language(owner.language):
        return _write_digest(owner, items, today)


def _more(count: int) -> str:
    """"...and 3 more." after a list cut short."""
    return ngettext("...and %(num)d more.", "...and %(num)d more.", count)


def _write_digest(owner: User, items: list, today: date) -> Reminder:
    listed = items[:LISTED]
    lines = [(_("- %(reference)s, due on %(date)s: %(url)s", date=_day(due), **item) if due < today else
              _("- %(reference)s, your response is overdue: %(url)s", **item))
             for item_id, year, number, due in listed
             for item in [{"reference": Recommendation.numbered(year, number),
                           "url": _url(f"/recommendations/{item_id}")}]]
    more = "\n" + _more(len(items) - len(listed)) if len(items) > len(listed) else ""
    return Reminder(
        to=owner.email,
        subject=ngettext("%(num)d overdue recommendation allocated to you",
                         "%(num)d overdue recommendations allocated to you", len(items)),
        body=(f"{_hello(owner.name)}"
              + _("These recommendations allocated to you are overdue:") + "\n\n" + "\n".join(lines) + more
              + "\n\n" + _("All your actions: %(url)s", url=_url("/my-actions")) + "\n"))


# The board chair --------------------------------------------------------------------------------


def chairs() -> list[tuple[str, str | None, str | None]]:
    """Who receives the weekly escalation: BOARD_CHAIR_EMAIL, and every active board user marked
    as chair (each address once): address, name and language (None: English)."""
    found: dict[str, tuple[str | None, str | None]] = {}
    configured = current_app.config.get("BOARD_CHAIR_EMAIL", "").strip().lower()
    if configured:
        found[configured] = (None, None)
    for email, name, language in db.session.execute(
            sa.select(User.email, User.name, User.language).join(UserRole, UserRole.user_id == User.id)
            .where(User.is_board_chair.is_(True), User.active.is_(True), UserRole.role == Role.BOARD.value)
            .order_by(User.id)):
        found[email.lower()] = (name, language)
    return [(address, name, language) for address, (name, language) in found.items()]


def weekly_escalation(now: datetime, today: date) -> list[Candidate]:
    """From Monday morning, once in each ISO week, to each chair."""
    year, week, _weekday = today.isocalendar()
    content: dict[str, tuple[str, str]] = {}  # written once in each language for every chair

    def write(address: str, name: str | None, language: str | None) -> Reminder:
        with in_language(language):
            if language not in content:
                content[language] = _escalation(today)
            subject, body = content[language]
            return Reminder(to=address, subject=subject, body=_hello(name) + body)

    return [Candidate(f"board-escalation:{address}:{year}-W{week:02d}",
                      lambda address=address, name=name, language=language: write(address, name, language))
            for address, name, language in chairs()]


def _escalation(today: date) -> tuple[str, str]:
    summary = recommendation_service.board_summary()
    did_not_stick = repeats.learning_did_not_stick(per_page=LISTED)
    overdue = recommendation_service.search(overdue=True, per_page=LISTED)
    awaiting = recommendation_service.awaiting_closure(per_page=LISTED)

    def section(title: str, total: int, lines: Iterable[str]) -> str:
        lines = list(lines)
        more = "\n" + _more(total - len(lines)) if total > len(lines) else ""
        return (_("%(title)s (%(total)s):", title=title, total=number(total)) + "\n"
                + ("\n".join(lines) if lines else _("None.")) + more + "\n\n")

    def overdue_line(r: Recommendation) -> str:
        words = {"reference": r.reference, "date": _day(r.due_date), "url": _url(f"/recommendations/{r.id}")}
        if r.owner:
            return _("- %(reference)s, owner %(owner)s, due %(date)s: %(url)s", owner=r.owner.name, **words)
        return _("- %(reference)s, owner none, due %(date)s: %(url)s", **words)

    body = (
        _("The week's escalation for the governance board, %(date)s.", date=_day(today)) + "\n\n"
        + section(_("Repeats of recommendations closed as implemented: the learning did not stick"),
                  did_not_stick.total,
                  (_("- %(reference)s repeats %(earlier)s: %(url)s", reference=link.recommendation.reference,
                     earlier=link.earlier.reference, url=_url(f"/recommendations/{link.recommendation_id}"))
                   for link in did_not_stick.items))
        + section(_("Overdue"), overdue.total, (overdue_line(r) for r in overdue.items))
        + section(_("Awaiting the board's closure decision"), awaiting.total,
                  (f"- {r.reference}: {_url(f'/recommendations/{r.id}/close')}" for r in awaiting.items))
        + _("Confirmed repeats still open: %(count)s.", count=number(summary.repeats)) + "\n\n"
        + _("The board's queue: %(url)s", url=_url("/board")) + "\n")
    subject = _("Board escalation: %(overdue)s overdue, %(awaiting)s awaiting closure, %(repeats)s repeats of "
                "implemented recommendations", overdue=number(summary.overdue),
                awaiting=number(summary.awaiting_closure), repeats=number(summary.repeats_of_implemented))
    return subject, body


RULES: list[tuple[str, Callable[[datetime, date], list[Candidate]]]] = [
    ("invitations not answered", unanswered_invitations),
    ("debrief clocks", debrief_clocks),
    ("responses due", responses_due),
    ("recommendations due", recommendations_due),
    ("overdue digests", overdue_digests),
    ("board escalation", weekly_escalation),
]
