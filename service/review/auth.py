"""Reviewer accounts: argon2 password hashes, server-side sessions and API tokens.

Sessions and API tokens are random strings handed to the client once; the
database keeps only their SHA-256, so a copy of the database logs nobody in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.review.db import ApiToken, LoginSession, User, utcnow

MIN_PASSWORD = 8
_hasher = PasswordHasher()
# Verified against when the user does not exist, so that a wrong username
# costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A refused account change; the message is for the operator."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


def add_user(db: Session, username: str, password: str) -> User:
    username = username.strip()
    if not username or len(username) > 64 or not username.isprintable():
        raise AccountError("username must be 1 to 64 printable characters")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password must have at least {MIN_PASSWORD} characters")
    if db.scalar(select(User).where(User.username == username)) is not None:
        raise AccountError(f"user {username!r} already exists")
    user = User(username=username, password_hash=_hasher.hash(password), active=True)
    db.add(user)
    db.commit()
    return user


def find_user(db: Session, username: str) -> User | None:
    return db.scalar(select(User).where(User.username == username.strip()))


def authenticate(db: Session, username: str, password: str) -> User | None:
    user = find_user(db, username)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        db.commit()
    return user


def start_session(db: Session, user: User, hours: float) -> tuple[str, LoginSession]:
    """A new session for `user`; returns the cookie value and the row."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    # Expired sessions are swept here rather than by a background job.
    db.execute(delete(LoginSession).where(LoginSession.expires_at < now))
    row = LoginSession(
        token_hash=digest(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    db.add(row)
    db.commit()
    return token, row


def session_for(db: Session, token: str | None, now: datetime | None = None) -> LoginSession | None:
    if not token:
        return None
    row = db.scalar(select(LoginSession).where(LoginSession.token_hash == digest(token)))
    if row is None or row.expires_at < (now or utcnow()) or not row.user.active:
        return None
    return row


def end_session(db: Session, token: str | None) -> None:
    if token:
        db.execute(delete(LoginSession).where(LoginSession.token_hash == digest(token)))
        db.commit()


def new_api_token(db: Session, user: User, name: str = "") -> str:
    """A new API token for `user`; shown once, stored as a hash."""
    token = "mlr_" + secrets.token_urlsafe(32)
    db.add(ApiToken(token_hash=digest(token), user_id=user.id, name=name, revoked=False))
    db.commit()
    return token


def user_for_api_token(db: Session, token: str | None) -> User | None:
    if not token:
        return None
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token), ApiToken.revoked.is_(False)))
    if row is None or not row.user.active:
        return None
    return row.user
