"""An administrator creates, edits and deactivates users and sets their roles."""
import re

import pytest
import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import AuditEvent, User
from tests.conftest import csrf_token_from


@pytest.fixture
def admin(browser_of, make_user):
    make_user("adam@police.uk", "admin", name="Adam Admin")
    return browser_of("adam@police.uk")


def submit(browser, path: str, **data):
    token = csrf_token_from(browser.get(path).get_data(as_text=True))
    return browser.post(path, data={"csrf_token": token, **data})


def test_admin_adds_a_user_with_several_roles_who_can_then_sign_in(admin, browser_of, read_db):
    response = submit(admin, "/admin/users/new", name="Bea Board", email="Bea@Police.uk",
                      roles=["board", "analyst"], is_board_chair="y", password="a-long-enough-password")
    assert response.status_code == 302
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "Bea Board can now sign in as bea@police.uk" in page
    assert "(board chair)" in page

    user = read_db(lambda s: s.scalar(sa.select(User).where(User.email == "bea@police.uk")))
    assert user.role_set == {"board", "analyst"}
    assert user.is_board_chair
    assert user.password_hash.startswith("$argon2id$")  # (cheap parameters in tests; see conftest)
    assert "a-long-enough-password" not in user.password_hash
    assert browser_of("bea@police.uk", "a-long-enough-password").get("/").status_code == 200


def test_a_bad_new_user_form_explains_every_problem_and_keeps_what_was_typed(admin, read_db):
    response = submit(admin, "/admin/users/new", name="", email="not-an-email", password="short")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page
    for message in ("Enter the user&#39;s name", "Enter an email address in the correct format",
                    "Select at least one role", "Password must be 12 characters or more"):
        assert message in page
    for anchor in ('href="#name"', 'href="#email"', 'href="#roles"', 'href="#password"'):
        assert anchor in page
    assert 'value="not-an-email"' in page
    assert read_db(lambda s: s.scalar(sa.select(sa.func.count(User.id)))) == 1


def test_an_email_already_in_use_is_refused(admin, make_user):
    make_user("owen@police.uk", "owner", name="Owen Owner")
    response = submit(admin, "/admin/users/new", name="Other Owen", email="OWEN@police.uk",
                      roles=["owner"], password="a-long-enough-password")
    assert response.status_code == 400
    assert "A user with this email address already exists" in response.get_data(as_text=True)


def test_an_unknown_role_posted_by_hand_is_refused(admin, read_db):
    response = submit(admin, "/admin/users/new", name="X", email="x@police.uk",
                      roles=["superuser"], password="a-long-enough-password")
    assert response.status_code == 400
    assert "&#39;superuser&#39; is not a role" in response.get_data(as_text=True)


def test_admin_changes_a_users_roles_and_name(admin, make_user, read_db):
    owen = make_user("owen@police.uk", "owner", name="Owen Owner")
    page = admin.get(f"/admin/users/{owen.id}").get_data(as_text=True)
    assert re.search(r'<input[^>]*value="owner"[^>]*checked', page), "the current role is ticked"
    assert not re.search(r'<input[^>]*value="admin"[^>]*checked', page)
    response = submit(admin, f"/admin/users/{owen.id}", name="Owen Okafor", email="owen@police.uk",
                      roles=["owner", "learning"])
    assert response.status_code == 302
    user = read_db(lambda s: s.get(User, owen.id))
    assert user.name == "Owen Okafor"
    assert user.role_set == {"owner", "learning"}


def test_every_change_to_a_user_is_in_the_audit_history(admin, make_user, read_db):
    owen = make_user("owen@police.uk", "owner", name="Owen Owner")
    submit(admin, f"/admin/users/{owen.id}", name="Owen Owner", email="owen@police.uk",
           roles=["owner", "learning"])
    token = csrf_token_from(admin.get("/admin/users").get_data(as_text=True))
    admin.post(f"/admin/users/{owen.id}/deactivate", data={"csrf_token": token})

    events = read_db(lambda s: s.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity_id == owen.id, AuditEvent.entity == "user")
        .order_by(AuditEvent.id)).all())
    assert [e.action for e in events] == ["created", "updated", "deactivated"]
    updated = events[1]
    assert updated.actor_label == "adam@police.uk"
    assert updated.changes == {"roles": {"from": ["owner"], "to": ["learning", "owner"]}}
    assert all("password" not in str(e.changes) for e in events)


def test_the_only_administrator_cannot_lock_everyone_out(admin, read_db):
    adam = read_db(lambda s: s.scalar(sa.select(User).where(User.email == "adam@police.uk")))
    token = csrf_token_from(admin.get("/admin/users").get_data(as_text=True))
    admin.post(f"/admin/users/{adam.id}/deactivate", data={"csrf_token": token})
    assert "only active administrator" in admin.get("/admin/users").get_data(as_text=True)

    response = submit(admin, f"/admin/users/{adam.id}", name="Adam Admin", email="adam@police.uk",
                      roles=["reviewer"])
    assert response.status_code == 400
    assert "only active administrator" in response.get_data(as_text=True)
    assert read_db(lambda s: s.get(User, adam.id).active)


def test_editing_a_user_that_does_not_exist_is_a_404(admin):
    assert admin.get("/admin/users/99999").status_code == 404


def test_a_weak_password_reset_is_refused_with_a_message(admin, make_user):
    owen = make_user("owen@police.uk", "owner", name="Owen Owner")
    response = submit(admin, f"/admin/users/{owen.id}/password", password="aaaaaaaaaaaaaa")
    assert response.status_code == 400
    assert "must not repeat the same few characters" in response.get_data(as_text=True)


def test_the_users_list_comes_in_pages_of_fifty_active_first(admin, app, make_user):
    for n in range(60):
        make_user(f"person{n:02}@police.uk", "owner", name=f"Person {n:02}")
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "person00@police.uk"))
        user.active = False
        db.session.commit()

    first = admin.get("/admin/users").get_data(as_text=True)
    assert "(61, page 1 of 2)" in first
    assert first.count('class="govuk-table__row"') == 51  # the heading row and fifty users
    assert "Adam Admin" in first and "Person 00" not in first  # active first, by name
    assert 'href="/admin/users?page=2"' in first

    second = admin.get("/admin/users?page=2").get_data(as_text=True)
    assert second.count('class="govuk-table__row"') == 12
    assert "Person 00" in second and "Deactivated" in second
    assert admin.get("/admin/users?page=99").get_data(as_text=True).count('class="govuk-table__row"') == 12
