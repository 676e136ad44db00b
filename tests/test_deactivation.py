"""A deactivated user is locked out at once: their open sessions and their API tokens stop working."""
import pytest

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
