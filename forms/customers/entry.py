"""The customer, contact and work-address entry forms (seed 004 "Add a customer"), in the
product's sections. The page cuts each form to what the customer type needs (`for_type`);
the domain rules (models.customers.rules) judge the rest and are shown by their field."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from forms.core.base import PanelForm
from forms.core.validators import EmailValid, PhoneNumberValid
from models.core.enums import PhoneKind, Status, Title, VacantProperty
from models.customers.entities import CREDITOR_DAYS, PhoneNumber

TITLES = [("", "")] + [(t.value, t.value) for t in Title]
PHONE_KINDS = [(k.value, k.label) for k in PhoneKind]
VACANT = [(v.value, v.label) for v in VacantProperty]
STATUSES = [(s.value, s.label) for s in Status]


def text(label: str, length: int, *validators, **kwargs) -> StringField:
    return StringField(label, validators=[*validators, Optional(), Length(max=length)], **kwargs)


def email_field(label: str = "Email") -> StringField:
    return StringField(label, validators=[Optional(), Length(max=254), EmailValid()])


class TitleField(SelectField):
    """A person's title; the blank choice is a record's None."""

    def process_data(self, value):
        super().process_data("" if value is None else value)


class LookupField(SelectField):
    """A pick list of a lookup table's rows (choices set by the page); 0 is none, as a
    record's None is shown."""

    def __init__(self, label: str, **kwargs):
        super().__init__(label, coerce=int, default=0, **kwargs)

    def process_data(self, value):
        super().process_data(0 if value is None else value)


lookup = LookupField


class PhoneForm(Form):
    """One number of a kind; a row left blank is no number."""

    kind = SelectField("Kind", choices=PHONE_KINDS, default=PhoneKind.mobile.value)
    number = StringField("Number", validators=[Optional(), Length(max=40), PhoneNumberValid()])


def phone_list() -> FieldList:
    return FieldList(FormField(PhoneForm), "Phone numbers", min_entries=1, max_entries=20)


class PreferencesMixin:
    """Communication rules: ticked by the page as their channel is filled in (seed 004)."""

    comm_email = BooleanField("Email", default=True)
    comm_sms = BooleanField("SMS")
    comm_letter = BooleanField("Letter", default=True)
    comm_phone = BooleanField("Phone", default=True)


class PersonMixin:
    title = TitleField("Title", choices=TITLES, default="")
    first_name = text("First name", 80)
    surname = StringField(
        "Surname",
        validators=[DataRequired("Surname is required."), Length(max=80)],
        render_kw={"required": True},
    )


class AddressMixin:
    address_line_1 = StringField(
        "Address line 1",
        validators=[DataRequired("Address line 1 is required."), Length(max=120)],
        render_kw={"required": True},
    )
    address_line_2 = text("Address line 2", 120)
    address_line_3 = text("Address line 3", 120)
    town = text("Town", 80)
    county = text("County", 80)
    postcode = text("Postcode", 16)
    country = text("Country", 60)


class ContactFields(PreferencesMixin, PersonMixin, Form):
    """A contact of a customer: a company's first one on the customer form, any other in the
    Contacts tab's modal (ContactForm)."""

    position = text("Position", 80)
    email = email_field()
    phones = phone_list()


class ContactForm(PanelForm, ContactFields):
    twitter_url = text("Twitter / X", 254)
    facebook_url = text("Facebook", 254)
    linkedin_url = text("LinkedIn", 254)
    branch_id = lookup("Branch")
    is_primary = BooleanField("Primary contact")
    version = HiddenField()


class BranchForm(AddressMixin, PanelForm):
    """An office of a company customer, in the Branches tab's modal."""

    name = StringField(
        "Branch name",
        validators=[DataRequired("Name the branch."), Length(max=120)],
        render_kw={"required": True},
    )
    email = email_field()
    phones = phone_list()


def for_contact(form: ContactForm, allows_primary: bool, sms: bool) -> ContactForm:
    """Primary contacts are for private types only; SMS only where SMS is enabled."""
    if not allows_primary:
        del form.is_primary
    if not sms:
        del form.comm_sms
    return form


