"""Permissions are enforced on the server, for pages and for the API alike."""
import pytest

from tests.conftest import csrf_token_from

NON_ADMIN_ROLES = ["reviewer", "owner", "learning", "board", "analyst"]
ADMIN_PAGES = ["/admin/users", "/admin/users/new"]


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_every_role_but_admin_gets_403_on_the_admin_pages(client, auth, make_user, role):
    make_user(f"{role}@police.uk", role)
    auth.sign_in(f"{role}@police.uk")
    for path in ADMIN_PAGES:
        response = client.get(path)
        assert response.status_code == 403, path
        page = response.get_data(as_text=True)
        assert "You do not have permission to see this page" in page
        assert "OFFICIAL-SENSITIVE" in page


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_every_role_but_admin_is_refused_when_posting_to_admin_actions(client, auth, make_user, role):
    make_user(f"{role}@police.uk", role)
    target = make_user("target@police.uk", "owner", name="Target")
    auth.sign_in(f"{role}@police.uk")
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post(f"/admin/users/{target.id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 403
    response = client.post("/admin/users/new", data={
        "csrf_token": token, "name": "Sneaky", "email": "sneaky@police.uk", "roles": ["admin"],
        "password": "a-long-enough-password",
    })
    assert response.status_code == 403


def test_admin_can_reach_the_admin_pages(client, auth, make_user):
    make_user("adam@police.uk", "admin", name="Adam Admin")
    auth.sign_in("adam@police.uk")
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 200, path


def test_someone_signed_out_is_sent_to_sign_in(client):
    for path in ["/", *ADMIN_PAGES]:
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in")


def test_navigation_shows_users_only_to_admins(client, auth, make_user):
    make_user("riya@police.uk", "reviewer")
    make_user("adam@police.uk", "admin", "reviewer", name="Adam Admin")
    auth.sign_in("riya@police.uk")
    assert 'href="/admin/users"' not in client.get("/").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in("adam@police.uk")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/admin/users"' in page


def test_a_user_with_several_roles_sees_a_section_for_each(client, auth, make_user):
    make_user("multi@police.uk", "reviewer", "owner", "board", name="Multi Role")
    auth.sign_in("multi@police.uk")
    page = client.get("/").get_data(as_text=True)
    for heading in ("My open debriefs", "My actions", "Governance board"):
        assert heading in page
    for heading in ("Learning queue", "Analysis", "Administration"):
        assert heading not in page


def test_the_api_wants_a_token_not_a_session(client, auth, make_user):
    make_user("riya@police.uk", "reviewer")
    auth.sign_in("riya@police.uk")
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_api_refuses_unknown_and_malformed_tokens(client, make_user):
    make_user("riya@police.uk", "reviewer")
    for header in ("Bearer rd_not-a-real-token", "Bearer ", "Basic cmI6cGFzcw==", "rd_x"):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        body = response.get_json()
        assert set(body["error"]) >= {"code", "message"}


def test_api_token_identifies_its_user(client, make_user, api_token):
    make_user("riya@police.uk", "reviewer", "board")
    response = client.get("/api/v1/me", headers=api_token("riya@police.uk"))
    assert response.status_code == 200
    assert response.get_json() == {"email": "riya@police.uk", "name": "Riya Reviewer",
                                   "roles": ["board", "reviewer"]}


def test_api_errors_use_the_contract_shape(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


# Record rules: one recommendation (permissions.py) ------------------------------------------------------


def test_the_record_rule_and_its_sql_twin_agree_for_every_role(app, client, make_user, api_token):
    """may_read_recommendation and readable_recommendations say the same, for each role, for someone's own
    recommendation, someone else's, and one escalated to them."""
    import sqlalchemy as sa

    from debrief.extensions import db
    from debrief.models import Recommendation
    from debrief.permissions import may_read_recommendation, readable_recommendations
    from debrief.services import accounts
    from tests.builders import in_days, open_debrief

    for role in [*NON_ADMIN_ROLES, "admin"]:
        make_user(f"{role}@police.uk", role, name=role.title())
    make_user("other@police.uk", "owner", name="Other Owner")
    reviewer = api_token("reviewer@police.uk")
    debrief = open_debrief(client, reviewer)
    made = {}
    for key, owner in (("own", "owner@police.uk"), ("other", "other@police.uk"), ("escalated", "other@police.uk")):
        response = client.post(f"/api/v1/debriefs/{debrief['id']}/recommendations", headers=reviewer, json={
            "text": f"Recommendation {key}", "owner_email": owner, "due_date": in_days(30)})
        made[key] = response.get_json()["id"]
    response = client.post(f"/api/v1/recommendations/{made['escalated']}/decisions", headers=api_token("board@police.uk"),
                           json={"decision": "escalate", "rationale": "Stuck", "escalate_to": "owner@police.uk"})
    assert response.status_code == 201
    with app.test_request_context():
        for role in [*NON_ADMIN_ROLES, "admin"]:
            user = accounts.find_by_email(f"{role}@police.uk")
            records = db.session.scalars(sa.select(Recommendation)).all()
            by_rule = {r.id for r in records if may_read_recommendation(user, r)}
            condition = readable_recommendations(user)
            by_sql = {r.id for r in records} if condition is None else set(
                db.session.scalars(sa.select(Recommendation.id).where(condition)))
            assert by_rule == by_sql, role
            if role == "owner":
                assert by_rule == {made["own"], made["escalated"]}
            elif role in ("reviewer", "learning", "board", "analyst", "admin"):
                assert by_rule == set(made.values()), role
