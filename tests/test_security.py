"""Security basics: headers, cookies, CSRF, error pages that never show a traceback."""
import pytest
from flask import abort

from tests.conftest import make_app


def test_every_page_sends_the_security_headers(client):
    for path in ("/sign-in", "/no-such-page", "/api/v1/me"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "default-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "unsafe-eval" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Cache-Control"] == "no-store"


def test_the_one_inline_script_carries_the_csp_nonce(client):
    response = client.get("/sign-in")
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    page = response.get_data(as_text=True)
    assert f'<script nonce="{nonce}">' in page
    assert page.count("<script") == page.count(f'nonce="{nonce}"') + page.count('type="module" src=')


def test_session_cookie_is_httponly_and_lax(client):
    cookie = client.get("/sign-in").headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_session_cookie_is_secure_outside_development(database_url):
    production = make_app(database_url, APP_ENV="production", SESSION_COOKIE_SECURE=None,
                          REMEMBER_COOKIE_SECURE=None)
    response = production.test_client().get("/sign-in", base_url="https://rapid-debrief.police.uk")
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_cookie_is_not_secure_in_development_where_there_is_no_https(database_url):
    development = make_app(database_url, APP_ENV="development", SESSION_COOKIE_SECURE=None,
                           REMEMBER_COOKIE_SECURE=None)
    cookie = development.test_client().get("/sign-in").headers["Set-Cookie"]
    assert "Secure" not in cookie


def test_a_post_without_a_csrf_token_is_refused_on_every_form(client, auth, make_user):
    make_user("adam@police.uk", "admin", name="Adam Admin")
    target = make_user("owen@police.uk", "owner", name="Owen Owner")
    auth.sign_in("adam@police.uk")
    for path in ("/admin/users/new", f"/admin/users/{target.id}", f"/admin/users/{target.id}/password",
                 f"/admin/users/{target.id}/deactivate", "/sign-out"):
        response = client.post(path, data={"name": "X", "email": "x@police.uk", "password": "p" * 20})
        assert response.status_code == 400, path
        assert "did not come from this service" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200  # still signed in: sign-out was refused too


def test_a_post_with_a_forged_csrf_token_is_refused(client, make_user):
    make_user("riya@police.uk", "reviewer")
    client.get("/sign-in")
    response = client.post("/sign-in", data={"csrf_token": "forged", "email": "riya@police.uk",
                                             "password": "correct-horse-battery"})
    assert response.status_code == 400


@pytest.fixture
def failing_app(database_url):
    app = make_app(database_url)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    @app.get("/api/v1/boom")
    def api_boom():
        raise RuntimeError("secret internal detail")

    @app.get("/gone")
    def gone():
        abort(410)

    return app


def test_an_unexpected_error_shows_the_service_page_not_a_traceback(failing_app, caplog):
    response = failing_app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page
    assert "OFFICIAL-SENSITIVE" in page
    assert "Traceback" not in page and "secret internal detail" not in page
    assert "Unhandled error" in caplog.text  # the detail goes to the log, for the team


def test_an_unexpected_api_error_is_json_in_the_contract_shape(failing_app):
    response = failing_app.test_client().get("/api/v1/boom")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "server_error"
    assert "secret" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path,status,title", [
    ("/no-such-page", 404, "Page not found"),
    ("/gone", 410, "This page is no longer available"),
])
def test_error_pages_use_the_service_design(failing_app, path, status, title):
    response = failing_app.test_client().get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert title in page
    assert "govuk-template" in page and "Rapid Debrief" in page


def test_a_method_the_page_does_not_take_is_a_clear_405(client):
    response = client.put("/sign-in")
    assert response.status_code == 405
    assert "That action is not available on this page" in response.get_data(as_text=True)


def test_api_405_and_404_are_json(client):
    response = client.post("/api/v1/me")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_govuk_frontend_is_served_from_the_npm_package(client):
    for path in ("/govuk-frontend/govuk-frontend.min.css", "/govuk-frontend/govuk-frontend.min.js",
                 "/assets/rebrand/images/favicon.svg", "/static/app.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.data
    assert client.get("/govuk-frontend/../package.json").status_code == 404