class CustomerForm(PreferencesMixin, AddressMixin, PanelForm):
    # Customer details: the page keeps the person's or the company's fields (`for_type`).
    title = PersonMixin.title
    first_name = PersonMixin.first_name
    surname = StringField("Surname", validators=[Length(max=80)], render_kw={"required": True})
    company_name = StringField(
        "Company name", validators=[Length(max=160)], render_kw={"required": True}
    )
    contact = FormField(ContactFields, "First contact")
    email = email_field()
    phones = phone_list()
    postcode = StringField(
        "Postcode",
        validators=[DataRequired("Postcode is required."), Length(max=16)],
        render_kw={"required": True},
    )
    region = text("Region", 80)
    what3words = text("what3words", 80)
    # How did you hear from us?
    advertising_source_id = lookup("Advertising source")
    price_book_id = lookup("Price book")
    # Other details
    status = SelectField("Status", choices=STATUSES)
    salesperson_id = lookup("Salesperson")
    representative_id = lookup("Representative (the salesperson if left blank)")
    building_type_id = lookup("Building type")
    sla_id = lookup("SLA")
    business_area = text("Business area", 160)
    creditor_days = SelectField(
        "Creditor days", coerce=int, choices=[(d, f"{d} days") for d in CREDITOR_DAYS], default=30
    )
    vacant_property = SelectField("Vacant property", choices=VACANT, default="unknown")
    after_sales_communication = BooleanField("After-sales communication", default=True)
    third_party_reference = text("Third-party reference", 80)
    statement_email = email_field("Statement email")
    alt_email = email_field("Alternative email")
    invalid_email = BooleanField("Email is invalid (bounces)")
    home_page = text("Home page", 254)
    kilometres = DecimalField(
        "Kilometres",
        places=2,
        validators=[Optional(), NumberRange(min=0, max=99999, message="0 to 99,999.")],
    )
    technical_reference = TextAreaField("Technical reference", validators=[Length(max=4000)])
    version = HiddenField()
    # The ids of the likely duplicates the user saw and chose to create anyway.
    duplicates_confirmed = HiddenField()


PERSON_FIELDS = ("title", "first_name", "surname")
COMPANY_FIELDS = ("company_name", "contact")


def for_type(form: CustomerForm, is_company: bool, creating: bool, sms: bool) -> CustomerForm:
    """The form as the customer type needs it: a person's names or a company's name and first
    contact (only when it is created: later contacts are on the Contacts tab); the status once
    it exists; SMS only where SMS is enabled."""
    drop = set(PERSON_FIELDS if is_company else COMPANY_FIELDS)
    if not creating:
        drop |= {"contact", "duplicates_confirmed"}
    else:
        drop.add("status")
    if not sms:
        drop.add("comm_sms")
        if "contact" not in drop:
            del form.contact.form.comm_sms
    if is_company and creating:
        form.company_name.validators = [DataRequired("Company name is required."), Length(max=160)]
    if not is_company:
        form.surname.validators = [DataRequired("Surname is required."), Length(max=80)]
    for name in drop:
        delattr(form, name)
    return form


class LandlordForm(PersonMixin, AddressMixin, PanelForm):
    """The few details a landlord is added with while a work address is typed (seed 004)."""

    email = email_field()
    phones = phone_list()
    postcode = CustomerForm.postcode
    duplicates_confirmed = HiddenField()


class WorkAddressForm(PreferencesMixin, AddressMixin, PanelForm):
    landlord_id = HiddenField("Landlord")
    branch_id = lookup("Branch")
    occupier_title = TitleField("Title", choices=TITLES, default="")
    occupier_first_name = text("First name", 80)
    occupier_surname = text(
        "Surname", 80, description="Left blank, it reads “Occupier”.", render_kw={}
    )
    email = email_field()
    phones = phone_list()
    status = SelectField("Status", choices=STATUSES)
    building_type_id = lookup("Building type")
    vacant_property = SelectField("Vacant property", choices=VACANT, default="unknown")
    after_sales_communication = BooleanField("After-sales communication", default=True)
    is_invoice_address = BooleanField("Invoices for work here are addressed here")
    notes = TextAreaField("Notes", validators=[Length(max=4000)])
    version = HiddenField()
    duplicates_confirmed = HiddenField()


# Posted values that are not columns of the record they fill.
NOT_COLUMNS = {"csrf_token", "version", "duplicates_confirmed", "phones", "contact", "landlord_id"}
CHOICES = {
    "title": Title,
    "occupier_title": Title,
    "status": Status,
    "vacant_property": VacantProperty,
}


def fill(form, record) -> None:
    """The record's columns from the form's fields of the same names: blank text is None,
    0 in a pick list is none, and the phone rows become its numbers."""
    custom = {d.form_name for d in getattr(form, "custom_field_definitions", ())}
    for field in form:
        name = field.short_name  # a contact's fields on the customer form are "contact-…"
        if name in NOT_COLUMNS or name in custom:  # custom values: set_custom_values
            continue
        value = field.data
        if isinstance(value, str):
            value = value.strip() or None
        if name.endswith("_id") and not value:
            value = None
        if name in CHOICES and value is not None:
            value = CHOICES[name](value)
        setattr(record, name, value)
    if "phones" in form:
        fill_phones(record, form.phones)


def fill_phones(record, rows: FieldList) -> None:
    """The numbers typed, in order; the record's existing numbers are reused row by row, so an
    unchanged number is no change in the audit trail."""
    typed = [
        (PhoneKind(row.form.kind.data), row.form.number.data.strip())
        for row in rows
        if (row.form.number.data or "").strip()
    ]
    for phone, (kind, number) in zip(record.phones, typed, strict=False):
        phone.kind, phone.number = kind, number
    for kind, number in typed[len(record.phones) :]:
        record.phones.append(PhoneNumber(kind=kind, number=number))
    del record.phones[len(typed) :]
