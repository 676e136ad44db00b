"""The debrief report: what a review team circulates after the rapid debrief meeting.

It holds the incident's facts and the briefing partners were given, but not the internal summary,
so that the report can go to the partner agencies who contributed. Everything else the debrief page
shows staff is in it: every deadline with its due date and when it was met, who attended, each
partner's contribution, the lessons, and the recommendations with their owners, due dates, status
and repeat links.
"""
from __future__ import annotations

from flask import current_app

from debrief.documents import render, text
from debrief.models import ClockState, Debrief, utcnow
from debrief.services import clocks, invitations, lessons, recommendations, repeats
from debrief.history import choice_label
from debrief.i18n import date_and_time, long_date
from debrief.vocabulary import LESSON_CATEGORY, STATUS

TEMPLATE = "debrief-report.docx"
YES_NO = {True: "Yes", False: "No"}
PRIOR_CONTACT = {"yes": "Yes", "no": "No", "unknown": "Not known"}


def build(debrief: Debrief) -> bytes:
    return render(TEMPLATE, context(debrief), title=f"Rapid debrief report {debrief.reference}")


def filename(debrief: Debrief) -> str:
    return f"rapid-debrief-report-{debrief.reference}.docx"


def context(debrief: Debrief) -> dict:
    return {
        "reference": debrief.reference,
        "force": current_app.config["FORCE_NAME"],
        "incident_type": debrief.incident_type.label,
        "produced": date_and_time(utcnow()),
        "facts": _facts(debrief),
        "partner_briefing": text(debrief.partner_briefing or "No briefing was written for partner agencies."),
        "clocks": [_clock(view) for view in map(clocks.view, clocks.clocks_of(debrief))],
        "meeting": _meeting(debrief),
        "attendees": [{"name": text(a.name), "agency": text(a.agency)} for a in debrief.attendees],
        "partners": [_partner(item) for item in invitations.partners_of(debrief)],
        "lessons": [{"text": text(lesson.text), "category": LESSON_CATEGORY.get(lesson.category, lesson.category),
                     "themes": text(", ".join(choice_label(t, "theme") for t in lesson.themes))}
                    for lesson in lessons.of_debrief(debrief).items],
        "recommendations": [_recommendation(r) for r in recommendations.of_debrief(debrief)],
    }


def _facts(debrief: Debrief) -> list[dict]:
    facts = [
        ("Crime reference", debrief.crime_reference),
        ("Operation", debrief.operation_name),
        ("Type of incident", debrief.incident_type.label),
        ("When it happened", date_and_time(debrief.occurred_at)),
        ("When it was reported", date_and_time(debrief.reported_at)),
        ("Area", debrief.area),
        ("Victim's age", debrief.victim_age),
        ("Victim's sex", choice_label(debrief.victim_sex, "victim_sex")),
        ("Relationship to the suspect", choice_label(debrief.relationship_to_suspect, "relationship")),
        ("Domestic", YES_NO[debrief.domestic]),
        ("Weapon", choice_label(debrief.weapon, "weapon")),
        ("Police contact before the incident", YES_NO[debrief.prior_police_contact]),
        ("Themes", ", ".join(choice_label(t, "theme") for t in debrief.themes)),
        ("Review officer", debrief.reviewer.name),
    ]
    return [{"label": label, "value": text(value)} for label, value in facts]


def _clock(view: clocks.ClockView) -> dict:
    clock = view.clock
    label = clock.label + (f" ({clock.invitation.agency.name})" if clock.invitation is not None else "")
    if view.state is ClockState.OVERDUE:
        state = f"Overdue by {-view.days_left} day{'s' if view.days_left != -1 else ''}"
    elif view.state is ClockState.PENDING and view.days_left is not None:
        state = "Due today" if view.days_left == 0 else f"{view.days_left} day{'s' if view.days_left != 1 else ''} left"
    else:
        state = {ClockState.MET: "Met", ClockState.PAUSED: "Paused", ClockState.NOT_STARTED: "Not started"}.get(
            view.state, view.state.value)
    return {"label": text(label), "due": text(long_date(clock.due_date)), "met": text(date_and_time(clock.met_at)),
            "state": state}


def _meeting(debrief: Debrief) -> str:
    if debrief.meeting_held_at:
        return f"Held on {date_and_time(debrief.meeting_held_at)}."
    if debrief.meeting_scheduled_for:
        return f"Planned for {date_and_time(debrief.meeting_scheduled_for)}; not yet held."
    return "Not yet held."


def _partner(item: invitations.PartnerView) -> dict:
    invitation = item.invitation
    latest = item.contributions[-1] if item.contributions else None
    if latest is None:
        return {"agency": text(invitation.agency.name), "state": f"Invited: {item.state.value}. No contribution.",
                "answers": []}
    answers = [("Attending the meeting", YES_NO[latest.attending]),
               ("Contact with the people involved", PRIOR_CONTACT.get(latest.prior_contact, latest.prior_contact)),
               ("What the contact was", latest.contact_summary),
               ("What could be learned", latest.learning)]
    versions = len(item.contributions)
    state = f"Contributed on {date_and_time(latest.submitted_at)}" + (f" (version {versions})." if versions > 1 else ".")
    return {"agency": text(invitation.agency.name), "state": state,
            "answers": [{"label": label, "value": text(value)} for label, value in answers]}


def _recommendation(recommendation) -> dict:
    links = repeats.of(recommendation)
    said = []
    if links.repeat_of is not None:
        said.append(f"Repeat of {links.repeat_of.earlier.reference}")
    if links.repeated_by:
        said.append("Repeated by " + ", ".join(link.recommendation.reference for link in links.repeated_by))
    owner = recommendation.owner
    return {"reference": recommendation.reference, "text": text(recommendation.text),
            "owner": text(f"{owner.name} ({owner.email})" if owner else None),
            "due": text(long_date(recommendation.due_date)), "status": STATUS.get(recommendation.status),
            "repeats": text("; ".join(said))}
