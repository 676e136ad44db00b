"""Staff sign in and out: the pages, the throttle on wrong passwords, and sign-in sessions kept on the server."""
import re
from datetime import timedelta

import sqlalchemy as sa

from debrief.extensions import db
from debrief.models import utcnow
from tests.conftest import PASSWORD, SignIn, csrf_token_from


def test_reviewer_signs_in_and_sees_their_home_page(client, auth, make_user):
    make_user("riya@police.uk", "reviewer")
    response = auth.sign_in("riya@police.uk")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Welcome, Riya Reviewer" in page
    assert "My open debriefs" in page


def test_email_is_matched_whatever_its_case(client, auth, make_user):
    make_user("riya@police.uk", "reviewer")
    assert auth.sign_in("  Riya@Police.UK ").status_code == 302


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, auth, make_user):
    make_user("riya@police.uk", "reviewer")
    response = auth.sign_in("riya@police.uk", "not-the-password")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Enter a correct email address and password" in page
    assert 'href="#email"' in page
    assert client.get("/").status_code == 302  # still signed out


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client, auth, make_user):
    make_user("riya@police.uk", "reviewer")
    wrong_password = auth.sign_in("riya@police.uk", "not-the-password").get_data(as_text=True)
    unknown = auth.sign_in("nobody@police.uk", "not-the-password").get_data(as_text=True)
    assert "Enter a correct email address and password" in unknown
    assert wrong_password.count("Enter a correct email") == unknown.count("Enter a correct email")


def test_empty_form_names_each_missing_field(client, auth):
    token = csrf_token_from(client.get("/sign-in").get_data(as_text=True))
    page = client.post("/sign-in", data={"csrf_token": token}).get_data(as_text=True)
    assert "Enter your email address" in page
    assert "Enter your password" in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error: Sign in" in page


def test_the_typed_email_is_kept_after_a_failed_sign_in(client, auth, make_user):
    page = auth.sign_in("riya@police.uk", "wrong-password-here").get_data(as_text=True)
    assert 'value="riya@police.uk"' in page


def test_sign_out_ends_the_session(client, auth, make_user):
    make_user("riya@police.uk", "reviewer")
    auth.sign_in("riya@police.uk")
    response = auth.sign_out()
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert "You have signed out" in client.get("/sign-in").get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_sign_out_by_a_plain_link_is_not_possible(client, auth, make_user):
    make_user("riya@police.uk", "reviewer")
    auth.sign_in("riya@police.uk")
    assert client.get("/sign-out").status_code == 405
    assert client.get("/").status_code == 200


def test_signing_in_returns_to_the_page_asked_for(client, auth, make_user):
    make_user("adam@police.uk", "admin")
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    token = csrf_token_from(client.get("/sign-in?next=/admin/users").get_data(as_text=True))
    response = client.post("/sign-in?next=/admin/users",
                           data={"csrf_token": token, "email": "adam@police.uk", "password": PASSWORD})
    assert response.headers["Location"] == "/admin/users"


def test_next_cannot_send_people_to_another_site(client, make_user):
    make_user("riya@police.uk", "reviewer")
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        token = csrf_token_from(client.get("/sign-in").get_data(as_text=True))
        response = client.post(f"/sign-in?next={target}",
                               data={"csrf_token": token, "email": "riya@police.uk", "password": PASSWORD})
        assert response.headers["Location"] == "/"
        client.post("/sign-out", data={"csrf_token": csrf_token_from(client.get("/").get_data(as_text=True))})


def test_sign_in_is_rate_limited_with_a_clear_message(client, auth, make_user):
    make_user("riya@police.uk", "reviewer")
    for _ in range(5):
        assert auth.sign_in("riya@police.uk", "guessing-wrongly").status_code == 400
    response = auth.sign_in("riya@police.uk")  # even the right password waits, from this address
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    page = response.get_data(as_text=True)
    assert "Too many attempts" in page
    assert "Wait 1 minute, then try again" in page
    assert "OFFICIAL-SENSITIVE" in page


def test_a_stranger_hammering_an_account_does_not_lock_its_owner_out(client, make_user):
    """Failures count per account *and address*: the owner, elsewhere, still signs in at once."""
    make_user("riya@police.uk", "reviewer")
    stranger = SignIn(client, "203.0.113.9")
    statuses = [stranger.sign_in("riya@police.uk", "guessing-wrongly").status_code for _ in range(8)]
    assert statuses == [400] * 5 + [429] * 3
    owner = SignIn(client.application.test_client(), "10.0.0.7")
    assert owner.sign_in("riya@police.uk").status_code == 302
    assert stranger.sign_in("riya@police.uk").status_code == 429  # still waiting, right password or not


