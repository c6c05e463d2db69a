"""Shared pieces of the deletion tests: an invented report carrying a unique phrase, a model that labels
every figure with a word its clause does not support (so the call log quotes the clause), and scans of
every place the report could survive: each text/blob column of each table, and the SQLite file bytes
(main file, WAL, journal) and the data dir."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from tests.fakes.openai_server import Reply, grounded_answer

PHRASE = "青梧湾数字产业园"  # made up: occurs nowhere else
REPORT = f"""黎川县召开重点项目推进会
4月8日，黎川县召开重点项目推进会，{PHRASE}一季度完成投资18.6亿元。县委副书记、县长韩知秋主持会议，县委书记周岚讲话。会议通报，一季度全县重点项目开复工率96%，{PHRASE}年度投资完成率112%。全县分解86项241条任务，重点项目总投资52亿元。今年计划实施重点项目48个，年度计划投资31亿元。一季度召开专题会议11次，协调解决问题37个。
"""


def labelling_reply(request: dict[str, Any]) -> Reply:
    """A grounded answer whose labels the clauses do not support: each override, with the clause it
    was checked against, goes to the call log."""
    answer = grounded_answer(request, label="无关标签")
    return Reply(content=json.dumps(answer, ensure_ascii=False))


def _forms(phrase: str) -> list[bytes]:
    return [phrase.encode("utf-8"), json.dumps(phrase).strip('"').encode("ascii")]


def rows_holding(db_path: Path, phrase: str = PHRASE) -> dict[str, int]:
    """table -> rows with a text or blob value holding the phrase (UTF-8 or JSON-escaped)."""
    forms = _forms(phrase)
    found: dict[str, int] = {}
    con = sqlite3.connect(db_path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in con.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    raw = value.encode("utf-8") if isinstance(value, str) else value
                    if isinstance(raw, bytes) and any(f in raw for f in forms):
                        found[table] = found.get(table, 0) + 1
                        break
    finally:
        con.close()
    return found


def files_holding(root: Path, phrase: str = PHRASE) -> list[str]:
    """Every file under root whose bytes hold the phrase (the SQLite file, its WAL, the data dir)."""
    forms = _forms(phrase)
    files = [p for p in root.rglob("*") if p.is_file()]
    return sorted(str(p.relative_to(root)) for p in files if any(f in p.read_bytes() for f in forms))


async def settle(check, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)
