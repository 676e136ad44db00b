"""Keeping partners' secret links out of logs.

A partner's invitation link is a password in a URL. Web servers log every path they serve, so the
access loggers of the development server (werkzeug) and of gunicorn get a filter that replaces the
secret with [redacted] before anything is written.
"""
from __future__ import annotations

import logging
import re

SECRET_PATH = re.compile(r"(/invite/)[^/\s?#\"']+")
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def redact(text: str) -> str:
    return SECRET_PATH.sub(r"\1[redacted]", text)


class RedactSecretLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/invite/" in message:
            record.msg, record.args = redact(message), None
        return True


def install() -> None:
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecretLinks) for f in logger.filters):
            logger.addFilter(RedactSecretLinks())
