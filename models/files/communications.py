"""Notes, calls, emails, SMS and comments on a customer's record: adding one, and pinning it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.errors import ValidationFailed
from .entities import Communication

if TYPE_CHECKING:
    from ..core.users import User
    from ..customers.entities import Customer


def add_communication(session, customer: Customer, author: User | None, **fields) -> Communication:
    """A new note, call, email, SMS or comment on the record, by the user who wrote it."""
    if not (fields.get("body") or "").strip():
        raise ValidationFailed({"body": "Write the note."})
    communication = Communication(customer=customer, author=author, **fields)
    session.add(communication)
    return communication


def toggle_pin(communication: Communication) -> bool:
    """Star or unstar: important notes are pinned to the top of the record, in red."""
    communication.is_important = not communication.is_important
    return communication.is_important
