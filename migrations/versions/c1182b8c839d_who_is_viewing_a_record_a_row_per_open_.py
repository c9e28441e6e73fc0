"""Who is viewing a record: a row per open page

The record page and the work-address page show who else has them open (seed 004). Each open
page beats every few seconds; its row says whose page it is, whether it is the edit form, when
it was opened and last heard from. Rows of closed pages are dropped as they expire; when
REDIS_URL is set the table stays empty. On PostgreSQL the table is UNLOGGED: a beat's commit
then waits for no WAL flush, and after a crash the open pages simply beat again.

Revision ID: c1182b8c839d
Revises: 1a157793903c
Create Date: 2026-12-03 17:20:55.432489

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c1182b8c839d'
down_revision = '1a157793903c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('record_presence',
    sa.Column('tab', sa.String(length=32), nullable=False),
    sa.Column('record', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('editing', sa.Boolean(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_record_presence_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tab', name=op.f('pk_record_presence'))
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE record_presence SET UNLOGGED')
    with op.batch_alter_table('record_presence', schema=None) as batch_op:
        batch_op.create_index('ix_record_presence_record_seen_at', ['record', 'seen_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_record_presence_seen_at'), ['seen_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_record_presence_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('record_presence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_presence_user_id'))
        batch_op.drop_index(batch_op.f('ix_record_presence_seen_at'))
        batch_op.drop_index('ix_record_presence_record_seen_at')

    op.drop_table('record_presence')
