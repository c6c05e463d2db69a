"""The durable store: SQLAlchemy 2 (async), SQLite + WAL by default, any async URL (e.g. PostgreSQL).

store = await Store.open("sqlite:///data/countybot.sqlite3")   # runs pending migrations
...
await store.close()
"""

from bot.store.db import database_url, make_engine
from bot.store.repo import Store

__all__ = ["Store", "database_url", "make_engine"]
