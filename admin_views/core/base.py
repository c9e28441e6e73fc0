"""What every panel view shares: login, roles, CSRF, optimistic locking and people's errors."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView, expose
from flask_admin.actions import action
from flask_admin.contrib.sqla import ModelView, tools
from flask_admin.contrib.sqla.filters import FilterConverter
from flask_admin.contrib.sqla.form import AdminModelConverter, InlineModelConverter
from flask_admin.contrib.sqla.typefmt import DEFAULT_FORMATTERS
from flask_admin.form import BaseForm, rules
from flask_admin.helpers import get_form_data
from flask_admin.model import filters
from flask_admin.model.form import converts
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField

from admin_views.core.list_arguments import checked_arguments, checked_filters
from admin_views.core.list_count import capped_count_query
from admin_views.core.lookups import RowLoader
from admin_views.core.surface import check_surface, is_relationship
from extensions import db
from forms.core.base import ModelForm, put_on_fields
from models import ConcurrentEditError, Customer, DomainError, Role, ValidationFailed
from models.core import formats
from models.core.base import is_row_id
from models.core.enums import Choice
from models.customers.rules import check_version

# Flask-Admin's own endpoints that change data: office by default (a view may ask for more).
WRITE_VIEWS = {"create_view", "edit_view", "delete_view", "action_view", "ajax_update"}
PAGE_SIZES = (10, 25, 50, 100)


# "In progress", not "in_progress"; days and moments as the house writes them (a datetime
# is a date too: it comes first).
TYPE_FORMATTERS = {
    Choice: lambda view, value, name: value.label,
    datetime: lambda view, value, name: formats.day_time(value),
    date: lambda view, value, name: formats.day(value),
    **DEFAULT_FORMATTERS,
}


class LabelledFilters(FilterConverter):
    """Flask-Admin's filters, a stored choice offered by its label ("In progress")."""

    @filters.convert("enum")
    def conv_enum(self, column, name, options=None, **kwargs):
        choices = column.type.enum_class
        if not options and choices is not None:
            options = [(member.value, member.label) for member in choices]
        return super().conv_enum(column, name, options, **kwargs)


class LabelledForms(AdminModelConverter):
    """Flask-Admin's generated forms, a stored choice offered by its label."""

    @converts("sqlalchemy.sql.sqltypes.Enum")
    def convert_enum(self, column, field_args, **extra):
        field = super().convert_enum(column, field_args, **extra)
        if column.type.enum_class is not None:
            field.kwargs["choices"] = [(m.value, m.label) for m in column.type.enum_class]
        return field


def money_cells(*names: str) -> dict:
    """column_formatters showing these columns as amounts with their currency."""
    return {
        name: lambda view, context, model, name: formats.money(getattr(model, name))
        for name in names
    }


def allowed(role: Role):
    """Declares who may call an endpoint (or run a list action): `role` and the roles above it.
    Enforced before the view runs, and read by menus and the record's quick links, so nothing is
    offered that would be refused."""

    def declare(view_method):
        view_method.allowed_role = role
        return view_method

    return declare


# An extra endpoint that writes: read_only users are refused it (403).
changes_data = allowed(Role.office)


def highest(*roles: Role) -> Role:
    return max(roles, key=lambda role: role.rank)


