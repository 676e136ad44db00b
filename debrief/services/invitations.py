"""Partner invitations: the secret link, what a partner may see and send, and the engagement report.

A partner has no account. Their link carries 32 random bytes; only its SHA-256 is stored. The link
works for one invitation to one debrief until it expires or is revoked, and for nothing else.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from collections.abc import Callable
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l

from debrief.extensions import db
from debrief.i18n import day_month_year, in_language, is_language, long_date
from debrief.models import (
    Agency, Clock, Contribution, Debrief, DebriefTheme, Invitation, InvitationState, OutboxEmail, User, utcnow,
)
from debrief.services import agencies, audit, clocks, notifications
from debrief.services import validation as check
from debrief.services.clock_calendar import LONDON, end_of_day, start_of_day
from debrief.services.errors import Conflict, Gone, NotFound, ValidationFailed
from debrief.services.pagination import MAX_PER_PAGE, Page, paginate
from debrief.vocabulary import localised

PRIOR_CONTACT = {"yes", "no", "unknown"}

#: Whether an invitation's email has left (api.md `email_status`), from the state of the latest email
#: carrying its link: `queued` until the mail server accepts it, then `sent`; `failed` when it gave up.
EMAIL_STATUS = {"pending": "queued", "sent": "sent", "failed": "failed"}


class AlreadyInvited(Conflict):
    """The contact already holds a live invitation to this debrief (409 `duplicate`)."""

    def __init__(self, existing: Invitation):
        message = _("%(email)s already has an invitation to this debrief, sent %(date)s. Resend that one if "
                    "the email did not arrive.", email=existing.contact_email, date=day_month_year(existing.created_at))
        super().__init__("duplicate", message, {"email": message})
        self.existing = existing


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link(token: str) -> str:
    return f"{current_app.config['BASE_URL']}/invite/{token}"


def expires_at_for(sent_at: datetime) -> datetime:
    """When the link of an invitation sent at `sent_at` stops working."""
    return sent_at + timedelta(days=current_app.config["INVITATION_EXPIRY_DAYS"])


def state(invitation: Invitation, now: datetime | None = None) -> InvitationState:
    return invitation.state_at(now or utcnow())


def link_works(now: datetime):
    """SQL: the invitation's link still opens (neither withdrawn nor expired), the twin of a state
    that is not REVOKED or EXPIRED."""
    return sa.and_(Invitation.revoked_at.is_(None), Invitation.expires_at > now)


def invite(debrief: Debrief, *, agency: str | int | None, email: str | None, name: str | None,
           actor: User, language: str | None = None) -> tuple[Invitation, str]:
    """Invites an agency's named contact; emails them the link. Returns the invitation and its link,
    which is shown once to the reviewer and is never stored. `language` ("en" or "cy") is the language
    of its emails and of the partner's page; None: the agency's."""
    errors: dict[str, str] = {}
    chosen = agencies.find(agency)
    if chosen is None or not chosen.active:
        errors["agency"] = _("Select an agency from the list") if agency not in (None, "") else _("Select the agency")
    address = (email or "").strip().lower()
    if not address:
        errors["email"] = _("Enter the contact's email address")
    else:
        try:
            address = validate_email(address, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            errors["email"] = _("Enter an email address in the correct format, like name@nhs.net")
    name = check.text(name, "name", errors, label=_l("the contact's name"),
                      max_length=check.LIMITS["invitation.name"], single_line=True)
    if language not in (None, "") and not is_language(language):
        errors["language"] = _("Select the language of the invitation: English or Cymraeg")
    if errors:
        raise ValidationFailed(errors)
    now = utcnow()
    existing = live_invitation(debrief, address, now)
    if existing is not None:
        raise AlreadyInvited(existing)

    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        debrief_id=debrief.id, agency=chosen, contact_email=address, contact_name=name,
        token_hash=_digest(token), invited_by_id=actor.id, created_at=now,
        expires_at=expires_at_for(now), language=language or chosen.language or "en",
    )
    db.session.add(invitation)
    db.session.flush()
    clock = clocks.start_partner_clock(invitation, debrief, actor)
    audit.record(actor, "invitation_sent", "invitation", invitation.id,
                 {"agency": chosen.name, "email": address, "language": invitation.language}, debrief_id=debrief.id)
    _queue_invitation_email(invitation, key=f"invitation:{invitation.id}", token=token, clock=clock, reviewer=actor)
    return invitation, link(token)


def live_invitation(debrief: Debrief, address: str, now: datetime | None = None) -> Invitation | None:
    """The invitation to `debrief` that the contact at `address` holds and can still use, if any."""
    now = now or utcnow()
    return db.session.scalar(sa.select(Invitation).where(
        Invitation.debrief_id == debrief.id, Invitation.contact_email == address,
        link_works(now)).order_by(Invitation.id).limit(1))


def resend(invitation: Invitation, *, actor: User) -> str:
    """Emails the contact again, with a new link (an email that failed or never arrived). The link
    it replaces keeps working, as a reminder's does; an email of this invitation still waiting, or
    failed, is not sent. Refused once the invitation is withdrawn or has expired. Returns the link."""
    now = utcnow()
    current = state(invitation, now)
    if current in (InvitationState.REVOKED, InvitationState.EXPIRED):
        raise Conflict("invalid_transition",
                       _("This invitation has been withdrawn: send a new one instead.")
                       if current is InvitationState.REVOKED else
                       _("This invitation has expired: send a new one instead."))
    token = secrets.token_urlsafe(32)
    invitation.previous_token_hash, invitation.token_hash = invitation.token_hash, _digest(token)
    notifications.replace_waiting(invitation.id)
    sent_before = db.session.scalar(sa.select(sa.func.count(OutboxEmail.id))
                                    .where(OutboxEmail.invitation_id == invitation.id))
    audit.record(actor, "invitation_resent", "invitation", invitation.id,
                 {"agency": invitation.agency.name, "email": invitation.contact_email}, debrief_id=invitation.debrief_id)
    _queue_invitation_email(invitation, key=f"invitation:{invitation.id}:resent:{sent_before}", token=token,
                            clock=clocks.partner_clock(invitation.id), reviewer=actor)
    return link(token)


def _queue_invitation_email(invitation: Invitation, *, key: str, token: str, clock: Clock | None, reviewer: User) -> None:
    """The invitation's email, written in the invitation's language (subject and body)."""
    with in_language(invitation.language):
        subject = _("Rapid debrief %(reference)s: please share what your agency knows",
                    reference=invitation.debrief.reference)
        body = _invitation_email(invitation, invitation.debrief, clock, reviewer)
    notifications.queue(key=key, to=invitation.contact_email, secret_link=link(token), reply_to=reviewer.email,
                        invitation_id=invitation.id, subject=subject, body=body)


def email_status(invitation: Invitation) -> str:
    """`queued`, `sent` or `failed`: the state of the latest email carrying the invitation's link
    (an invitation from before the outbox linked its emails counts as sent once it reached the contact)."""
    emails = [e for e in invitation.emails if e.status != "replaced"]
    if not emails:
        return "sent" if invitation.delivered_at is not None else "queued"
    return EMAIL_STATUS[emails[-1].status]


def _invitation_email(invitation: Invitation, debrief: Debrief, clock: Clock | None, reviewer: User) -> str:
    """Plain and short, and nothing about the incident beyond its reference: email is not secure.
    Written in the language in force (the caller's `in_language`)."""
    force = current_app.config["FORCE_NAME"]
    paragraphs = [
        notifications.hello(invitation.contact_name),
        _("%(force)s is holding a rapid debrief after a serious incident (reference %(reference)s). We are "
          "asking %(agency)s to tell us about any contact you had with the people involved, and what could "
          "be learned.", force=force, reference=debrief.reference, agency=invitation.agency.localised_name),
    ]
    if clock and clock.due_date:
        paragraphs.append(_("Please respond by %(date)s.", date=long_date(clock.due_date)))
    paragraphs += [
        _("Open this link to read the briefing and respond (no account is needed):\n%(link)s",
          link=notifications.LINK_PLACEHOLDER),
        _("The link is for you only: please do not forward it. It works until %(date)s.",
          date=long_date(invitation.expires_at.astimezone(LONDON).date())),
    ]
    return "\n\n".join(paragraphs) + "\n\n" + notifications.questions_to(reviewer) + "\n"


def new_link(invitation: Invitation, now: datetime) -> str:
    """A new secret link for a reminder (the first link's secret was never kept). The link it
    replaces keeps working; one older than that stops."""
    token = secrets.token_urlsafe(32)
    invitation.previous_token_hash, invitation.token_hash = invitation.token_hash, _digest(token)
    invitation.last_reminded_at = now
    audit.record(None, "invitation_reminded", "invitation", invitation.id, debrief_id=invitation.debrief_id)
    return link(token)


def for_partner(token: str, found: Callable[[Invitation], None] | None = None) -> Invitation:
    """The invitation behind a link, if it may still be used. Unknown or tampered: NotFound (404).
    Expired or revoked: Gone (410), naming who to contact, with the refusal added to the history.
    `found` is told the invitation as soon as it is known, before any answer is written (the partner's
    page takes the invitation's language from it)."""
    digest = _digest(token)
    invitation = db.session.scalar(sa.select(Invitation).where(
        sa.or_(Invitation.token_hash == digest, Invitation.previous_token_hash == digest)))
    if invitation is None:
        raise NotFound(_("This link is not recognised. Check it was copied in full from your email."))
    if found is not None:
        found(invitation)
    current = state(invitation)
    if current is InvitationState.REVOKED or utcnow() >= invitation.expires_at:
        reviewer = invitation.invited_by
        # A use of a dead link is still a use: the caller commits this before answering 410.
        audit.record(None, "invitation_refused", "invitation", invitation.id, {"because": current.value},
                     debrief_id=invitation.debrief_id, invitation=invitation)
        reference = invitation.debrief.reference
        words = dict(reference=reference, name=reviewer.name, email=reviewer.email)
        raise Gone(_("This invitation to rapid debrief %(reference)s has been withdrawn. If you still have "
                     "information to share, contact %(name)s at %(email)s.", **words)
                   if current is InvitationState.REVOKED else
                   _("This invitation to rapid debrief %(reference)s has expired. If you still have information "
                     "to share, contact %(name)s at %(email)s.", **words),
                   {"contact_name": reviewer.name, "contact_email": reviewer.email, "reference": reference})
    return invitation


def record_opened(invitation: Invitation) -> None:
    """Every use of a link is in the history; the first opening changes its state."""
    now = utcnow()
    first = invitation.opened_at is None
    if first:
        invitation.opened_at = now
    if invitation.delivered_at is None:  # the link reached them, whatever way it went
        invitation.delivered_at = now
    audit.record(None, "invitation_opened", "invitation", invitation.id, {"first": first},
                 debrief_id=invitation.debrief_id, invitation=invitation)


@dataclass
class ContributionDetails:
    attending: str | None = None
    prior_contact: str | None = None
    contact_summary: str | None = None
    learning: str | None = None


def contribute(invitation: Invitation, details: ContributionDetails) -> Contribution:
    """A partner's submission; a resubmission is kept as a new version. The first one meets the
    invitation's contribution deadline."""
    errors: dict[str, str] = {}
    attending = check.choice(details.attending, "attending", errors, {"yes", "no"},
                             label=_l("whether someone from your agency will attend the meeting"), required=True)
    prior = check.choice(details.prior_contact, "prior_contact", errors, PRIOR_CONTACT,
                         label=_l("whether your agency had contact with the people involved"), required=True)
    summary = check.text(details.contact_summary, "contact_summary", errors,
                         label=_l("a summary of the contact your agency had"), required=prior == "yes",
                         max_length=check.LIMITS["contribution.contact_summary"])
    learning = check.text(details.learning, "learning", errors, label=_l("what could be learned"),
                          max_length=check.LIMITS["contribution.learning"])
    if errors:
        raise ValidationFailed(errors)
    # One submission at a time per invitation (a double click posts twice at once): the row lock makes
    # the second wait for the first to commit, then number its version after it and see its response.
    db.session.execute(sa.select(Invitation.id).where(Invitation.id == invitation.id).with_for_update())
    db.session.refresh(invitation)
    now = utcnow()
    version = (db.session.scalar(sa.select(sa.func.max(Contribution.version))
                                 .where(Contribution.invitation_id == invitation.id)) or 0) + 1
    contribution = Contribution(invitation_id=invitation.id, version=version, submitted_at=now,
                                attending=attending == "yes", prior_contact=prior,
                                contact_summary=summary if prior == "yes" else None, learning=learning)
    db.session.add(contribution)
    if invitation.responded_at is None:
        invitation.responded_at = now
        deadline = clocks.partner_clock(invitation.id)
        if deadline is not None and deadline.met_at is None:
            deadline.met_at = now
            deadline.paused_at = None
    db.session.flush()
    audit.record(None, "contribution_submitted", "invitation", invitation.id, {"version": version},
                 debrief_id=invitation.debrief_id, invitation=invitation)
    return contribution


def revoke(invitation: Invitation, *, actor: User) -> None:
    if invitation.revoked_at is not None:
        raise Conflict("invalid_transition", _("This invitation is already revoked."))
    invitation.revoked_at = utcnow()
    audit.record(actor, "invitation_revoked", "invitation", invitation.id, {"agency": invitation.agency.name},
                 debrief_id=invitation.debrief_id)


def get(invitation_id: int) -> Invitation | None:
    return db.session.get(Invitation, invitation_id)


def of_debrief(debrief: Debrief, page: int = 1, per_page: int = MAX_PER_PAGE) -> Page:
    """The debrief's invitations, oldest first."""
    return paginate(sa.select(Invitation).where(Invitation.debrief_id == debrief.id)
                    .options(selectinload(Invitation.emails))
                    .order_by(Invitation.created_at, Invitation.id), page, per_page)


def contributions_of(debrief: Debrief, page: int = 1, per_page: int = MAX_PER_PAGE) -> Page:
    """Every version of every contribution to the debrief, oldest first."""
    return paginate(sa.select(Contribution).join(Contribution.invitation)
                    .options(contains_eager(Contribution.invitation))
                    .where(Invitation.debrief_id == debrief.id)
                    .order_by(Contribution.submitted_at, Contribution.id), page, per_page)


# The partner engagement report ----------------------------------------------------------------


@dataclass(frozen=True)
class AgencyEngagement:
    agency: str
    sent: int
    opened: int
    responded: int
    late: int
    never_answered: int


#: Partner engagement is looked at over the last year unless a period is chosen: the board's figure,
#: the dashboard and the report. Ten years of national history would otherwise be counted on every
#: view, and a partner's silence on a debrief long closed is not what a board acts on.
RECENT_DAYS = 365


def recent_period(today: date) -> tuple[date, date]:
    """The last year up to `today` (London dates, both ends included)."""
    return today - timedelta(days=RECENT_DAYS), today


def _delivered():
    """SQL: the invitation's link reached its contact. Partner engagement counts only these: a partner
    cannot answer an email that never left."""
    return Invitation.delivered_at.is_not(None)


def _not_answered_in_time(now: datetime):
    """SQL: not answered, not revoked, and its deadline (its clock's, else its link's) has run out."""
    deadline = sa.func.coalesce(Invitation.respond_by, Invitation.expires_at)
    return sa.and_(Invitation.responded_at.is_(None), Invitation.revoked_at.is_(None),
                   sa.or_(deadline < now, Invitation.expires_at <= now))


def not_answered_in_time(start: date, end: date, now: datetime | None = None) -> int:
    """How many delivered invitations sent from `start` to `end` were not answered in time (the board's figure)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Invitation).where(
        Invitation.created_at >= start_of_day(start), Invitation.created_at <= end_of_day(end), _delivered(),
        _not_answered_in_time(now or utcnow()))) or 0


def engagement(start: date, end: date, now: datetime | None = None, *, theme: str | None = None,
               incident_type: str | None = None) -> list[AgencyEngagement]:
    """Per agency, for invitations sent from `start` to `end` (London dates, inclusive) and delivered
    (`_delivered`), to debriefs of `theme` and `incident_type` if given: how many were sent, opened,
    answered, answered after their deadline, and never answered although their deadline (or the
    link) has run out. Revoked invitations count as sent, never as unanswered. Each invitation's
    deadline is its clock's, copied beside it (`Invitation.respond_by`): the year is read from
    ix_invitations_created alone."""
    now = now or utcnow()
    if end < start:
        raise ValidationFailed({"end": _("The end of the period must be on or after its start")})
    # Counted by agency id over the index alone, then named: the ~35 agencies joined to their
    # groups, not to each of a year's invitations.
    by_agency = (sa.select(Invitation.agency_id, sa.func.count().label("sent"), sa.func.count(Invitation.opened_at),
                           sa.func.count(Invitation.responded_at),
                           sa.func.count().filter(Invitation.responded_at > Invitation.respond_by),
                           sa.func.count().filter(_not_answered_in_time(now)))
                 .where(Invitation.created_at >= start_of_day(start), Invitation.created_at <= end_of_day(end),
                        _delivered(), *_of_debriefs(theme, incident_type))
                 .group_by(Invitation.agency_id).subquery())
    rows = db.session.execute(
        sa.select(Agency.name, Agency.name_cy, *list(by_agency.c)[1:])
        .join(by_agency, by_agency.c.agency_id == Agency.id).order_by(Agency.name))
    # The agency as the reader names it (its Welsh name on Welsh pages, where it has one).
    return [AgencyEngagement(localised(name, name_cy), *counts) for name, name_cy, *counts in rows]


def _of_debriefs(theme: str | None, incident_type: str | None) -> list:
    conditions = []
    if theme is not None:
        conditions.append(Invitation.debrief_id.in_(sa.select(DebriefTheme.debrief_id).where(DebriefTheme.theme == theme)))
    if incident_type is not None:
        conditions.append(Invitation.debrief_id.in_(sa.select(Debrief.id).where(Debrief.incident_type_code == incident_type)))
    return conditions


@dataclass(frozen=True)
class PartnerView:
    """One invitation on the debrief page: its state beside its deadline and every contribution."""

    invitation: Invitation
    state: InvitationState
    deadline: Clock | None
    contributions: list[Contribution]
    email_status: str


def partners_of(debrief: Debrief, now: datetime | None = None) -> list[PartnerView]:
    """Every invitation of the debrief with what belongs to it, in four queries whatever their number."""
    now = now or utcnow()
    invited = of_debrief(debrief).items
    ids = [i.id for i in invited]
    versions: dict[int, list[Contribution]] = {i: [] for i in ids}
    deadlines: dict[int, Clock] = {}
    if ids:
        for contribution in db.session.scalars(sa.select(Contribution).where(Contribution.invitation_id.in_(ids))
                                               .order_by(Contribution.version)):
            versions[contribution.invitation_id].append(contribution)
        deadlines = {c.invitation_id: c for c in db.session.scalars(sa.select(Clock).where(Clock.invitation_id.in_(ids)))}
    return [PartnerView(i, i.state_at(now), deadlines.get(i.id), versions[i.id], email_status(i)) for i in invited]
