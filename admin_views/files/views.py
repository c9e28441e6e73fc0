"""Communications and attachments across the book, as model views (the record shows each
customer's own on its tabs)."""

from flask_login import current_user
from wtforms.validators import DataRequired

from admin_views.core.base import SecureModelView
from admin_views.core.lookups import customer_loader, work_address_loader
from admin_views.service.views import CUSTOMER_REQUIRED


class CommunicationView(SecureModelView):
    noun = "communication"
    column_list = (
        "created_at",
        "kind",
        "customer",
        "author",
        "subject",
        "is_important",
        "scheduled_for",
    )
    column_labels = {
        "created_at": "When",
        "is_important": "Important",
        "scheduled_for": "Activity due",
    }
    column_default_sort = ("created_at", True)
    column_searchable_list = ("subject", "body")
    column_filters = (
        "kind",
        "is_important",
        "do_not_work_with_again",
        "scheduled_for",
        "created_at",
    )
    column_sortable_list = ("created_at", "kind", "subject", "is_important", "scheduled_for")
    column_details_list = (
        "customer",
        "work_address",
        "author",
        "kind",
        "created_at",
        "subject",
        "body",
        "is_important",
        "do_not_work_with_again",
        "scheduled_for",
    )
    form_columns = (
        "customer",
        "work_address",
        "kind",
        "subject",
        "body",
        "is_important",
        "do_not_work_with_again",
        "scheduled_for",
    )
    form_args = {
        "customer": CUSTOMER_REQUIRED,
        "body": {"validators": [DataRequired("Write the note.")]},
    }
    form_ajax_refs = {
        "customer": customer_loader("customer"),
        "work_address": work_address_loader("work_address"),
    }

    def on_model_change(self, form, model, is_created):
        if is_created:
            model.author = current_user
        super().on_model_change(form, model, is_created)


class AttachmentView(SecureModelView):
    """Files are uploaded from the customer record page; here they are listed and described."""

    noun = "file"
    allow_create = False
    allow_delete = False
    column_list = (
        "original_name",
        "description",
        "customer",
        "content_type",
        "size_bytes",
        "is_picture",
        "uploaded_by",
        "uploaded_at",
    )
    column_labels = {"original_name": "File", "size_bytes": "Size (bytes)", "is_picture": "Picture"}
    column_default_sort = ("uploaded_at", True)
    column_searchable_list = ("original_name", "description")
    column_filters = ("is_picture", "content_type", "uploaded_at")
    column_sortable_list = (
        "original_name",
        "description",
        "content_type",
        "size_bytes",
        "is_picture",
        "uploaded_at",
    )
    column_details_list = (
        "customer",
        "work_address",
        "work",
        "uploaded_by",
        "original_name",
        "content_type",
        "size_bytes",
        "description",
        "is_picture",
        "uploaded_at",
    )
    form_columns = ("description",)
    form_args = {"description": {"validators": [DataRequired("Describe the file.")]}}
