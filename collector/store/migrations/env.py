"""Alembic environment: owabi runs migrations itself on start (`collector.store.migrate`),
handing over its own connection, so no alembic.ini is needed."""

from __future__ import annotations

from alembic import context

from collector.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