def endpoint_role(endpoint: str) -> Role:
    """The role an endpoint of the panel declares ("customer.delete_action"), for a link to it."""
    view_endpoint, _, method = endpoint.rpartition(".")
    views = (view for admin in current_app.extensions["admin"] for view in admin._views)
    return next(view for view in views if view.endpoint == view_endpoint).required_role(method)


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site paths: never bounce a user to another host after a form."""
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and target.startswith("/"):
        return target
    return fallback


class AccessMixin:
    """Login for everyone; each endpoint's declared role (`allowed`) on top of the view's."""

    role = Role.read_only  # who may open the view at all; its menu entry shows to them only
    # Flask-Admin's own endpoints, which we cannot decorate, by method name.
    stock_roles: dict[str, Role] = {}

    def required_role(self, name: str) -> Role:
        declared = getattr(getattr(self, name, None), "allowed_role", None)
        if declared is None:
            default = Role.office if name in WRITE_VIEWS else Role.read_only
            declared = self.stock_roles.get(name, default)
        return highest(declared, self.role)

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and current_user.may(self.role)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path))
        abort(403)

    def _handle_view(self, name, **kwargs):
        refused = super()._handle_view(name, **kwargs)
        if refused is not None:
            return refused
        if not current_user.may(self.required_role(name)):
            abort(403)
        chosen = request.form.get("action") if name == "action_view" else None
        if chosen in getattr(self, "_actions_data", {}) and not self.is_action_allowed(chosen):
            abort(403)  # a list action declares its own role (the delete action: delete_view's)
        return None


class VersionField(HiddenField):
    """Carries the record version the user opened; checked on save, never written back."""

    def populate_obj(self, obj, name) -> None:
        pass


class ExplicitInlineConverter(InlineModelConverter):
    """Lets an inline admin name its relation (`relation = ("work_addresses", "customer")`)
    where a child points at the parent twice (a work address's owner and its landlord)."""

    def _calculate_mapping_key_pair(self, model, info):
        relation = getattr(info, "relation", None)
        if relation:
            forward, reverse = relation
            return {forward: reverse}
        return super()._calculate_mapping_key_pair(model, info)


def ruled_fields(form_rules):
    """The field names a form's layout rules mention, in order: the layout is the field list."""
    for rule in form_rules:
        if isinstance(rule, str):
            yield rule
        elif isinstance(rule, rules.Field):
            yield rule.field_name
        elif isinstance(rule, rules.NestedRule):
            yield from ruled_fields(rule.rules)


class HiddenRule(rules.Field):
    """Keeps a hidden field in a ruled form; Flask-Admin already renders hidden fields."""

    def __call__(self, form, form_opts=None, field_args=None):
        return ""


class SecureModelView(AccessMixin, ModelView):
    """Base for every model view: declare columns, forms and filters; this does the rest."""

    can_view_details = True
    can_set_page_size = True
    page_size = 25
    page_size_options = PAGE_SIZES
    details_modal = False
    create_modal = False
    edit_modal = False
    column_display_actions = True
    filter_converter = LabelledFilters()
    # Relationship columns are loaded with the page, not one query per row.
    column_auto_select_related = True
    column_type_formatters = TYPE_FORMATTERS
    column_type_formatters_detail = TYPE_FORMATTERS
    inline_model_form_converter = ExplicitInlineConverter
    model_form_converter = LabelledForms
    form_base_class = ModelForm  # refuses NUL characters beside their field (forms/core/base.py)
    # The noun used in messages ("This customer was changed …").
    noun = "record"
    # The rows the view is about when not all of its table's (customers not merged away, the
    # dormant ones): its list, its count and its record pages see no other row.
    rows_where = None

    def __init__(self, model, session, **kwargs):
        if self.form_rules and not self.form_columns:
            self.form_columns = tuple(ruled_fields(self.form_rules))
        if hasattr(model, "version"):  # optimistic locking: the form carries what was seen
            self.form_extra_fields = {**(self.form_extra_fields or {}), "version": VersionField()}
            if self.form_columns:
                self.form_columns = (*self.form_columns, "version")
            for rules_name in ("form_rules", "form_create_rules", "form_edit_rules"):
                if getattr(self, rules_name):
                    setattr(self, rules_name, (*getattr(self, rules_name), HiddenRule("version")))
        super().__init__(model, session, **kwargs)

    # Role-aware buttons: nobody sees what their role would be refused.
    @property
    def can_create(self) -> bool:
        return self.allow_create and self._may(self.required_role("create_view"))

    @property
    def can_edit(self) -> bool:
        return self.allow_edit and self._may(self.required_role("edit_view"))

    @property
    def can_delete(self) -> bool:
        return self.allow_delete and self._may(self.required_role("delete_view"))

    def is_action_allowed(self, name: str) -> bool:
        if name == "delete":
            role = self.required_role("delete_view")
        else:
            method = self._actions_data[name][0]
            declared = getattr(method, "allowed_role", Role.office)
            role = highest(declared, self.required_role("action_view"))
        return super().is_action_allowed(name) and self._may(role)

    @staticmethod
    def _may(role: Role) -> bool:
        return current_user.is_authenticated and current_user.may(role)

    def scoped(self, ids):
        """Posted ids, re-scoped through the view's own query (what the list may show); ids
        that could not be a row's are dropped, and the rest reach the database as integers."""
        wanted = [int(i) for i in ids if is_row_id(i)]
        return self.get_query().filter(self.model.id.in_(wanted))

    def delete_row(self, model) -> None:
        """Deletes one row inside the caller's transaction, through the view's domain rule
        (on_model_delete raises DomainError to refuse); a view whose rows have an operation of
        their own (a customer's is delete_customer) overrides this."""
        self.on_model_delete(model)
        db.session.delete(model)

    def delete_model(self, model) -> bool:
        """The stock delete/ endpoint: the same operation as the bulk action, one transaction."""
        if not self._deleted([model], "Not deleted"):
            return False
        self.after_model_delete(model)
        return True

    @action("delete", "Delete", "Delete the selected records? This cannot be undone.")
    def action_delete(self, ids) -> None:
        chosen = self.scoped(ids).all()
        if self._deleted(chosen, "Nothing deleted"):
            flash(f"Deleted {len(chosen)} of the selected records.", "success")

    def _deleted(self, rows, refused: str) -> bool:
        try:
            with operation(refused_as=refused) as outcome:
                for row in rows:
                    self.delete_row(row)
        except IntegrityError:
            db.session.rollback()
            flash(f"{refused}: other records still point at it.", "error")
            return False
        return outcome.done

    allow_create = True
    allow_edit = True
    allow_delete = True

    # Fields a link may fill in on the create form (?customer=12&kind=job), e.g. from a record.
    prefill_fields: tuple[str, ...] = ("customer",)

    def form_class_for(self, form_class, record):
        """The form class for this record (None for a new one): a view adds fields here,
        such as its custom fields (admin_views/core/custom_fields.py)."""
        return form_class

    def create_form(self, obj=None):
        form = self.form_class_for(self._create_form_class, obj)(get_form_data(), obj=obj)
        if request.method == "GET":
            for name in self.prefill_fields:
                if request.args.get(name) and name in form:
                    self.prefill(form[name], request.args[name])
        return form

    def edit_form(self, obj=None):
        return self.form_class_for(self._edit_form_class, obj)(get_form_data(), obj=obj)

    @staticmethod
    def prefill(field, value: str) -> None:
        loader = getattr(field, "loader", None)  # an AJAX lookup wants the record itself
        field.data = loader.get_one(value) if loader else value

    def check(self, model, is_created: bool) -> None:
        """Domain rules for this model; raise ValidationFailed. Overridden per view."""

    def on_model_change(self, form, model, is_created):
        g.model_form = form  # so a refused rule can be shown next to its field
        if not is_created and "version" in form:
            check_version(model, as_int(form.version.data), self.noun)
        with db.session.no_autoflush:  # judge the unsaved state, not half of it in the DB
            self.check(model, is_created)

    def scaffold_filters(self, name):
        attr = tools.get_field_with_path(self.model, name)[0] if isinstance(name, str) else None
        if is_relationship(attr):
            # Flask-Admin would build a filter on every column of the related model (that is
            # how `User / Password Hash contains …` reached the customer list).
            raise TypeError(
                f"{type(self).__name__}.column_filters names the relationship {name!r}: "
                f"name the related column you mean ('{name}.name')."
            )
        return super().scaffold_filters(name)

    def _refresh_cache(self) -> None:
        super()._refresh_cache()
        check_surface(self)

    def _create_ajax_loader(self, name, options):
        # As the stock loader, with RowLoader's refusal of ids that could not be a row's.
        related = getattr(self.model, name).property.mapper.class_
        return RowLoader(name, db, related, **options)

    def get_query(self):
        query = super().get_query()
        return query if self.rows_where is None else query.filter(self.rows_where)

    def get_count_query(self):
        query = capped_count_query(db.session, self.model)
        return query if self.rows_where is None else query.filter(self.rows_where)

    # The query string's page, page size, sort and filters, checked (list_arguments.py).
    def _get_list_extra_args(self):
        return checked_arguments(self, super()._get_list_extra_args())

    def _get_list_filter_args(self):
        return checked_filters(self)

    def get_one(self, id):
        # ?id=abc or ?id=99999999999 finds nothing ("Record does not exist"), never a 500.
        if not is_row_id(id):
            return None
        if self.rows_where is None:
            return super().get_one(id)
        return self.get_query().filter(self.model.id == int(id)).one_or_none()

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, ValidationFailed):
            put_on_fields(g.get("model_form"), exc)
            flash("Not saved: " + " ".join(exc.errors.values()), "error")
            return True
        if isinstance(exc, StaleDataError):
            flash(
                f"Not saved: this {self.noun} was changed by someone else while you were saving. "
                "Reload it and make your changes again.",
                "error",
            )
            return True
        if isinstance(exc, ConcurrentEditError | DomainError):
            flash(f"Not saved: {exc}", "error")
            return True
        if isinstance(exc, IntegrityError):
            flash(
                "Not saved: it would duplicate an existing value or point at a record that "
                "does not exist. Check the highlighted values and try again.",
                "error",
            )
            return True
        return super().handle_view_exception(exc)


