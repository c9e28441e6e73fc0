"""The invoice address format (seed 004 "Invoices"): text and tags such as
`[landlord_name] c/o [customer_name]`, typed on several lines, filled from the record when a
document is printed, so an edited record prints its new details.

Blank tags are skipped cleanly. A line whose tags are all blank is dropped. Connecting text
goes with a blank tag: the text before it, or, for the first tag of a line, the text after it
(so "[landlord_name] c/o [customer_name]" with no landlord is just the customer's name, and
"[customer_town], [customer_county], [customer_postcode]" with no county keeps one comma).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..core.errors import ValidationFailed
from ..customers.entities import Customer, WorkAddress
from .entities import Invoice

# Tag -> what it prints; the order is the order of the buttons on the settings page.
TAGS: dict[str, str] = {
    "customer_name": "Customer name (company, or title first name surname)",
    "customer_title": "Title",
    "customer_first_name": "First name",
    "customer_surname": "Surname",
    "customer_company_name": "Company name",
    "customer_address_line_1": "Address line 1",
    "customer_address_line_2": "Address line 2",
    "customer_address_line_3": "Address line 3",
    "customer_town": "Town",
    "customer_county": "County",
    "customer_postcode": "Postcode",
    "customer_country": "Country",
    "landlord_name": "Landlord of the invoiced work's address",
    "contact_name": "The invoice's contact, else the primary contact",
    "work_address": "Invoiced work's address, on one line",
    "work_address_line_1": "Invoiced work's address line 1",
    "work_address_postcode": "Invoiced work's postcode",
}

TAG = re.compile(r"\[([^\[\]]*)\]")
FIELD = "invoice_address_format"


def unknown_tags(address_format: str) -> list[str]:
    seen = dict.fromkeys(name for name in TAG.findall(address_format) if name not in TAGS)
    return list(seen)


def validate(address_format: str | None) -> None:
    """Refuse tags the renderer does not know: a typo would silently print nothing."""
    unknown = unknown_tags(address_format or "")
    if unknown:
        listed = ", ".join(f"[{name}]" for name in unknown)
        raise ValidationFailed(
            {
                FIELD: f"Unknown tag{'s' if len(unknown) > 1 else ''} {listed}. "
                "Use the tag buttons, or check the spelling: tags are lower case, "
                "like [customer_name]."
            }
        )


def render(address_format: str, context: Mapping[str, str | None]) -> list[str]:
    """The address lines the format prints with these values (missing tags are blank)."""
    lines = (_render_line(line, context) for line in address_format.splitlines())
    return [line for line in lines if line]


def _render_line(line: str, context: Mapping[str, str | None]) -> str:
    # re.split with a group alternates text and tag names: [text, tag, text, ..., tag, text].
    parts = TAG.split(line)
    texts, names = parts[0::2], parts[1::2]
    if not names:
        return _tidy(line)
    values = [(context.get(name) or "").strip() for name in names]
    if not any(values):
        return ""
    kept: list[str] = []
    for index, value in enumerate(values):
        if not value:
            continue
        if kept:
            kept.append(texts[index])  # the text before a kept tag that follows a kept one
        elif index == 0:
            kept.append(texts[0])  # leading text belongs to the line's first tag
        kept.append(value)
    if values[-1]:
        kept.append(texts[-1])  # trailing text belongs to the line's last tag
    return _tidy("".join(kept))


def _tidy(text: str) -> str:
    """One space between words, none before a comma, no comma left hanging at either end."""
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+,", ",", text)
    text = re.sub(r",(\s*,)+", ",", text)
    return text.strip(" ,")


def address_context(customer: Customer, invoice: Invoice | None = None) -> dict[str, str]:
    """The value of every tag for this customer, and for this invoice when there is one."""
    work_address = _work_address(invoice)
    landlord = work_address.landlord if work_address is not None else None
    contact = (invoice.contact if invoice is not None else None) or customer.primary_contact
    return {
        "customer_name": customer.display_name or "",
        "customer_title": customer.title or "",
        "customer_first_name": customer.first_name or "",
        "customer_surname": customer.surname or "",
        "customer_company_name": customer.company_name or "",
        "customer_address_line_1": customer.address_line_1 or "",
        "customer_address_line_2": customer.address_line_2 or "",
        "customer_address_line_3": customer.address_line_3 or "",
        "customer_town": customer.town or "",
        "customer_county": customer.county or "",
        "customer_postcode": customer.postcode or "",
        "customer_country": customer.country or "",
        "landlord_name": landlord.display_name if landlord is not None else "",
        "contact_name": contact.name if contact is not None else "",
        "work_address": ", ".join(work_address.address_lines()) if work_address else "",
        "work_address_line_1": work_address.address_line_1 if work_address else "",
        "work_address_postcode": (work_address.postcode or "") if work_address else "",
    }


def _work_address(invoice: Invoice | None) -> WorkAddress | None:
    """The address of the invoice's first work that has one."""
    if invoice is None:
        return None
    return next((w.work_address for w in invoice.works if w.work_address is not None), None)


def bill_to_lines(customer: Customer, invoice: Invoice | None = None) -> list[str]:
    """Who a document is addressed to. An alternative invoice address chosen for the invoice
    is its recipient (an insurer, an agent); otherwise the customer's address format."""
    if invoice is not None and invoice.invoice_address is not None:
        address = invoice.invoice_address
        return [address.name, *address.address_lines()]
    return formatted_lines(customer, invoice)


def formatted_lines(
    customer: Customer, invoice: Invoice | None = None, address_format: str | None = None
) -> list[str]:
    """The format (the customer's own unless another is given, as the settings page's preview
    does) filled in; the customer's name and address when there is no format or it prints
    nothing."""
    if address_format is None:
        address_format = customer.invoice_address_format
    if address_format and address_format.strip():
        lines = render(address_format, address_context(customer, invoice))
        if lines:
            return lines
    return [line for line in (customer.display_name, *customer.address_lines()) if line]
