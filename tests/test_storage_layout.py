"""The storage package's layout: every table has one module that writes it, and no module writes
another's tables (read from the SQL in each module's source)."""

from __future__ import annotations

import re
from pathlib import Path

import crawler.storage
from crawler.storage import Store

PACKAGE = Path(crawler.storage.__file__).parent
OWNERS = {
    "feeds": {"feeds", "polls"},
    "push": {"deliveries", "websub_subscriptions"},
    "articles": {"articles", "minhash_signatures", "minhash_bands"},
    "extractions": {"extractions", "reported_tallies"},
    "incidents": {"incidents", "incident_articles", "incident_changes", "corrections"},
    "counters": {"counters", "counter_ticks"},
    "outbox": {"alerts"},
    "upkeep": {
        "heartbeat",
        "search_index",
        "articles_fts",
        "articles_fts_queue",
        "incidents_fts",
        "incidents_fts_queue",
    },
}
# Statements that write a table, in SQL text or through sqlite-utils' table objects.
WRITES = re.compile(
    r"(?:INSERT(?: OR \w+)? INTO|(?<!DO )UPDATE|DELETE FROM)\s+\[?(\w+)"
    r"|db\[\"(\w+)\"\]\.(?:insert|update|upsert|delete)"
)


def written_tables(module: str) -> set[str]:
    source = (PACKAGE / f"{module}.py").read_text(encoding="utf-8")
    return {a or b for a, b in WRITES.findall(source)}


def test_each_module_writes_only_its_own_tables():
    for module, owned in OWNERS.items():
        assert written_tables(module) <= owned, module
        assert written_tables(module), module


def test_the_connection_and_the_store_write_no_table():
    for module in ("connection", "store", "values"):
        assert written_tables(module) == set(), module


def test_every_table_of_the_schema_has_one_owner(tmp_path):
    with Store(tmp_path / "w.db") as store:
        tables = set(store.db.table_names())
    fts_shadows = {
        f"{index}_{part}"
        for index in ("articles_fts", "incidents_fts")
        for part in ("data", "idx", "docsize", "config")
    }
    owned = [table for tables_of in OWNERS.values() for table in tables_of]
    assert len(owned) == len(set(owned))
    assert set(owned) == tables - fts_shadows
