"""Staff accounts: creating and changing users, their roles, passwords, sign-in and API tokens."""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _

from debrief.extensions import db
from debrief.models import ApiToken, Role, User, UserRole, utcnow
from debrief.services import audit, sign_ins
from debrief.services.errors import Conflict, ValidationFailed
from debrief.services.pagination import Page, paginate

# Argon2id with the library's defaults (RFC 9106 low-memory profile). The test suite may ask for
# the cheapest parameters (PASSWORD_HASH_FAST, refused outside APP_ENV=testing): thousands of
# hashes otherwise dominate its run time.
_HASHERS = {False: PasswordHasher(), True: PasswordHasher.from_parameters(profiles.CHEAPEST)}
# Verified against when no account matches, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = _HASHERS[False].hash(secrets.token_urlsafe(16))

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 256
TOKEN_PREFIX = "rd_"
# A token's last use is written at most this often, so API reads do not each write a row.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)


# Passwords ----------------------------------------------------------------------------------


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None. Length is what matters (NCSC guidance)."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return _("Password must be %(num)d characters or more", num=PASSWORD_MIN_LENGTH)
    if len(password) > PASSWORD_MAX_LENGTH:
        return _("Password must be %(num)d characters or fewer", num=PASSWORD_MAX_LENGTH)
    if len(set(password)) < 4:
        return _("Password must not repeat the same few characters")
    return None


def _hasher() -> PasswordHasher:
    return _HASHERS[bool(current_app.config.get("PASSWORD_HASH_FAST"))]


def _hash_password(password: str) -> str:
    return _hasher().hash(password)


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None. Says nothing about which was wrong."""
    user = find_by_email(email)
    try:
        _hasher().verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = _hash_password(password)
    user.last_signed_in_at = utcnow()
    return user


# Users --------------------------------------------------------------------------------------

#: Every request loads its user with their roles: one query, not two.
WITH_ROLES = joinedload(User.roles)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def list_users(page: int = 1, per_page: int = 50) -> Page:
    """Staff accounts, active first, by name; their roles loaded with the page."""
    return paginate(sa.select(User).order_by(User.active.desc(), User.name, User.id), page, per_page)


def users_with_role(role: Role, active_only: bool = True) -> list[User]:
    query = sa.select(User).join(UserRole).where(UserRole.role == role.value).order_by(User.name)
    if active_only:
        query = query.where(User.active.is_(True))
    return list(db.session.scalars(query))


def may_own_recommendations(user: User) -> bool:
    """Only active staff who hold the owner role can be made a recommendation's owner: anyone else
    (an analyst, say) would be given what their role may not change."""
    return user.active and user.has_role(Role.OWNER)


def eligible_owners() -> list[User]:
    """Everyone who can be made a recommendation's owner, by name: for the owner field's list and
    for reassigning a departing owner's recommendations."""
    return users_with_role(Role.OWNER, active_only=True)


def _clean_email(email: str, errors: dict[str, str], existing: User | None = None) -> str:
    email = normalise_email(email)
    if not email:
        errors["email"] = _("Enter an email address")
        return email
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        errors["email"] = _("Enter an email address in the correct format, like name@police.uk")
        return email
    other = find_by_email(email)
    if other is not None and other is not existing:
        errors["email"] = _("A user with this email address already exists")
    return email


def _clean_roles(roles: Iterable[str], errors: dict[str, str]) -> set[Role]:
    chosen: set[Role] = set()
    for role in roles:
        try:
            chosen.add(Role(role))
        except ValueError:
            errors["roles"] = _("'%(role)s' is not a role", role=role)
    if not chosen and "roles" not in errors:
        errors["roles"] = _("Select at least one role")
    return chosen


def _clean_name(name: str, errors: dict[str, str]) -> str:
    name = " ".join(name.split())
    if not name:
        errors["name"] = _("Enter the user's name")
    elif len(name) > 120:
        errors["name"] = _("Name must be %(num)d characters or fewer", num=120)
    return name


def create_user(
    *, email: str, name: str, roles: Iterable[str], password: str, actor: User | None,
    is_board_chair: bool = False,
) -> User:
    errors: dict[str, str] = {}
    email = _clean_email(email, errors)
    name = _clean_name(name, errors)
    chosen = _clean_roles(roles, errors)
    if problem := password_problem(password):
        errors["password"] = problem
    if errors:
        raise ValidationFailed(errors)
    user = User(
        email=email,
        name=name,
        password_hash=_hash_password(password),
        is_board_chair=is_board_chair,
        roles=[UserRole(role=r.value) for r in sorted(chosen)],
    )
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "created", "user", user.id, {
        "email": email, "name": name, "roles": sorted(r.value for r in chosen),
        "is_board_chair": is_board_chair,
    })
    return user


