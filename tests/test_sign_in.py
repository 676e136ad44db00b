"""Staff sign in and out."""
from tests.conftest import PASSWORD, csrf_token_from


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
    response = auth.sign_in("riya@police.uk")  # even the right password waits
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many attempts" in page
    assert "Wait a minute, then try again" in page
    assert "OFFICIAL-SENSITIVE" in page


def test_rate_limit_counts_attempts_on_one_account_from_many_addresses(client, make_user):
    make_user("riya@police.uk", "reviewer")
    for n in range(5):
        environ = {"REMOTE_ADDR": f"10.0.0.{n + 1}"}
        token = csrf_token_from(client.get("/sign-in", environ_base=environ).get_data(as_text=True))
        client.post("/sign-in", environ_base=environ,
                    data={"csrf_token": token, "email": "riya@police.uk", "password": "guessing-wrongly"})
    environ = {"REMOTE_ADDR": "10.0.0.99"}
    token = csrf_token_from(client.get("/sign-in", environ_base=environ).get_data(as_text=True))
    response = client.post("/sign-in", environ_base=environ,
                           data={"csrf_token": token, "email": "riya@police.uk", "password": PASSWORD})
    assert response.status_code == 429


def test_sign_in_without_a_csrf_token_is_refused(client, make_user):
    make_user("riya@police.uk", "reviewer")
    client.get("/sign-in")
    response = client.post("/sign-in", data={"email": "riya@police.uk", "password": PASSWORD})
    assert response.status_code == 400
    assert "did not come from this service" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_one_address_trying_many_accounts_is_limited_too(database_url, make_user):
    from tests.conftest import SignIn, make_app

    app = make_app(database_url, SIGN_IN_ADDRESS_RATE_LIMIT="3 per minute")
    browser = SignIn(app.test_client())
    statuses = [browser.sign_in(f"person{n}@police.uk", "guessing-wrongly").status_code for n in range(4)]
    assert statuses == [400, 400, 400, 429]