def requested_id() -> int | None:
    """The page's ?id=, when it could be a row's; None for anything else."""
    value = request.args.get("id")
    return int(value) if is_row_id(value) else None


def as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class NoStockForm:
    """For a model view whose rows are added and edited on pages of its own, or never: the
    stock form is not rendered, so no fields (and so no dropdowns) are built for it."""

    def scaffold_form(self):
        return type(f"{self.model.__name__}StubForm", (BaseForm,), {})


class ReadOnlyModelView(NoStockForm, SecureModelView):
    """A trail or log: listed and viewed, never changed through the panel."""

    allow_create = False
    allow_edit = False
    allow_delete = False


class SecureIndexView(AccessMixin, AdminIndexView):
    pass


def customer_row(model, row_id: int, customer: Customer):
    """A row of this customer's, or 404: ids of other customers' rows are not reachable."""
    row = db.session.scalar(
        select(model).where(model.id == row_id, model.customer_id == customer.id)
    )
    if row is None:
        abort(404)
    return row


def form_page(view, template: str, **context):
    """A page with a form: 200 when it is opened, 400 when a refused post shows it again."""
    return view.render(template, **context), 400 if request.method == "POST" else 200


STALE = "someone else changed it meanwhile. Reload and try again."


class operation:  # noqa: N801 (used as a block: `with operation(…) as outcome:`)
    """The block as one transaction: committed at its end; when a domain rule refuses it
    (DomainError) or someone else changed the rows meanwhile, rolled back, nothing changed,
    and why is said: a ValidationFailed's messages beside the fields of `form` they name
    (the rest on `others`, when given), anything else flashed as "<refused_as>: why".
    `outcome.done` says whether it was committed, `outcome.refusal` why not; `quiet=True`
    leaves saying why to the caller."""

    def __init__(self, form=None, refused_as="Nothing changed", others=None, quiet=False):
        self.form, self.refused_as, self.others, self.quiet = form, refused_as, others, quiet
        self.refusal: DomainError | None = None

    def __enter__(self) -> operation:
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        if kind is None:
            try:
                db.session.commit()
                return False
            except StaleDataError:
                error = ConcurrentEditError(STALE)
        elif issubclass(kind, StaleDataError):
            error = ConcurrentEditError(STALE)
        elif not issubclass(kind, DomainError):
            db.session.rollback()
            return False  # not a refusal: it propagates
        db.session.rollback()
        self.refusal = error
        if not self.quiet:
            left = put_on_fields(self.form, error, self.others) if self.form else {"": error}
            if left:
                why = error if "" in left else " ".join(left.values())
                flash(f"{self.refused_as}: {why}", "error")
        return True

    @property
    def done(self) -> bool:
        return self.refusal is None


