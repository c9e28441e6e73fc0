"""Two-factor login for staff: a time-based code from an authenticator app (TOTP, RFC 6238),
or one of ten one-time recovery codes for a lost phone. Codes are checked atomically, so the
same code cannot open two sessions, however fast it is replayed."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import ClassVar

import pyotp
from sqlalchemy import ForeignKey, String, delete, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from .audit import record
from .base import SECRET, Base, Timestamp, utcnow
from .enums import Role
from .errors import ValidationFailed
from .users import User

ISSUER = "Customer Record"
RECOVERY_CODES = 10
# A code from the step before or after is taken too: phones' clocks drift by a few seconds.
DRIFT_STEPS = 1
REQUIREMENTS = ("admins", "all", "none")  # REQUIRE_2FA


class RecoveryCode(Base):
    __tablename__ = "recovery_code"
    audited: ClassVar[bool] = False  # "two-factor on", "recovery code used" … are

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), info=SECRET)
    used_at: Mapped[datetime | None] = mapped_column(Timestamp)


def new_secret() -> str:
    return pyotp.random_base32()


def setup_uri(secret: str, user: User) -> str:
    """What the QR code holds: an otpauth:// link any authenticator app reads."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def required_for(role: Role, requirement: str) -> bool:
    """REQUIRE_2FA: `admins` (the default), `all` or `none`."""
    return requirement == "all" or (requirement == "admins" and role == Role.admin)


def must_enrol(user: User, requirement: str) -> bool:
    """A user two-factor login is required for, without it yet: they set it up first."""
    return required_for(user.role, requirement) and not user.two_factor_on


def turn_on(session: Session, user: User, secret: str, code: str) -> list[str]:
    """Turns two-factor on once the app shows a right code for the secret (so a mistyped
    secret never locks anyone out); returns the recovery codes, to be shown once."""
    step = _matching_step(secret, code)
    if step is None:
        raise ValidationFailed(
            {"code": "That code is not right: type the 6 digits the app shows now."}
        )
    user.totp_secret, user.totp_last_step, user.two_factor_since = secret, step, utcnow()
    codes = new_recovery_codes(session, user)
    record(session, "two-factor on", user)
    return codes


def turn_off(session: Session, user: User, by: User | None = None, action: str = "two-factor off"):
    """Off (the user's own choice), or reset by an admin for a lost phone."""
    user.totp_secret, user.totp_last_step, user.two_factor_since = None, 0, None
    _forget_recovery_codes(session, user)
    record(session, action, user, by=by)


def new_recovery_codes(session: Session, user: User) -> list[str]:
    """Ten new one-time codes; the old ones stop working."""
    _forget_recovery_codes(session, user)
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    return codes


def _forget_recovery_codes(session: Session, user: User) -> None:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def recovery_codes_left(session: Session, user: User) -> int:
    return session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def second_factor_ok(session: Session, user: User, code: str) -> bool:
    """A right code from the app, not used before, or an unused recovery code (then used up).
    Each is claimed in one conditional UPDATE: of two requests with the same code, one wins."""
    code = "".join(code.split()).replace("-", "").upper()
    if user.totp_secret is None:
        return False
    step = _matching_step(user.totp_secret, code)
    if step is not None:  # six digits: the app's code (a recovery code has ten characters)
        return _claim(
            session,
            update(User).where(User.id == user.id, User.totp_last_step < step),
            totp_last_step=step,
        )
    claimed = _claim(
        session,
        update(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(code),
            RecoveryCode.used_at.is_(None),
        ),
        used_at=utcnow(),
    )
    if claimed:
        record(session, "recovery code used", user, by=user)
    return claimed


def _claim(session: Session, statement, **values) -> bool:
    result = session.execute(
        statement.values(**values).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _matching_step(secret: str, code: str) -> int | None:
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = utcnow()
    for offset in range(-DRIFT_STEPS, DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(now, counter_offset=offset), code):
            return totp.timecode(now) + offset
    return None


def _recovery_code() -> str:
    """Ten characters in two groups (ABCDE-FGHJK): 50 random bits, easy to type from paper."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    text = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{text[:5]}-{text[5:]}"


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").upper().encode()).hexdigest()
