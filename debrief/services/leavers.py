"""A member of staff leaving: their open recommendations handed to other owners, then their account
deactivated, in one transaction. The account rules are in `accounts`; the recommendation rules in
`recommendations`."""
from __future__ import annotations

from flask_babel import gettext as _

from debrief.models import Recommendation, User
from debrief.services import accounts, recommendations
from debrief.services.errors import ValidationFailed


def field(recommendation: Recommendation) -> str:
    """The form field (and error key) that names a recommendation's new owner."""
    return f"owner-{recommendation.id}"


def deactivate(user: User, *, new_owners: dict[int, int | None], actor: User | None) -> list[Recommendation]:
    """Hands each open recommendation of `user` to the owner chosen for it (by recommendation id), then
    deactivates them. While anyone else may own recommendations, every open one needs a new owner: a
    leaver's recommendations must not wait for someone who can no longer sign in. With no one else
    eligible, the account is still locked at once (a leaver's access ends first) and the recommendations
    are left to be reassigned. Returns the recommendations handed over."""
    still_owned = recommendations.still_owned_by(user)
    eligible = {owner.id: owner for owner in accounts.eligible_owners() if owner.id != user.id}
    errors: dict[str, str] = {}
    for recommendation in still_owned:
        chosen = new_owners.get(recommendation.id)
        if chosen is None and eligible:
            errors[field(recommendation)] = _("Choose who will own %(reference)s", reference=recommendation.reference)
        elif chosen is not None and chosen not in eligible:
            errors[field(recommendation)] = _("Choose an active member of staff with the owner role for %(reference)s",
                                               reference=recommendation.reference)
    if errors:
        raise ValidationFailed(errors, _("Choose a new owner for each of %(name)s's open recommendations", name=user.name))
    handed = []
    for recommendation in still_owned:
        if (chosen := new_owners.get(recommendation.id)) is not None:
            recommendations.hand_over(recommendation, eligible[chosen], actor=actor)
            handed.append(recommendation)
    accounts.deactivate(user, actor=actor)
    return handed