def _snapshot(user: User) -> dict:
    return {
        "email": user.email,
        "name": user.name,
        "roles": sorted(r.value for r in user.role_set),
        "is_board_chair": user.is_board_chair,
        "active": user.active,
    }


def _ensure_an_admin_remains(user: User, keeps_admin: bool) -> None:
    """Refuse a change that would leave nobody able to manage users."""
    if keeps_admin or not (user.active and user.has_role(Role.ADMIN)):
        return
    others = [u for u in users_with_role(Role.ADMIN) if u.id != user.id]
    if not others:
        raise Conflict("last_admin", _("This is the only active administrator. Make someone else an administrator first."))


def update_user(
    user: User, *, email: str, name: str, roles: Iterable[str], is_board_chair: bool, actor: User | None
) -> User:
    errors: dict[str, str] = {}
    email = _clean_email(email, errors, existing=user)
    name = _clean_name(name, errors)
    chosen = _clean_roles(roles, errors)
    if errors:
        raise ValidationFailed(errors)
    _ensure_an_admin_remains(user, keeps_admin=Role.ADMIN in chosen)
    before = _snapshot(user)
    user.email = email
    user.name = name
    user.is_board_chair = is_board_chair
    current = {r.role: r for r in user.roles}
    user.roles = [current.get(r.value) or UserRole(role=r.value) for r in sorted(chosen)]
    if changes := audit.changed(before, _snapshot(user)):
        audit.record(actor, "updated", "user", user.id, changes)
    return user


def set_password(user: User, password: str, *, actor: User | None) -> None:
    """A new password; every session the user had is ended."""
    if problem := password_problem(password):
        raise ValidationFailed({"password": problem})
    user.password_hash = _hash_password(password)
    sign_ins.end_all(user)
    audit.record(actor, "password_reset", "user", user.id)


def deactivate(user: User, *, actor: User | None) -> None:
    """Locks the user out at once: their sessions end and their API tokens are revoked."""
    if not user.active:
        return
    _ensure_an_admin_remains(user, keeps_admin=False)
    user.active = False
    sign_ins.end_all(user)
    now = utcnow()
    for token in user.tokens:
        if token.revoked_at is None:
            token.revoked_at = now
    audit.record(actor, "deactivated", "user", user.id, {"active": {"from": True, "to": False}})


def choose_language(user: User, code: str) -> None:
    """The language the person reads pages and their email in, as they chose it with the language link."""
    if user.language != code:
        user.language = code


def reactivate(user: User, *, actor: User | None) -> None:
    if user.active:
        return
    user.active = True
    audit.record(actor, "reactivated", "user", user.id, {"active": {"from": False, "to": True}})


# API tokens ---------------------------------------------------------------------------------


def token_digest(token: str) -> str:
    """What is kept of a bearer token: its SHA-256 digest (staff API tokens; forces' tokens at the library)."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, *, actor: User | None) -> str:
    """A new API token for the user. The token itself is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(user=user, token_hash=token_digest(token), prefix=token[:10])
    db.session.add(record)
    db.session.flush()
    audit.record(actor, "token_issued", "user", user.id, {"token": record.prefix + "…"})
    return token


@dataclass(frozen=True)
class TokenUse:
    """A bearer token that let someone in: whose it is, and whether its last use is worth writing
    (at most every TOKEN_TOUCH_INTERVAL, so API reads do not each write a row)."""

    user: User
    token_id: int
    worth_recording: bool


def user_for_token(token: str) -> TokenUse | None:
    """The active user a bearer token belongs to, or None (unknown, revoked, or user deactivated).
    Changes nothing: the caller records the use (`record_token_use`) at the request's edge, in a
    transaction of its own, so that a request's work and the token's last use never share a commit."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    record = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == token_digest(token))
                               .options(joinedload(ApiToken.user).options(WITH_ROLES)))
    if record is None or record.revoked_at is not None or not record.user.active:
        return None
    due = record.last_used_at is None or utcnow() - record.last_used_at > TOKEN_TOUCH_INTERVAL
    return TokenUse(record.user, record.id, due)


def record_token_use(token_id: int) -> None:
    """Writes when a token was last used (flushed; the caller commits)."""
    db.session.execute(sa.update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow()))
