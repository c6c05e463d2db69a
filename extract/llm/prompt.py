"""Candidate-anchored prompts, built from the plain files in prompts/.

Message order is fixed so providers' prompt caches hit: system (instructions + mode trailer), the
worked example (user, assistant) — all static — then the one message that changes per report.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template

from extract.llm.schema import answer_schema_text
from extract.models import County, Digest, Document, Figure, Person
from extract.text.segment import marks

# A wheel carries the repo's prompts/ as extract/llm/prompts (pyproject force-include); an editable
# checkout reads the top-level prompts/, where people edit them.
_PACKAGED = Path(__file__).resolve().parent / "prompts"
PROMPTS_DIR = _PACKAGED if _PACKAGED.is_dir() else Path(__file__).resolve().parents[2] / "prompts"
_FILES = (
    "system.md",
    "mode_json_schema.md",
    "mode_json_object.md",
    "mode_text.md",
    "example_input.md",
    "example_output.json",
    "task.md",
    "repair.md",
)

Message = dict[str, str]


@lru_cache(maxsize=1)
def _files() -> dict[str, str]:
    return {name: (PROMPTS_DIR / name).read_text(encoding="utf-8").strip() for name in _FILES}


@lru_cache(maxsize=1)
def prompt_version() -> str:
    """Hash of the prompt files and the answer schema: stored with every result, part of the cache key."""
    h = hashlib.sha256()
    for name, text in sorted(_files().items()):
        h.update(name.encode() + b"\0" + text.encode() + b"\0")
    h.update(answer_schema_text().encode())
    return h.hexdigest()[:12]


@dataclass(frozen=True)
class NumberedFigure:
    id: str  # "F7"
    figure: Figure


def number_candidates(figures: list[Figure]) -> list[NumberedFigure]:
    return [NumberedFigure(f"F{i}", f) for i, f in enumerate(figures, 1)]


_STOPS = marks("clause", colons=False, list_comma=True)  # 。！？；;!?，,、 and the line end
_NUMBERISH = "0123456789.%"


def _context(text: str, f: Figure, before: int = 6, after: int = 3) -> str:
    """A few characters around the figure, inside its clause, never starting or ending in a cut number
    (so the context itself shows no number the report did not write)."""
    if not (0 <= f.start < f.end <= len(text)):
        q = f.quote.replace("\n", " ")
        return q[:24] if q else f.surface
    left = text[max(0, f.start - before) : f.start]
    left = left[max(left.rfind(c) for c in _STOPS) + 1 :].lstrip(_NUMBERISH)
    right = text[f.end : f.end + after]
    stops = [i for i in (right.find(c) for c in _STOPS) if i >= 0]
    right = (right[: min(stops)] if stops else right).rstrip(_NUMBERISH)
    return f"…{left}{text[f.start : f.end]}{right}…"


def candidate_lines(candidates: list[NumberedFigure], text: str) -> str:
    if not candidates:
        return "（无）"
    return "\n".join(f"[{c.id}] {c.figure.surface} {_context(text, c.figure)}" for c in candidates)


def _county(c: County) -> str:
    where = f"{c.province or ''}{c.city or ''}"
    return f"{c.name}（{where}）" if where else c.name


def _person(p: Person) -> str:
    return f"{p.name}（{p.role}）" if p.role else p.name


@lru_cache(maxsize=4)
def system_message(mode: str) -> str:
    files = _files()
    trailer = Template(files[f"mode_{mode}.md"]).safe_substitute(schema=answer_schema_text())
    return f"{files['system.md']}\n{trailer}"


@lru_cache(maxsize=4)
def static_messages(mode: str) -> tuple[Message, ...]:
    files = _files()
    example_out = json.dumps(
        json.loads(files["example_output.json"]), ensure_ascii=False, separators=(",", ":")
    )
    if mode == "text":
        example_out = f"```json\n{example_out}\n```"
    return (
        {"role": "system", "content": system_message(mode)},
        {"role": "user", "content": files["example_input.md"]},
        {"role": "assistant", "content": example_out},
    )


def task_message(
    doc: Document, rules: Digest, text: str, candidates: list[NumberedFigure], part: str = ""
) -> str:
    return Template(_files()["task.md"]).safe_substitute(
        title=doc.title or "（无）",
        published=doc.published.isoformat() if doc.published else "（未知）",
        source=doc.source or "（未知）",
        counties="、".join(_county(c) for c in rules.counties) or "（无）",
        people="、".join(_person(p) for p in rules.people) or "（无）",
        candidates=candidate_lines(candidates, doc.text),
        part=part,
        text=text,
    )


def build_messages(mode: str, task: str, turns: list[Message] | None = None) -> list[Message]:
    """Static prefix for `mode`, the task, then any repair turns (bad answer + the errors found)."""
    return [*static_messages(mode), {"role": "user", "content": task}, *(turns or [])]


def repair_message(errors: list[str]) -> str:
    lines = "\n".join(f"- {e}" for e in errors[:20])
    return Template(_files()["repair.md"]).safe_substitute(errors=lines)
