"""Email caught on the developer's machine (APP_ENV=development only, never in production).

`flask dev-mail` runs a small SMTP server (aiosmtpd, a development requirement) on loopback that
keeps every message it receives as a file in DEV_MAIL_DIR; `/dev/mail` shows them, partners' links
included, so that a developer can follow an invitation without a real mail server.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

#: Messages shown on /dev/mail, newest first; older files stay on disk.
SHOWN = 50
_LINK = re.compile(r"https?://[^\s<>\"']+")


class Catcher:
    """aiosmtpd's handler: each message is written to `folder` as one .eml file."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}-{secrets.token_hex(3)}.eml"
        path.write_bytes(envelope.content)
        print(f"Caught an email to {', '.join(envelope.rcpt_tos)}: see /dev/mail", flush=True)
        return "250 OK"


def serve(folder: Path, host: str, port: int) -> None:
    """Runs the catcher until interrupted."""
    import time

    from aiosmtpd.controller import Controller

    controller = Controller(Catcher(folder), hostname=host, port=port)
    controller.start()
    print(f"Catching email on {host}:{port}; messages go to {folder}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


@dataclass(frozen=True)
class CaughtEmail:
    name: str
    to: str
    subject: str
    date: str
    body: str
    links: list[str]


def caught(folder: Path, limit: int = SHOWN) -> list[CaughtEmail]:
    """The latest caught messages, newest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.eml"), reverse=True)[:limit]:
        message: EmailMessage = message_from_bytes(path.read_bytes(), policy=default_policy)
        part = message.get_body(preferencelist=("plain",))
        body = part.get_content() if part is not None else ""
        found.append(CaughtEmail(name=path.stem, to=str(message["To"] or ""), subject=str(message["Subject"] or ""),
                                 date=str(message["Date"] or ""), body=body, links=_LINK.findall(body)))
    return found