def test_successful_sign_ins_are_not_counted(client, auth, make_user):
    make_user("riya@police.uk", "reviewer")
    for _ in range(7):  # more than the 5 a minute that failures may use
        assert auth.sign_in("riya@police.uk").status_code == 302
        assert auth.sign_out().status_code == 302
    for _ in range(5):
        assert auth.sign_in("riya@police.uk", "guessing-wrongly").status_code == 400
    assert auth.sign_in("riya@police.uk").status_code == 429


def test_sign_in_without_a_csrf_token_is_refused(client, make_user):
    make_user("riya@police.uk", "reviewer")
    client.get("/sign-in")
    response = client.post("/sign-in", data={"email": "riya@police.uk", "password": PASSWORD})
    assert response.status_code == 400
    assert "did not come from this service" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_one_address_trying_many_accounts_is_limited_too(database_url, make_user):
    from tests.conftest import make_app

    app = make_app(database_url, SIGN_IN_ADDRESS_RATE_LIMIT="3 per minute")
    browser = SignIn(app.test_client())
    statuses = [browser.sign_in(f"person{n}@police.uk", "guessing-wrongly").status_code for n in range(4)]
    assert statuses == [400, 400, 400, 429]


# Sign-in sessions, kept on the server ----------------------------------------------------------------


def copy_of_cookie(app, client):
    """Another browser holding a copy of this one's session cookie (as a thief with it would)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_a_session_cookie_copied_before_sign_out_is_refused_after(app, client, auth, make_user):
    make_user("riya@police.uk", "reviewer")
    auth.sign_in("riya@police.uk")
    thief = copy_of_cookie(app, client)
    assert thief.get("/").status_code == 200  # the copy works while the sign-in lasts
    auth.sign_out()
    response = thief.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert thief.get("/api/v1/debriefs").status_code == 401


def test_signing_out_in_one_browser_leaves_the_others_signed_in(app, client, auth, make_user, browser_of):
    make_user("riya@police.uk", "reviewer")
    auth.sign_in("riya@police.uk")
    laptop = browser_of("riya@police.uk")
    auth.sign_out()
    assert laptop.get("/").status_code == 200
    assert client.get("/").status_code == 302


def test_a_sign_in_ends_after_session_hours_whatever_the_cookie_says(app, client, auth, make_user, read_db):
    from debrief.models import SignInSession

    make_user("riya@police.uk", "reviewer")
    auth.sign_in("riya@police.uk")
    assert client.get("/").status_code == 200
    with app.app_context():
        db.session.execute(sa.update(SignInSession).values(created_at=utcnow() - timedelta(hours=12, minutes=1)))
        db.session.commit()
    assert client.get("/").status_code == 302


def test_the_database_keeps_only_a_digest_of_the_session_secret(app, client, auth, make_user, read_db):
    from debrief.models import SignInSession

    make_user("riya@police.uk", "reviewer")
    auth.sign_in("riya@police.uk")
    with app.test_request_context():
        cookie = app.session_interface.get_signing_serializer(app).loads(client.get_cookie("session").value)
    secret = cookie["_user_id"]
    assert len(secret) >= 43
    sign_ins = read_db(lambda s: s.scalars(sa.select(SignInSession)).all())
    assert len(sign_ins) == 1 and sign_ins[0].ended_at is None
    assert secret not in sign_ins[0].secret_hash and len(sign_ins[0].secret_hash) == 64
    auth.sign_out()
    assert read_db(lambda s: s.scalar(sa.select(SignInSession.ended_at))) is not None


def test_a_new_password_ends_every_sign_in_of_that_user_only(app, make_user, browser_of):
    from debrief.services import accounts

    make_user("riya@police.uk", "reviewer")
    make_user("rob@police.uk", "reviewer", name="Rob Reviewer")
    phone, laptop, other = browser_of("riya@police.uk"), browser_of("riya@police.uk"), browser_of("rob@police.uk")
    with app.app_context():
        accounts.set_password(accounts.find_by_email("riya@police.uk"), "a-brand-new-passphrase", actor=None)
        db.session.commit()
    assert phone.get("/").status_code == 302 and laptop.get("/").status_code == 302
    assert other.get("/").status_code == 200


def test_the_header_shows_who_is_signed_in(client, auth, make_user):
    make_user("riya@police.uk", "reviewer", name="Riya Reviewer")
    auth.sign_in("riya@police.uk")
    page = client.get("/").get_data(as_text=True)
    header = page.split('class="govuk-service-navigation', 1)[1].split("</section>", 1)[0]
    assert re.search(r'rd-signed-in-as">\s*<span class="govuk-service-navigation__text">Riya Reviewer</span>',
                     header)
    assert "Sign out" in header
    auth.sign_out()
    assert "rd-signed-in-as" not in client.get("/sign-in").get_data(as_text=True)
