"""Persistence: SQLAlchemy 2 models, the engine factory, migrations and queries.

Query functions take a Session and never commit; the caller's `with session.begin():`
is the unit of work, so that a notice, its incident and its alert rows land together.
"""
