"""The audit trail: who changed what, when, from which old value to which new one.

Every flush made on behalf of a user (`act_as(session, user)`) records its creates, edits and
deletes automatically, so no view or operation can forget to.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import JSON, ForeignKey, String, event, insert, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from .base import Base, Timestamp, is_secret, utcnow

if TYPE_CHECKING:
    from .users import User

ACTOR_KEY = "audit_actor_id"
# Columns whose changes say nothing a reader of the trail needs.
QUIET_COLUMNS = {
    "version",
    "updated_at",
    "created_at",
    # derived from other columns, for matching: their change is the other column's change
    "digits",
    "digits_reversed",
    "name_key",
    "address_key",
    "surname_key",
    "company_key",
    "full_name_key",
    "postcode_key",
    "email_key",
    "address_line_1_key",
    "occupier_key",
}


class AuditEntry(Base):
    __tablename__ = "audit_entry"
    audited: ClassVar[bool] = False

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(60), index=True)
    entity_id: Mapped[str] = mapped_column(String(40), index=True)
    summary: Mapped[str | None] = mapped_column(String(255))
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return f"{self.action} {self.entity} #{self.entity_id}"


def act_as(session: Session, user: User | None) -> None:
    """Attribute the session's coming changes to this user (None stops auditing)."""
    if user is None:
        session.info.pop(ACTOR_KEY, None)
    else:
        session.info[ACTOR_KEY] = user.id


def acting_user_id(session: Session) -> int | None:
    """Who the session's changes are by (act_as), to sign what is written on their behalf."""
    return session.info.get(ACTOR_KEY)


def record(
    session: Session,
    action: str,
    obj: Any,
    changes: dict | None = None,
    *,
    by: User | None = None,
    summary: str | None = None,
) -> None:
    """An entry for an operation that is more than an edit (dormant, merge, import …), by the
    given user or else the one the session acts for."""
    session.add(
        AuditEntry(
            user_id=by.id if by is not None else session.info.get(ACTOR_KEY),
            action=action,
            entity=obj.__tablename__,
            entity_id=_identity(obj),
            summary=(summary or str(obj))[:255],
            changes={key: plain(value) for key, value in (changes or {}).items()},
        )
    )


def plain(value: Any) -> Any:
    """A JSON-safe rendering of a column value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Base):
        return str(value)
    if isinstance(value, bytes):  # a file's content (an email attachment): its size, not it
        return f"<{len(value)} bytes>"
    return value


def _identity(obj: Any) -> str:
    # The identity key of a new row is only set after the flush; its primary key already is.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(part) for part in key)


def _audited(obj: Any) -> bool:
    """Rows whose changes the trail records itself; a model says `audited = False` where its
    own operations write the entries that matter (a login, not its session row)."""
    return isinstance(obj, Base) and getattr(obj, "audited", True)


def _quiet(attr) -> bool:
    """Left out of the trail: bookkeeping, derived keys, and secrets (nor, through the trail,
    into exports)."""
    return attr.key in QUIET_COLUMNS or any(is_secret(column) for column in attr.columns)


def _changed_columns(obj: Any) -> dict[str, list]:
    changes = {}
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        if _quiet(attr):
            continue
        history = state.attrs[attr.key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                changes[attr.key] = [plain(old), plain(new)]
    return changes


def _all_columns(obj: Any) -> dict[str, list]:
    state = inspect(obj)
    return {
        attr.key: [None, plain(getattr(obj, attr.key))]
        for attr in state.mapper.column_attrs
        if not _quiet(attr) and getattr(obj, attr.key) is not None
    }


@event.listens_for(Session, "after_flush")
def _audit_flush(session: Session, _context) -> None:
    actor_id = session.info.get(ACTOR_KEY)
    if actor_id is None:
        return
    rows = []

    def add(action: str, obj: Any, changes: dict) -> None:
        rows.append(
            {
                "user_id": actor_id,
                "at": utcnow(),
                "action": action,
                "entity": obj.__tablename__,
                "entity_id": _identity(obj),
                "summary": str(obj)[:255],
                "changes": changes,
            }
        )

    for obj in session.new:
        if _audited(obj):
            add("create", obj, _all_columns(obj))
    for obj in session.dirty:
        if _audited(obj) and session.is_modified(obj, include_collections=False):
            changes = _changed_columns(obj)
            if changes:
                add("update", obj, changes)
    for obj in session.deleted:
        if _audited(obj):
            add("delete", obj, {k: [v[1], None] for k, v in _all_columns(obj).items()})
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)
