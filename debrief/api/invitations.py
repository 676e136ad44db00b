"""Partner invitations and contributions in the API (api.md "Partner invitations")."""
from __future__ import annotations

from flask import abort, g
from flask_babel import gettext as _

from debrief.api import api, shapes
from debrief.api.auth import api_permission, json_body
from debrief.api.debriefs import debrief_or_404
from debrief.api.reading import BodyReader, page_arguments
from debrief.extensions import db
from debrief.i18n import is_language
from debrief.permissions import Rule
from debrief.services import invitations, read_trail
from debrief.services.errors import ValidationFailed


def invitation_or_404(invitation_id: int):
    invitation = invitations.get(invitation_id)
    if invitation is None:
        abort(404, _("There is no invitation with that id."))
    return invitation


@api.post("/debriefs/<int:debrief_id>/invitations")
@api_permission(Rule.RUN_DEBRIEFS)
def invite_partner(debrief_id: int):
    debrief = debrief_or_404(debrief_id)
    reader = BodyReader(json_body(), {"agency", "email", "name", "language"})
    agency = reader.data.get("agency")
    if agency is not None and not isinstance(agency, (str, int)) or isinstance(agency, bool):
        reader.errors["agency"] = _("must be the agency's name or id")
    email, name = reader.text("email"), reader.text("name")
    # `en` or `cy`; absent (or null): the agency's language.
    language = reader.data.get("language")
    if language is not None and not is_language(language):
        reader.errors["language"] = _("must be en (English) or cy (Welsh)")
    if reader.errors:
        raise ValidationFailed(reader.errors)
    invitation, url = invitations.invite(debrief, agency=agency, email=email, name=name, actor=g.actor,
                                         language=language)
    db.session.commit()
    # The link is shown here once, and emailed to the contact; it is never stored.
    return {**shapes.invitation(invitation), "url": url}, 201


@api.get("/debriefs/<int:debrief_id>/invitations")
@api_permission(Rule.READ_EVERYTHING)
def list_invitations(debrief_id: int):
    debrief = debrief_or_404(debrief_id)
    return shapes.page(invitations.of_debrief(debrief, *page_arguments()), shapes.invitation)


@api.post("/invitations/<int:invitation_id>/revoke")
@api_permission(Rule.RUN_DEBRIEFS)
def revoke_invitation(invitation_id: int):
    invitation = invitation_or_404(invitation_id)
    invitations.revoke(invitation, actor=g.actor)
    db.session.commit()
    return shapes.invitation(invitation)


@api.post("/invitations/<int:invitation_id>/resend")
@api_permission(Rule.RUN_DEBRIEFS)
def resend_invitation(invitation_id: int):
    invitation = invitation_or_404(invitation_id)
    url = invitations.resend(invitation, actor=g.actor)
    db.session.commit()
    # The new link, shown here once like the first one; the email carrying it is queued.
    return {**shapes.invitation(invitation), "url": url}


@api.get("/debriefs/<int:debrief_id>/contributions")
@api_permission(Rule.READ_EVERYTHING)
def list_contributions(debrief_id: int):
    debrief = debrief_or_404(debrief_id)
    result = invitations.contributions_of(debrief, *page_arguments())
    shape = shapes.page(result, shapes.contribution)
    read_trail.opened(g.actor, read_trail.CONTRIBUTION, [c.id for c in result.items])
    db.session.commit()  # the read trail
    return shape
