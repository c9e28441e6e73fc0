"""Staff logins and the sessions they open: failed attempts counted atomically, and sessions
kept on the server so that logging out, a new password or a deactivation really ends them."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from sqlalchemy import (
    ForeignKey,
    Select,
    String,
    bindparam,
    event,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from .audit import record
from .base import SECRET, Base, Timestamp, as_utc, utcnow
from .users import LOCKOUT, MAX_FAILED_LOGINS, User

# A session seen within a minute is not written again: one write a minute, not one a request.
SEEN_EVERY = timedelta(minutes=1)
# Changing one of these ends every session of the user.
ENDS_SESSIONS = ("password_hash", "active")


class StaffSession(Base):
    """One browser's login. The cookie holds a random token; only its hash is stored."""

    __tablename__ = "staff_session"
    audited: ClassVar[bool] = False  # login, logout and "logged out everywhere" are

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, info=SECRET)
    started_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(Timestamp)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reserve_login_attempt(session: Session, user: User, now: datetime | None = None) -> bool:
    """Counts an attempt before its password is checked, in one UPDATE, so that however many
    arrive at once at most MAX_FAILED_LOGINS passwords are tried before the lock holds (the
    caller commits it at once, before checking the password). False: the login is locked, or
    the attempts in flight have reached the limit."""
    now = now or utcnow()
    reserved = session.execute(
        update(User)
        .where(
            User.id == user.id,
            User.failed_logins < MAX_FAILED_LOGINS,
            or_(User.locked_until.is_(None), User.locked_until <= now),
        )
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar()
    session.expire(user)
    return reserved is not None


def login_failed(
    session: Session, user: User, action: str = "login failed", now: datetime | None = None
) -> bool:
    """After a wrong password (or two-factor code): the attempt that reached the limit locks
    the login. True when this one locked it."""
    now = now or utcnow()
    locked = session.execute(
        update(User)
        .where(User.id == user.id, User.failed_logins >= MAX_FAILED_LOGINS)
        .values(failed_logins=0, locked_until=now + LOCKOUT)
        .returning(User.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    record(session, action, user, by=user)
    if locked is not None:
        record(session, "locked out", user, {"minutes": LOCKOUT.seconds // 60}, by=user)
    session.expire(user)
    return locked is not None


def start_session(session: Session, user: User, now: datetime | None = None) -> str:
    """A right password: the count starts again and a new session opens; returns its token,
    for the cookie."""
    session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_logins=0, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    now = now or utcnow()
    session.add(StaffSession(user_id=user.id, token_hash=_hash(token), started_at=now, seen_at=now))
    record(session, "login", user, by=user)
    session.expire(user)
    return token


# An open session: this token's, not ended, not idle too long, not past its lifetime, and of
# a user still active (the parameters: _open_session).
_OPEN = (
    StaffSession.token_hash == bindparam("login_token_hash"),
    StaffSession.ended_at.is_(None),
    StaffSession.seen_at >= bindparam("login_idle_from", type_=Timestamp),
    StaffSession.started_at >= bindparam("login_started_from", type_=Timestamp),
    User.active.is_(True),
)


def _open_session(token: str, idle: timedelta, lifetime: timedelta, now: datetime) -> dict:
    return {
        "login_token_hash": _hash(token),
        "login_idle_from": now - idle,
        "login_started_from": now - lifetime,
    }


def session_user(
    session: Session, token: str | None, idle: timedelta, lifetime: timedelta
) -> User | None:
    """The active user whose session this token is, if it has not ended, been idle too long
    or outlived its lifetime; marks it seen (at most once a minute: the caller commits)."""
    if not token:
        return None
    now = utcnow()
    found = session.execute(
        select(StaffSession, User).join(User, User.id == StaffSession.user_id).where(*_OPEN),
        _open_session(token, idle, lifetime, now),
    ).first()
    if found is None:
        return None
    staff_session, user = found
    if now - as_utc(staff_session.seen_at) > SEEN_EVERY:
        staff_session.seen_at = now  # the caller commits it
    return user


@dataclass(frozen=True)
class OpenLogin:
    """A user's name while a login of theirs is open: a query built once and its parameters,
    to run or to build into the statement it guards (its parameter names begin "login_")."""

    query: Select
    params: dict


# This user's name (a login the request has loaded already, or one checked below).
_USER_NAME = select(User.name).where(User.id == bindparam("login_user_id"))
_OPEN_LOGIN_NAME = _USER_NAME.join(StaffSession, StaffSession.user_id == User.id).where(*_OPEN)


def loaded_login(user: User) -> OpenLogin:
    return OpenLogin(_USER_NAME, {"login_user_id": user.id})


def open_login(
    token: str, user_id: int, idle: timedelta, lifetime: timedelta, now: datetime
) -> OpenLogin:
    """The user's name while this token's session of theirs is open: a heartbeat checks its
    login and beats in one statement. It does not mark the session seen: a page left open
    does not keep an idle login alive."""
    return OpenLogin(
        _OPEN_LOGIN_NAME,
        {"login_user_id": user_id, **_open_session(token, idle, lifetime, now)},
    )


def end_session(session: Session, token: str | None, user: User) -> None:
    """Logging out ends this session on the server: a copy of its cookie opens nothing."""
    if token:
        session.execute(
            update(StaffSession)
            .where(StaffSession.token_hash == _hash(token), StaffSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
    record(session, "logout", user, by=user)


def end_all_sessions(session: Session, user: User, by: User | None = None) -> int:
    """ "Log out everywhere": every browser the user is logged in on is logged out."""
    ended = _end_sessions_of(session.connection(), user.id)
    record(session, "logged out everywhere", user, {"sessions": ended}, by=by)
    return ended


def _end_sessions_of(connection, user_id: int) -> int:
    return connection.execute(
        update(StaffSession.__table__)
        .where(StaffSession.user_id == user_id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    ).rowcount


@event.listens_for(Session, "after_flush")
def _new_password_or_deactivation_ends_sessions(session: Session, _context) -> None:
    """Whatever changed it (the Users form, the CLI, the user's own page), a new password or a
    deactivation ends every session the user had open."""
    for user in session.dirty:
        if isinstance(user, User) and _changed(user, ENDS_SESSIONS):
            _end_sessions_of(session.connection(), user.id)


def _changed(obj, names) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)
