"""Contracts on a customer's record (seed 004 "Contracts"): saved through the same rules as the
model views, and flagged for renewal ahead of their renewal reminder date."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_
from sqlalchemy.orm import Session

from ..core.enums import ContractStatus
from ..customers.entities import Customer
from ..customers.status import refuse_if_merged
from .entities import Contract
from .rules import check_contract

# A contract's renewal is flagged this many days before its renewal reminder date.
RENEWAL_NOTICE_DAYS = 30


def renewal_due_clause(today: date) -> ColumnElement[bool]:
    """Active contracts whose renewal reminder falls within the notice period or has passed."""
    return and_(
        Contract.status == ContractStatus.active,
        Contract.renewal_reminder_on <= today + timedelta(days=RENEWAL_NOTICE_DAYS),
    )


def renewal_state(contract: Contract, today: date) -> str | None:
    """ "overdue", "due" (within the notice period) or None, for the record's badge."""
    on = contract.renewal_reminder_on
    if contract.status != ContractStatus.active or on is None:
        return None
    if on < today:
        return "overdue"
    return "due" if on <= today + timedelta(days=RENEWAL_NOTICE_DAYS) else None


def save_contract(session: Session, customer: Customer, contract: Contract) -> None:
    """A new or edited contract of this customer; dates in order, value not negative."""
    refuse_if_merged(customer)
    check_contract(contract)
    contract.customer = customer
    session.add(contract)
