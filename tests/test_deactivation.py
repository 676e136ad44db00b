"""A deactivated user is locked out at once: their open sessions and their API tokens stop working."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import AuditEvent, Recommendation, User, utcnow
from debrief.services import debriefs, lessons, recommendations
from debrief.services.debriefs import DebriefDetails

from tests.conftest import csrf_token_from


@pytest.fixture
def admin(browser_of, make_user):
    make_user("adam@police.uk", "admin", name="Adam Admin")
    return browser_of("adam@police.uk")


def post_as(browser, path: str, **data):
    token = csrf_token_from(browser.get("/admin/users").get_data(as_text=True))
    return browser.post(path, data={"csrf_token": token, **data})


def test_deactivated_users_open_session_stops_working_at_once(admin, browser_of, make_user):
    owen = make_user("owen@police.uk", "owner", name="Owen Owner")
    owens_browser = browser_of("owen@police.uk")
    assert owens_browser.get("/").status_code == 200

    assert post_as(admin, f"/admin/users/{owen.id}/deactivate").status_code == 302
    assert "Owen Owner can no longer sign in" in admin.get("/admin/users").get_data(as_text=True)

    response = owens_browser.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_deactivated_user_cannot_sign_in_again(admin, auth, make_user):
    owen = make_user("owen@police.uk", "owner", name="Owen Owner")
    post_as(admin, f"/admin/users/{owen.id}/deactivate")
    response = auth.sign_in("owen@police.uk")
    assert response.status_code == 400
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_deactivated_users_api_token_stops_working_at_once(admin, client, make_user, api_token):
    owen = make_user("owen@police.uk", "owner", name="Owen Owner")
    headers = api_token("owen@police.uk")
    assert client.get("/api/v1/me", headers=headers).status_code == 200

    post_as(admin, f"/admin/users/{owen.id}/deactivate")

    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_reactivated_user_can_sign_in_but_old_tokens_stay_revoked(admin, client, browser_of, make_user,
                                                                   api_token):
    owen = make_user("owen@police.uk", "owner", name="Owen Owner")
    headers = api_token("owen@police.uk")
    post_as(admin, f"/admin/users/{owen.id}/deactivate")
    post_as(admin, f"/admin/users/{owen.id}/reactivate")

    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert browser_of("owen@police.uk").get("/").status_code == 200


def test_password_reset_by_an_admin_ends_the_users_sessions(admin, browser_of, make_user):
    owen = make_user("owen@police.uk", "owner", name="Owen Owner")
    owens_browser = browser_of("owen@police.uk")

    response = post_as(admin, f"/admin/users/{owen.id}/password", password="a-brand-new-password")
    assert response.status_code == 302

    assert owens_browser.get("/").status_code == 302
    assert browser_of("owen@police.uk", "a-brand-new-password").get("/").status_code == 200


# Asking first, and handing a leaver's open recommendations over ----------------------------------


@pytest.fixture
def owned(app, make_user):
    """Owen owns two open recommendations and one closed one; Olu and Ola may own recommendations, Ann may not."""
    riya = make_user("riya@police.uk", "reviewer", name="Riya Reviewer")
    owen = make_user("owen@police.uk", "owner", name="Owen Owner")
    make_user("olu@police.uk", "owner", name="Olu Owner")
    make_user("ola@police.uk", "owner", name="Ola Owner")
    make_user("ann@police.uk", "analyst", name="Ann Analyst")
    with app.app_context():
        reviewer = db.session.get(User, riya.id)
        now = utcnow().replace(microsecond=0)
        debrief = debriefs.create(DebriefDetails(incident_type="murder", crime_reference="42/9/26", summary="s",
                                                 occurred_at=now, reported_at=now), actor=reviewer)
        lesson = lessons.add(debrief, text="A lesson", category="information_sharing", themes=[], actor=reviewer)
        made = [recommendations.create(debrief, text=f"Recommendation {n}", owner_email="owen@police.uk",
                                       due_date=recommendations.today() + timedelta(days=30 + n),
                                       lesson_ids=[lesson.id], actor=reviewer) for n in range(3)]
        db.session.flush()
        db.session.get(Recommendation, made[2].id).status = "closed"
        db.session.commit()
        return owen, [r.id for r in made[:2]], made[2].id, [r.reference for r in made[:2]]


def owner_of(read_db, recommendation_id: int) -> str:
    return read_db(lambda s: s.get(Recommendation, recommendation_id).owner.email)


def test_deactivating_asks_first_and_shows_the_open_recommendations_with_who_may_take_them(admin, owned):
    owen, open_ids, closed_id, references = owned
    html = admin.get(f"/admin/users/{owen.id}/deactivate").get_data(as_text=True)
    assert "Deactivate Owen Owner?" in html
    for reference in references:
        assert reference in html
    options = set(re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', html))
    assert options == {"Olu Owner (olu@police.uk)", "Ola Owner (ola@police.uk)"}  # not Owen, not the analyst
    users = admin.get("/admin/users").get_data(as_text=True)
    assert f'href="/admin/users/{owen.id}/deactivate"' in users  # a link to the question, not a button that acts


def test_every_open_recommendation_needs_a_new_owner_before_the_owner_is_deactivated(admin, owned, read_db):
    owen, open_ids, _, references = owned
    response = post_as(admin, f"/admin/users/{owen.id}/deactivate")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html and f"Choose who will own {references[0]}" in html
    assert read_db(lambda s: s.get(User, owen.id).active) is True
    ann = read_db(lambda s: s.scalar(sa.select(User.id).where(User.email == "ann@police.uk")))
    refused = post_as(admin, f"/admin/users/{owen.id}/deactivate", owner_all=str(ann))  # an analyst
    assert refused.status_code == 400 and "owner role" in refused.get_data(as_text=True)
    assert read_db(lambda s: s.get(User, owen.id).active) is True


def test_all_to_one_owner_or_each_to_its_own_then_deactivated(admin, owned, read_db, mailbox):
    owen, open_ids, closed_id, _ = owned
    ids = read_db(lambda s: dict(s.execute(sa.select(User.email, User.id)).all()))
    response = post_as(admin, f"/admin/users/{owen.id}/deactivate", owner_all=str(ids["olu@police.uk"]),
                       **{f"owner-{open_ids[1]}": str(ids["ola@police.uk"])})
    assert response.status_code == 302
    assert "2 open recommendations handed over" in admin.get("/admin/users").get_data(as_text=True)
    assert owner_of(read_db, open_ids[0]) == "olu@police.uk"
    assert owner_of(read_db, open_ids[1]) == "ola@police.uk"
    assert owner_of(read_db, closed_id) == "owen@police.uk"  # a closed one stays as it was
    assert read_db(lambda s: s.get(User, owen.id).active) is False
    changes = read_db(lambda s: [e.changes.get("owner") for e in s.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity == "recommendation", AuditEvent.action == "updated").order_by(AuditEvent.id))])
    assert changes == [{"from": "owen@police.uk", "to": "olu@police.uk"},
                       {"from": "owen@police.uk", "to": "ola@police.uk"}]


def test_with_no_one_else_to_own_them_the_leaver_is_still_locked_out_at_once(admin, app, make_user, read_db):
    owen = make_user("owen@police.uk", "owner", name="Owen Owner")
    html = admin.get(f"/admin/users/{owen.id}/deactivate").get_data(as_text=True)
    assert "Deactivate Owen Owner?" in html and "open-recommendations" not in html
    assert post_as(admin, f"/admin/users/{owen.id}/deactivate").status_code == 302
    assert read_db(lambda s: s.get(User, owen.id).active) is False