def live_customer(customer_id: int) -> Customer:
    """A customer that was not merged away, or 404: a merged customer's records moved to the
    customer kept, and are worked on there."""
    customer = db.session.get(Customer, customer_id)
    if customer is None or customer.merged_into_id:
        abort(404)
    return customer


class CustomerPagesView(AccessMixin, BaseView):
    """The one way to add pages about one customer: `@expose` methods taking customer_id, each
    declaring who may open it (`@changes_data`, `@allowed(Role.admin)`; anyone logged in by
    default). The class is either a view of its own (payments, cards, statements …: endpoints
    such as customer_payments.cash_allocation, no menu entry) or mounted on the customer view
    (`CustomerView.mounted`: endpoints customer.merge_choose …, under /admin/customer/)."""

    host = None  # the customer view this class is mounted on, if it is

    def __init__(self, host=None, **kwargs):
        if host is not None:  # serve as the customer view: its name, menu, address and pages
            self.host = host
            kwargs = {"name": host.name, "category": host.category, "endpoint": host.endpoint}
            kwargs["url"] = host.url
        super().__init__(**kwargs)

    def is_visible(self) -> bool:
        return False

    @expose("/")
    def index(self):  # Flask-Admin wants one; these pages are per customer
        return redirect(url_for("customer.index_view"))

    def load_customer(self, customer_id: int) -> Customer:
        return live_customer(customer_id)

    def record_url(self, customer: Customer, tab: str = "") -> str:
        """The customer's record, at a tab ("money") or a side-panel block ("panel-sla")."""
        return url_for("customer.details_view", id=customer.id) + (f"#{tab}" if tab else "")

    def back_to_record(self, customer: Customer, tab: str = ""):
        return redirect(self.record_url(customer, tab))

    def render(self, template, **kwargs):
        # Mounted, the page renders as the customer view's (its menu entry, its list's links).
        return (
            self.host.render(template, **kwargs)
            if self.host
            else super().render(template, **kwargs)
        )


class MountsCustomerPages:
    """For the customer view: serves each of its `mounted` CustomerPagesView classes'
    endpoints as its own. Each endpoint keeps its declared role (read by `required_role`
    through the attribute set here) and its class's helpers; none reaches into the view."""

    mounted: tuple[type[CustomerPagesView], ...] = ()

    def create_blueprint(self, admin):
        self._urls = list(self._urls)
        served = {name for _url, name, _methods in self._urls}
        for pages_class in self.mounted:
            pages = pages_class(host=self)
            pages.admin = admin
            for url, name, methods in pages_class._urls:
                if name == "index":
                    continue
                setattr(self, name, getattr(pages, name))  # replaces a stock one (details_view)
                if name not in served:
                    served.add(name)
                    self._urls.append((url, name, methods))
        return super().create_blueprint(admin)
