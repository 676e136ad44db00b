"""Demonstration data: one user for each role, with known passwords. Loading twice changes nothing."""
from __future__ import annotations

from debrief.models import Role
from debrief.services import accounts

DEMO_USERS = (
    ("reviewer@demo.police.uk", "Riya Reviewer", (Role.REVIEWER,)),
    ("owner@demo.police.uk", "Owen Owner", (Role.OWNER,)),
    ("learning@demo.police.uk", "Lee Learning", (Role.LEARNING,)),
    ("board@demo.police.uk", "Bea Board", (Role.BOARD,)),
    ("analyst@demo.police.uk", "Ana Analyst", (Role.ANALYST,)),
    ("admin@demo.police.uk", "Adam Admin", (Role.ADMIN,)),
)


def demo_password(email: str) -> str:
    return f"demo-{email.split('@')[0]}-password"


def load() -> list[tuple[str, str, str]]:
    """Creates what is missing; returns (email, password, roles) for every demo user."""
    sign_ins = []
    for email, name, roles in DEMO_USERS:
        if accounts.find_by_email(email) is None:
            accounts.create_user(email=email, name=name, roles=[r.value for r in roles],
                                 password=demo_password(email), actor=None,
                                 is_board_chair=Role.BOARD in roles)
        sign_ins.append((email, demo_password(email), ", ".join(r.value for r in roles)))
    return sign_ins
