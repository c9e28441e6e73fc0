"""Constrained values. Member names equal their stored values; `label` is what people read."""

from enum import StrEnum


class Choice(StrEnum):
    """A stored value with the words shown for it: "In progress" for in_progress, unless
    LABELS says otherwise ("SMS", "Not known")."""

    @property
    def label(self) -> str:
        return LABELS.get(self) or self.value.replace("_", " ").capitalize()


class Role(Choice):
    admin = "admin"
    office = "office"
    read_only = "read_only"

    @property
    def rank(self) -> int:
        """read_only < office < admin: each role may do what the ones below it may."""
        return (Role.read_only, Role.office, Role.admin).index(self)


class Status(Choice):
    """Active or dormant: dormant customers and properties get no automated communication."""

    active = "active"
    dormant = "dormant"


class Title(Choice):
    Mr = "Mr"
    Mrs = "Mrs"
    Ms = "Ms"
    Miss = "Miss"
    Mx = "Mx"
    Dr = "Dr"
    Prof = "Prof"


class PhoneKind(Choice):
    home = "home"
    mobile = "mobile"
    work = "work"
    office = "office"
    fax = "fax"


class VacantProperty(Choice):
    unknown = "unknown"
    yes = "yes"
    no = "no"


class WorkKind(Choice):
    estimate = "estimate"
    job = "job"
    opportunity = "opportunity"


class WorkStatus(Choice):
    open = "open"
    in_progress = "in_progress"
    completed = "completed"
    aborted = "aborted"
    free_of_charge = "free_of_charge"
    cancelled = "cancelled"


ONGOING_WORK = (WorkStatus.open, WorkStatus.in_progress)


class InvoiceKind(Choice):
    interim = "interim"
    final = "final"
    free_of_charge = "free_of_charge"


class InvoiceStatus(Choice):
    draft = "draft"
    issued = "issued"
    void = "void"


class LineCategory(Choice):
    labour = "labour"
    parts = "parts"


class BreakdownStyle(Choice):
    none = "none"
    by_category = "by_category"
    full = "full"
    full_by_category = "full_by_category"


class CommunicationKind(Choice):
    note = "note"
    email = "email"
    call = "call"
    sms = "sms"
    comment = "comment"


class ReminderStatus(Choice):
    due = "due"
    booked = "booked"
    postponed = "postponed"
    cancelled = "cancelled"


class ReminderDecision(Choice):
    """What the customer said when a service reminder was processed (seed 004 batch processing)."""

    authorised = "authorised"  # a job was booked
    cancelled_once = "cancelled_once"  # moved to the next period
    cancelled_forever = "cancelled_forever"
    postponed = "postponed"
    unknown = "unknown"  # no reason given; still due


class AccessMethod(Choice):
    """How the engineer gets into the property for a job."""

    occupier = "occupier"
    key_safe = "key_safe"
    keys_held = "keys_held"
    agent = "agent"
    landlord = "landlord"


class CardBrand(Choice):
    visa = "visa"
    mastercard = "mastercard"
    amex = "amex"
    maestro = "maestro"
    other = "other"


class OutboxStatus(Choice):
    queued = "queued"  # no SMTP server configured: kept for someone to send or forward
    sent = "sent"
    failed = "failed"


class ContractStatus(Choice):
    draft = "draft"
    active = "active"
    expired = "expired"
    cancelled = "cancelled"


class CustomFieldTarget(Choice):
    """The record a custom field belongs to."""

    customer = "customer"
    work_address = "work_address"
    work = "work"


class CustomFieldType(Choice):
    """What a custom field holds, and so how its value is checked and stored."""

    text = "text"
    long_text = "long_text"
    number = "number"
    money = "money"
    date = "date"
    choice = "choice"
    several_choices = "several_choices"
    yes_no = "yes_no"


# Where the stored value, capitalised, is not what people say.
LABELS: dict[Choice, str] = {
    Role.read_only: "Read only",
    VacantProperty.unknown: "Not known",
    CommunicationKind.sms: "SMS",
    BreakdownStyle.none: "No breakdown",
    BreakdownStyle.by_category: "Breakdown by category",
    BreakdownStyle.full: "Full breakdown",
    BreakdownStyle.full_by_category: "Full breakdown by category",
    ReminderDecision.unknown: "No reason given",
    CardBrand.amex: "American Express",
    CustomFieldType.yes_no: "Yes / no",
}
