"""Security headers on every response (Flask-Talisman)."""
from __future__ import annotations

from flask import Flask, request

from debrief.extensions import talisman

# No inline script or style anywhere: the one inline script in the GOV.UK template carries a nonce.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


#: Pages whose address carries a secret (a partner's invitation link).
SECRET_LINK_BLUEPRINTS = {"partner"}


def configure_security_headers(app: Flask) -> None:
    production = app.config["APP_ENV"] == "production"

    # Registered before Talisman's own, so it runs after it (Flask runs them in reverse) and wins.
    @app.after_request
    def keep_secret_links_private(response):
        if request.blueprint in SECRET_LINK_BLUEPRINTS:
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["Cache-Control"] = "no-store"
        return response

    talisman.init_app(
        app,
        # TLS ends at the load balancer; redirecting here would loop behind it.
        force_https=False,
        strict_transport_security=production,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        content_security_policy_nonce_in=["script-src"],
        referrer_policy="strict-origin-when-cross-origin",
        x_content_type_options=True,
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )

    @app.after_request
    def no_caching_of_signed_in_pages(response):
        # Pages carry sensitive case detail: never keep them in shared or browser caches.
        if "Cache-Control" not in response.headers and response.mimetype in {"text/html", "application/json"}:
            response.headers["Cache-Control"] = "no-store"
        return response
