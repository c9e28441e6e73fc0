"""Staff who log in to the panel."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import JSON, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from .base import SECRET, Base, Timestamp, TimestampMixin, enum_type
from .enums import Role

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 12
MAX_PASSWORD = 200  # what the login form takes
# zxcvbn's 0-4: 3 is "safely unguessable" against an online attack, which the lock-out slows.
GUESSABLE_BELOW = 3
ZXCVBN_LIMIT = 72  # zxcvbn's own longest password


def password_problem(password: str, email: str | None, name: str | None) -> str | None:
    """Why a new staff password is refused, or None. Long, not common and not about its owner:
    a staff login opens every customer's record."""
    if len(password) < MIN_PASSWORD:
        return f"Use at least {MIN_PASSWORD} characters."
    if len(password) > MAX_PASSWORD:
        return f"Use at most {MAX_PASSWORD} characters."
    own = {email or "", (email or "").partition("@")[0], name or ""}
    if _folded(password) in {_folded(words) for words in own if words}:
        return "Do not use your email or name as your password."
    estimate = zxcvbn(password[:ZXCVBN_LIMIT], user_inputs=[words for words in own if words])
    if estimate["score"] < GUESSABLE_BELOW:
        warning = estimate["feedback"]["warning"] or "It is too easy to guess."
        return f"{warning.rstrip('.')}: add words that are not about you or the company."
    return None


def _folded(text: str) -> str:
    return "".join(text.split()).casefold()


class User(TimestampMixin, Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255), info=SECRET)
    role: Mapped[Role] = mapped_column(enum_type(Role), default=Role.office)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Per-user record-page layout: order and visibility of side-panel blocks.
    preferences: Mapped[dict] = mapped_column(JSON, default=dict)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, info=SECRET)
    locked_until: Mapped[datetime | None] = mapped_column(Timestamp, info=SECRET)
    # Two-factor login (two_factor.py): the app's shared secret, the last code's time
    # step (a code is taken once), and since when it is on.
    totp_secret: Mapped[str | None] = mapped_column(String(64), info=SECRET)
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0, info=SECRET)
    two_factor_since: Mapped[datetime | None] = mapped_column(Timestamp)

    def __str__(self) -> str:
        return self.name or self.email

    # Flask-Login protocol, written out so models/ does not import Flask.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def two_factor_on(self) -> bool:
        return self.two_factor_since is not None

    def get_id(self) -> str:
        return str(self.id)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)  # scrypt, salted

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def may(self, role: Role) -> bool:
        """May this user call what `role` may (an endpoint's declared role)?"""
        return self.active and self.role.rank >= role.rank

    @property
    def can_write(self) -> bool:
        return self.may(Role.office)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.admin
