"""Staff accounts: who may sign in, with which roles, and their API tokens."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from debrief.extensions import db
from debrief.models.types import UTCDateTime, utcnow


class Role(StrEnum):
    REVIEWER = "reviewer"
    OWNER = "owner"
    LEARNING = "learning"
    BOARD = "board"
    ANALYST = "analyst"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        from debrief.vocabulary import ROLE

        return str(ROLE[self.value])




class User(db.Model):
    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint("language IS NULL OR language IN ('en', 'cy')", name="language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    is_board_chair: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The language the person chose ("en" or "cy"); None until they choose (their browser's then).
    language: Mapped[str | None] = mapped_column(sa.String(2))

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")
    sign_ins: Mapped[list[SignInSession]] = relationship(back_populates="user", cascade="all, delete-orphan",
                                                         passive_deletes=True)

    #: The secret of the sign-in this object was loaded through or just started (services/sign_ins.py);
    #: not a column. Flask-Login keeps it in the session cookie as the user's id.
    sign_in_secret = None

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.roles)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.role_set.intersection(roles))

    # Flask-Login's user protocol.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        if self.sign_in_secret is None:
            raise RuntimeError("A user is signed in only through services.sign_ins.start().")
        return self.sign_in_secret

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (
        sa.CheckConstraint(
            "role IN ('reviewer', 'owner', 'learning', 'board', 'analyst', 'admin')", name="known_role"
        ),
    )

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(20), primary_key=True, index=True)

    user: Mapped[User] = relationship(back_populates="roles")


class ApiToken(db.Model):
    """A bearer token for the JSON API. Only its SHA-256 digest is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The first characters of the token, so a user can tell their tokens apart; not enough to use.
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")


class SignInSession(db.Model):
    """One sign-in, from the sign-in page to signing out (or its end by a password change, a
    deactivation or time). The browser's session cookie carries its secret; only the secret's SHA-256
    digest is kept, so a copy of the database signs nobody in."""

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="sign_ins")
