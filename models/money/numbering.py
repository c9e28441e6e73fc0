"""Gap-free document numbers (works, invoices, credit notes) from a counter row per series."""

from __future__ import annotations

from sqlalchemy import Integer, String, event, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..core.base import Base


class NumberSequence(Base):
    __tablename__ = "number_sequence"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(10))
    last_value: Mapped[int] = mapped_column(Integer, default=0)


SERIES = {"work": "W", "invoice": "INV", "credit_note": "CN"}
# INSERT … ON CONFLICT DO NOTHING, in each database's own dialect.
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def next_number(session: Session, series: str) -> str:
    """Take the next number of a series. The UPDATE locks the counter row until commit, so two
    concurrent transactions cannot take the same number, and a rollback gives it back.
    A series' first number creates its counter; two transactions doing that at once both
    get a number, since the loser's insert does nothing and its UPDATE waits its turn."""
    connection = session.connection()
    table = NumberSequence.__table__
    bump = (
        update(table)
        .where(table.c.name == series)
        .values(last_value=table.c.last_value + 1)
        .returning(table.c.last_value, table.c.prefix)
    )
    row = connection.execute(bump).first()
    if row is None:
        create = _INSERT[connection.dialect.name](table)
        values = {"name": series, "prefix": SERIES[series], "last_value": 0}
        connection.execute(create.values(**values).on_conflict_do_nothing())
        row = connection.execute(bump).first()
    value, prefix = row
    return f"{prefix}{value:06d}"


def numbered_kinds() -> dict[type, str]:
    """Model classes that get a number on first flush, mapped to their series."""
    from ..works.entities import Work
    from .entities import CreditNote

    return {Work: "work", CreditNote: "credit_note"}


@event.listens_for(Session, "before_flush")
def _assign_numbers(session: Session, _context, _instances) -> None:
    kinds = numbered_kinds()
    for obj in session.new:
        series = kinds.get(type(obj))
        if series and not obj.number:
            obj.number = next_number(session, series)
