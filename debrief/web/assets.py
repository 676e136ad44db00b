"""GOV.UK Frontend's files, served from the npm package (never copied into the repository)."""
from __future__ import annotations

from flask import Blueprint, current_app, send_from_directory

assets = Blueprint("assets", __name__)

ONE_DAY = 24 * 3600


@assets.route("/assets/<path:filename>")
def govuk_asset(filename: str):
    """Fonts and images; the GOV.UK stylesheet refers to them at /assets/."""
    return send_from_directory(current_app.config["GOVUK_FRONTEND_DIST"] / "assets", filename,
                               max_age=ONE_DAY)


@assets.route("/govuk-frontend/<any('govuk-frontend.min.css', 'govuk-frontend.min.js'):filename>")
def govuk_bundle(filename: str):
    return send_from_directory(current_app.config["GOVUK_FRONTEND_DIST"], filename, max_age=ONE_DAY)
