"""Staff sessions kept on the server, so that logging out or a new password ends them

The session cookie alone could not be taken back: a copy of it still opened the panel after
logout and after the user's password was changed. Each login now opens a row here; the cookie
carries its token (only the token's hash is stored), and ending the row ends the session.

Revision ID: 80f03c0cfc4e
Revises: a1c5e9d3f7b2
Create Date: 2026-12-01 22:32:00.216008

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '80f03c0cfc4e'
down_revision = 'a1c5e9d3f7b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_staff_session_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_session_token_hash'))
    )
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_session_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_session_user_id'))

    op.drop_table('staff_session')
