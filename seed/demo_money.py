"""Demo money for a customer: invoices for its works, payments against them, credit notes,
stored cards.

Split from `seed.demo` along the money seam. Amounts are Decimal to the penny; invoices are
checked with the same rules the panel applies before they are saved.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from random import Random

from models import (
    BreakdownStyle,
    CardBrand,
    CreditNote,
    CreditNoteLine,
    Customer,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    LineCategory,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    StoredCard,
    Work,
    WorkStatus,
    next_number,
)
from models.money.cards import check_card
from models.money.rules import check_credit_note, check_invoice, check_payment
from seed.demo_run import Demo

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
STANDARD_VAT = Decimal("20.00")
INVOICE_KIND = {
    WorkStatus.completed: InvoiceKind.final,
    WorkStatus.in_progress: InvoiceKind.interim,
    WorkStatus.free_of_charge: InvoiceKind.free_of_charge,
}
INVOICE_STATUS = {InvoiceStatus.issued: 80, InvoiceStatus.draft: 14, InvoiceStatus.void: 6}
PARTS = [
    ("Magnetic system filter", 60, 140),
    ("Thermostatic radiator valve", 12, 35),
    ("Condensate pump", 70, 160),
    ("Diverter valve", 45, 120),
    ("Pressure relief valve", 20, 60),
    ("Wireless room thermostat", 80, 220),
    ("Flue extension kit", 35, 90),
]
CREDIT_REASONS = {
    "Goodwill discount": LineCategory.labour,
    "Price adjustment": LineCategory.labour,
    "Part returned unused": LineCategory.parts,
}
REFERENCES = {
    "Bank transfer": "FP{n}",
    "Cheque": "Chq {n}",
    "Card": "Card auth {n}",
    "Direct debit": "DD {n}",
}


def money(rng: Random, low: int, high: int) -> Decimal:
    """An amount between `low` and `high` whole pounds, to the penny (drawn in pence)."""
    return (Decimal(rng.randint(low * 100, high * 100)) / 100).quantize(CENT)


def add_money(demo: Demo, customer: Customer) -> None:
    invoices = add_invoices(demo, customer)
    issued = [i for i in invoices if i.status is InvoiceStatus.issued and i.total > 0]
    add_payments(demo, customer, issued)
    add_credit_notes(demo, customer, issued)
    if demo.chance("stored card", 0.15):
        add_stored_card(demo, customer)


def add_stored_card(demo: Demo, customer: Customer) -> StoredCard:
    """Only what identifies the card: never its number (see models/money/cards.py)."""
    rng = demo.rng
    card = StoredCard(
        customer=customer,
        cardholder_name=customer.display_name[:120],
        brand=rng.choice(list(CardBrand)),
        last_four=f"{rng.randint(0, 9999):04d}",
        expiry_month=rng.randint(1, 12),
        expiry_year=demo.today.year + rng.randint(1, 4),
        processor_reference=f"pm_{rng.getrandbits(64):016x}",
    )
    check_card(card, today=demo.today)
    return card


def add_invoices(demo: Demo, customer: Customer) -> list[Invoice]:
    """Most finished or running works are invoiced; companies sometimes get two jobs on one."""
    rng = demo.rng
    waiting = [w for w in customer.works if w.status in INVOICE_KIND and rng.random() < 0.75]
    invoices = []
    while waiting:
        works = [waiting.pop(0)]
        both_done = waiting and works[0].status is waiting[0].status is WorkStatus.completed
        if customer.is_company and both_done and demo.chance("consolidated invoice", 0.3):
            works.append(waiting.pop(0))
        invoices.append(make_invoice(demo, customer, works))
    return invoices


def make_invoice(demo: Demo, customer: Customer, works: list[Work]) -> Invoice:
    rng = demo.rng
    kind = INVOICE_KIND[works[0].status]
    # Invoiced after the work was done (or, for an interim bill, after the visit).
    done = max(w.completed_on or w.appointment_on or w.received_on for w in works)
    invoice_date = min(done + timedelta(days=rng.randint(0, 7)), demo.today)
    status = demo.pick(INVOICE_STATUS)
    lines = [line for work in works for line in invoice_lines(demo, work, kind)]
    description = works[0].description if len(works) == 1 else f"Consolidated: {len(works)} jobs"
    invoice = Invoice(
        customer=customer,
        # Issued and void invoices keep the number they were issued under; drafts have none.
        number=None if status is InvoiceStatus.draft else next_number(demo.session, "invoice"),
        description=description[:255],
        invoice_date=invoice_date,
        due_on=invoice_date + timedelta(days=customer.creditor_days or 0),
        kind=kind,
        status=status,
        invoice_address=(
            rng.choice(customer.invoice_addresses)
            if customer.invoice_addresses and rng.random() < 0.6
            else None
        ),
        notes=f"Purchase order PO-{rng.randint(10000, 99999)}" if rng.random() < 0.15 else None,
        contact=rng.choice(customer.contacts) if customer.contacts and rng.random() < 0.5 else None,
        lines=lines,
    )
    if status is not InvoiceStatus.draft:
        invoice.issued_at = datetime.combine(invoice_date, time(9), tzinfo=UTC)
    if status is InvoiceStatus.void:
        invoice.voided_on = min(invoice_date + timedelta(days=rng.randint(1, 20)), demo.today)
        invoice.void_reason = "Raised in error"
    check_invoice(invoice)
    return invoice


def tax_rate(work: Work) -> Decimal:
    # Installing energy-saving kit such as a heat pump is zero-rated for VAT in the UK.
    if work.product is not None and "heat pump" in work.product.name.lower():
        return ZERO
    return STANDARD_VAT


def invoice_lines(demo: Demo, work: Work, kind: InvoiceKind) -> list[InvoiceLine]:
    rng = demo.rng
    free = kind is InvoiceKind.free_of_charge
    rate = tax_rate(work)
    price = work.final_amount or work.estimated_amount or money(rng, 80, 400)
    if kind is InvoiceKind.interim:
        price, description = (price / 2).quantize(CENT), f"Interim (50%): {work.description}"
    else:
        description = work.description
    is_equipment = work.product is not None and (work.product.unit_price or ZERO) >= 400
    lines = [
        InvoiceLine(
            work=work,
            description=description[:255],
            category=LineCategory.parts if is_equipment else LineCategory.labour,
            quantity=Decimal("1.00"),
            unit_price=ZERO if free else price,
            tax_rate=rate,
        )
    ]
    if rng.random() < 0.4:
        lines.append(
            InvoiceLine(
                work=work,
                description="Additional labour",
                category=LineCategory.labour,
                quantity=(Decimal(rng.randint(1, 8)) / 2).quantize(CENT),  # half hours
                unit_price=ZERO if free else Decimal(rng.choice(("45.00", "55.00", "65.00"))),
                tax_rate=rate,
            )
        )
    for _ in range(rng.choice((0, 0, 1, 2))):
        name, low, high = rng.choice(PARTS)
        lines.append(
            InvoiceLine(
                work=work,
                description=name,
                category=LineCategory.parts,
                quantity=Decimal(rng.randint(1, 3)),
                unit_price=ZERO if free else money(rng, low, high),
                tax_rate=rate,
            )
        )
    return lines


def add_payments(demo: Demo, customer: Customer, issued: list[Invoice]) -> None:
    """Most issued invoices are paid, some in part; the rest are the debt the ageing shows."""
    rng = demo.rng
    to_pay: list[tuple[Invoice, Decimal]] = []
    for invoice in issued:
        roll = rng.random()
        if roll < 0.55:
            to_pay.append((invoice, invoice.total))
        elif roll < 0.7:
            share = Decimal(rng.choice(("0.25", "0.50", "0.75")))
            to_pay.append((invoice, max((invoice.total * share).quantize(CENT), CENT)))
    while to_pay:
        paying = [to_pay.pop(0)]
        if to_pay and rng.random() < 0.25:  # one bank transfer settling two invoices
            paying.append(to_pay.pop(0))
        add_payment(demo, customer, paying)
    if customer.works and demo.chance("payment on account", 0.02):
        add_payment(demo, customer, [], on_account=money(rng, 50, 300))


def add_payment(
    demo: Demo,
    customer: Customer,
    paying: list[tuple[Invoice, Decimal]],
    on_account: Decimal = ZERO,
) -> Payment:
    rng = demo.rng
    if paying and demo.chance("overpayment", 0.06):
        on_account = money(rng, 5, 60)  # paid too much: the rest is account credit
    latest = max((invoice.invoice_date for invoice, _ in paying), default=demo.days_ago(0, 60))
    paid_on = min(latest + timedelta(days=rng.randint(0, 45)), demo.today)
    method = demo.one(PaymentMethod)
    template = REFERENCES.get(method.name) if method else None
    payment = Payment(
        customer=customer,
        paid_on=paid_on,
        payment_method=method,
        reference=template.format(n=rng.randint(100000, 999999)) if template else None,
        amount=sum((amount for _, amount in paying), ZERO) + on_account,
        notes="Left on account as credit." if on_account else None,
        allocations=[
            PaymentAllocation(invoice=invoice, amount=amount, allocated_on=paid_on)
            for invoice, amount in paying
        ],
    )
    check_payment(payment)
    return payment


def add_credit_notes(demo: Demo, customer: Customer, issued: list[Invoice]) -> None:
    """A few invoices get part of their value credited; now and then a refund stands alone."""
    rng = demo.rng
    for invoice in issued:
        if demo.chance("credit note for an invoice", 0.08):
            share = Decimal(rng.choice(("0.10", "0.25", "0.50")))
            net = (sum((line.net for line in invoice.lines), ZERO) * share).quantize(CENT)
            credited_on = min(invoice.invoice_date + timedelta(days=rng.randint(1, 30)), demo.today)
            reason = rng.choice(list(CREDIT_REASONS))
            add_credit_note(demo, customer, reason, net, credited_on, invoice)
    if customer.works and demo.chance("credit note on account", 0.02):
        reason = "Refund: appointment missed by our engineer"
        add_credit_note(demo, customer, reason, money(rng, 20, 60), demo.days_ago(0, 300))


def add_credit_note(
    demo: Demo,
    customer: Customer,
    reason: str,
    net: Decimal,
    credited_on: date,
    invoice: Invoice | None = None,
) -> CreditNote:
    """Its number comes from the credit note series when it is flushed."""
    credit_note = CreditNote(
        customer=customer,
        invoice=invoice,
        description=f"{reason} on {invoice.number}" if invoice else reason,
        credit_date=credited_on,
        breakdown=demo.rng.choice(list(BreakdownStyle)),
        lines=[
            CreditNoteLine(
                description=reason,
                category=CREDIT_REASONS.get(reason, LineCategory.labour),
                quantity=Decimal("1.00"),
                unit_price=net,
                # Credited at the rate it was charged at.
                tax_rate=invoice.lines[0].tax_rate if invoice else STANDARD_VAT,
            )
        ],
    )
    check_credit_note(credit_note)
    return credit_note
