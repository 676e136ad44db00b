"""Error answers: GOV.UK pages for people, the api.md JSON shape for the API. Never a traceback."""
from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from debrief.services.errors import RuleBroken

log = logging.getLogger(__name__)

PAGES = {
    400: (_l("There is a problem with your request"),
          _l("The page could not use what was sent. Go back, check the form and try again.")),
    401: (_l("You need to sign in"), _l("Sign in to use this service.")),
    403: (_l("You do not have permission to see this page"),
          _l("Your account does not have a role that allows this. If you need it, ask an administrator.")),
    404: (_l("Page not found"),
          _l("If you typed the web address, check it is correct. If you followed a link, it may be out of date.")),
    405: (_l("There is a problem with your request"), _l("That action is not available on this page.")),
    410: (_l("This page is no longer available"), _l("The link has expired or has been withdrawn.")),
    413: (_l("The file or form is too large"), _l("Go back and send something smaller.")),
    429: (_l("Too many attempts"),
          _l("You have tried too many times in a short period. Wait a minute, then try again.")),
    500: (_l("Sorry, there is a problem with the service"),
          _l("Try again later. Nothing you sent has been lost unless the page said so.")),
}

API_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
             405: "method_not_allowed", 410: "gone", 413: "too_large", 429: "rate_limited",
             500: "server_error"}

#: Plain words in place of werkzeug's defaults, where the API has nothing more particular to say.
API_MESSAGES = {404: _l("There is nothing at this address. Check the path and the id."),
                405: _l("This address does not accept that method."),
                413: _l("The request is too large. Send at most %(limit)s MB.")}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, code: str, message: str, fields: dict[str, str] | None = None,
              details: dict | None = None):
    # str(): a lazy message (lazy_gettext) is read here, in the request's language; JSON takes only str.
    body: dict = {"error": {"code": code, "message": str(message)}}
    if fields:
        body["error"]["fields"] = {name: str(text) for name, text in fields.items()}
    body["error"].update(details or {})
    return jsonify(body), status


def error_page(status: int, message: str | None = None):
    title, default_message = PAGES.get(status, PAGES[500] if status >= 500 else PAGES[400])
    return render_template("errors/error.html", status=status, title=str(title),
                           message=message or str(default_message)), status


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if wants_json():
            default = error.description == type(error).description
            message = API_MESSAGES.get(status) if default else None
            if message and status == 413:
                message = _("The request is too large. Send at most %(limit)s MB.",
                            limit=(current_app.config["MAX_CONTENT_LENGTH"] or 0) // (1024 * 1024))
            response = api_error(status, API_CODES.get(status, "error"),
                                 str(message) if message else error.description or "")
        else:
            # Our own aborts may carry a message written for the reader; werkzeug's defaults are not.
            custom = error.description if error.description != type(error).description else None
            if status == 429:
                custom = None
            response = error_page(status, custom)
        if status == 401 and wants_json():
            response[0].headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        if wants_json():
            return api_error(400, "csrf_failed", _("The request was not accepted. Send a bearer token."))
        return error_page(400, _("The form had expired or did not come from this service. "
                                 "Go back, reload the page and try again."))

    @app.errorhandler(RuleBroken)
    def rule_broken(error: RuleBroken):
        if wants_json():
            return api_error(error.status, error.code, error.message, error.fields, error.details)
        return error_page(error.status, error.message)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("Unhandled error on %s %s", request.method, request.endpoint)
        if wants_json():
            return api_error(500, "server_error", _("Something went wrong on our side. Try again later."))
        return error_page(500)
