"""Indexes on nullable foreign keys leave out the NULLs

Revision ID: 9d4e2b7a1c30
Revises: 7c3f1a9e5d20
Create Date: 2026-11-22 11:00:00.000000

After ANALYZE, SQLite counted the NULLs of a mostly empty key (phone_number.branch_id) as one
value shared by every row, judged the index useless and scanned the table instead
(models.base.sparse_foreign_key_indexes).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9d4e2b7a1c30"
down_revision = "7c3f1a9e5d20"
branch_labels = None
depends_on = None

# (table, column) of every index on a nullable foreign key at this revision.
NULLABLE_FOREIGN_KEYS = (
    ("audit_entry", "user_id"),
    ("customer", "salesperson_id"),
    ("customer", "sla_id"),
    ("customer", "building_type_id"),
    ("customer", "representative_id"),
    ("customer", "merged_into_id"),
    ("customer", "price_book_id"),
    ("customer", "advertising_source_id"),
    ("outbox_message", "customer_id"),
    ("outbox_message", "created_by_id"),
    ("portal_access", "created_by_id"),
    ("contact", "branch_id"),
    ("work_address", "branch_id"),
    ("work_address", "building_type_id"),
    ("work_address", "landlord_id"),
    ("asset", "make_id"),
    ("asset", "work_address_id"),
    ("asset", "fuel_type_id"),
    ("asset", "location_id"),
    ("asset", "model_id"),
    ("communication", "author_id"),
    ("communication", "work_address_id"),
    ("invoice", "contact_id"),
    ("invoice", "invoice_address_id"),
    ("phone_number", "contact_id"),
    ("phone_number", "branch_id"),
    ("phone_number", "customer_id"),
    ("phone_number", "work_address_id"),
    ("work", "work_address_id"),
    ("work", "product_id"),
    ("work", "payment_method_id"),
    ("work", "result_code_id"),
    ("attachment", "uploaded_by_id"),
    ("attachment", "work_address_id"),
    ("attachment", "work_id"),
    ("credit_note", "invoice_id"),
    ("invoice_line", "work_id"),
    ("service_reminder", "asset_id"),
    ("service_reminder", "work_id"),
    ("service_reminder", "work_address_id"),
)


def _recreate(where: bool) -> None:
    for table, column in NULLABLE_FOREIGN_KEYS:
        name = f"ix_{table}_{column}"
        present = sa.text(f"{column} IS NOT NULL") if where else None
        op.drop_index(name, table_name=table)
        op.create_index(
            name, table, [column], unique=False, sqlite_where=present, postgresql_where=present
        )


def upgrade():
    _recreate(where=True)


def downgrade():
    _recreate(where=False)
