"""The debrief report: what a review team circulates after the rapid debrief meeting.

It holds the incident's facts and the briefing partners were given, but not the internal summary,
so that the report can go to the partner agencies who contributed. Everything else the debrief page
shows staff is in it: every deadline with its due date and when it was met, who attended, each
partner's contribution, the lessons, and the recommendations with their owners, due dates, status
and repeat links.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from debrief.documents import render, text
from debrief.models import ClockState, Debrief, utcnow
from debrief.services import clocks, invitations, lessons, recommendations, repeats
from debrief.history import choice_label
from debrief.i18n import date_and_time, long_date
from debrief.models.partners import InvitationState
from debrief.vocabulary import LESSON_CATEGORY, STATUS, words

TEMPLATE = "debrief-report.docx"
YES_NO = {True: _l("Yes"), False: _l("No")}
PRIOR_CONTACT = {"yes": _l("Yes"), "no": _l("No"), "unknown": _l("Not known")}
CLOCK_STATE = {ClockState.MET: _l("Met"), ClockState.PAUSED: _l("Paused"), ClockState.NOT_STARTED: _l("Not started")}
#: A partner invited who has not contributed, by the state of their invitation: one sentence each.
NO_CONTRIBUTION = {
    InvitationState.SENT: _l("Invited: sent. No contribution."),
    InvitationState.OPENED: _l("Invited: opened. No contribution."),
    InvitationState.RESPONDED: _l("Invited: responded. No contribution."),
    InvitationState.EXPIRED: _l("Invited: expired. No contribution."),
    InvitationState.REVOKED: _l("Invited: revoked. No contribution."),
}


def build(debrief: Debrief) -> bytes:
    """The report, in the language of the moment (the request's, or `in_language(...)`'s)."""
    return render(TEMPLATE, context(debrief), title=_("Rapid debrief report %(reference)s", reference=debrief.reference))


def filename(debrief: Debrief) -> str:
    return f"rapid-debrief-report-{debrief.reference}.docx"


def context(debrief: Debrief) -> dict:
    return {
        "reference": debrief.reference,
        "force": current_app.config["FORCE_NAME"],
        "incident_type": debrief.incident_type.localised_label,
        "produced": date_and_time(utcnow()),
        "facts": _facts(debrief),
        "partner_briefing": text(debrief.partner_briefing or _("No briefing was written for partner agencies.")),
        "clocks": [_clock(view) for view in map(clocks.view, clocks.clocks_of(debrief))],
        "meeting": _meeting(debrief),
        "attendees": [{"name": text(a.name), "agency": text(a.agency)} for a in debrief.attendees],
        "partners": [_partner(item) for item in invitations.partners_of(debrief)],
        "lessons": [{"text": text(lesson.text), "category": words(LESSON_CATEGORY, lesson.category),
                     "themes": text(", ".join(choice_label(t, "theme") for t in lesson.themes))}
                    for lesson in lessons.of_debrief(debrief).items],
        "recommendations": [_recommendation(r) for r in recommendations.of_debrief(debrief)],
    }


def _facts(debrief: Debrief) -> list[dict]:
    facts = [
        (_("Crime reference"), debrief.crime_reference),
        (_("Operation"), debrief.operation_name),
        (_("Type of incident"), debrief.incident_type.localised_label),
        (_("When it happened"), date_and_time(debrief.occurred_at)),
        (_("When it was reported"), date_and_time(debrief.reported_at)),
        (_("Area"), debrief.area),
        (_("Victim's age"), debrief.victim_age),
        (_("Victim's sex"), choice_label(debrief.victim_sex, "victim_sex")),
        (_("Relationship to the suspect"), choice_label(debrief.relationship_to_suspect, "relationship")),
        (_("Domestic"), _yes_no(debrief.domestic)),
        (_("Weapon"), choice_label(debrief.weapon, "weapon")),
        (_("Police contact before the incident"), _yes_no(debrief.prior_police_contact)),
        (_("Themes"), ", ".join(choice_label(t, "theme") for t in debrief.themes)),
        (_("Review officer"), debrief.reviewer.name),
    ]
    return [{"label": label, "value": text(value)} for label, value in facts]


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else str(YES_NO[value])


def _clock(view: clocks.ClockView) -> dict:
    clock = view.clock
    label = clocks.clock_name(clock)  # in the reader's language, a partner's with their agency's name
    if view.state is ClockState.OVERDUE:
        state = ngettext("Overdue by %(num)d day", "Overdue by %(num)d days", -view.days_left)
    elif view.state is ClockState.PENDING and view.days_left is not None:
        state = _("Due today") if view.days_left == 0 else ngettext("%(num)d day left", "%(num)d days left",
                                                                     view.days_left)
    else:
        state = str(CLOCK_STATE.get(view.state, view.state.value))
    return {"label": text(label), "due": text(long_date(clock.due_date)), "met": text(date_and_time(clock.met_at)),
            "state": state}


def _meeting(debrief: Debrief) -> str:
    if debrief.meeting_held_at:
        return _("Held on %(when)s.", when=date_and_time(debrief.meeting_held_at))
    if debrief.meeting_scheduled_for:
        return _("Planned for %(when)s; not yet held.", when=date_and_time(debrief.meeting_scheduled_for))
    return _("Not yet held.")


def _partner(item: invitations.PartnerView) -> dict:
    invitation = item.invitation
    latest = item.contributions[-1] if item.contributions else None
    if latest is None:
        state = NO_CONTRIBUTION.get(item.state) or _("Invited: %(state)s. No contribution.", state=item.state.value)
        return {"agency": text(invitation.agency.localised_name), "state": str(state), "answers": []}
    answers = [(_("Attending the meeting"), _yes_no(latest.attending)),
               (_("Contact with the people involved"), str(PRIOR_CONTACT.get(latest.prior_contact, latest.prior_contact))
                if latest.prior_contact else None),
               (_("What the contact was"), latest.contact_summary),
               (_("What could be learned"), latest.learning)]
    versions = len(item.contributions)
    when = date_and_time(latest.submitted_at)
    state = (_("Contributed on %(when)s (version %(version)s).", when=when, version=versions) if versions > 1
             else _("Contributed on %(when)s.", when=when))
    return {"agency": text(invitation.agency.localised_name), "state": state,
            "answers": [{"label": label, "value": text(value)} for label, value in answers]}


def _recommendation(recommendation) -> dict:
    links = repeats.of(recommendation)
    said = []
    if links.repeat_of is not None:
        said.append(_("Repeat of %(reference)s", reference=links.repeat_of.earlier.reference))
    if links.repeated_by:
        said.append(_("Repeated by %(references)s",
                      references=", ".join(link.recommendation.reference for link in links.repeated_by)))
    owner = recommendation.owner
    return {"reference": recommendation.reference, "text": text(recommendation.text),
            "owner": text(f"{owner.name} ({owner.email})" if owner else None),
            "due": text(long_date(recommendation.due_date)), "status": words(STATUS, recommendation.status),
            "repeats": text("; ".join(said))}
