"""Reviewer notes and kept spans on decisions; the queue's sort index.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("note", sa.Text))
        batch.add_column(sa.Column("spans", sa.JSON))
    # The queue is read as "pending, highest score first".
    op.create_index("ix_items_status_score", "items", ["status", "propaganda_score"])


def downgrade() -> None:
    op.drop_index("ix_items_status_score", table_name="items")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("spans")
        batch.drop_column("note")
