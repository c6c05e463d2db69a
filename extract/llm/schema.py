"""Pydantic models of the model's answer, and the strict JSON schema sent to the server.

Parsing is lenient where a harmless slip costs a whole re-ask (`"kind": "目标"`, `"id": 7`, extra keys),
strict where it matters (types, the shape). What the answer may *claim* is checked later, against the
report (extract/llm/assemble.py): this module only says what a well-formed answer looks like.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

Kind = Literal["target", "result"]

_KIND_WORDS = {
    "target": "target",
    "目标": "target",
    "计划": "target",
    "目标值": "target",
    "plan": "target",
    "result": "result",
    "结果": "result",
    "完成": "result",
    "成绩": "result",
    "实绩": "result",
    "null": None,
    "none": None,
    "": None,
    "未知": None,
    "不确定": None,
}


def _kind(v: object) -> object:
    if isinstance(v, str):
        key = v.strip().lower()
        if key in _KIND_WORDS:
            return _KIND_WORDS[key]
    return v


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class FigureChoice(_Model):
    """A candidate figure the model keeps, by id, with what it measures."""

    id: str = Field(description="候选编号，如 F3")
    label: str | None = Field(default=None, description="衡量的指标，如 年度计划投资")
    kind: Kind | None = None
    period: str | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, v: object) -> object:
        # "F7", "f7", "[F7]", 7 -> "F7"
        if isinstance(v, int) and not isinstance(v, bool):
            return f"F{v}"
        if isinstance(v, str):
            m = re.fullmatch(r"\s*\[?\s*[Ff]?\s*(\d+)\s*\]?\s*", v)
            if m:
                return f"F{int(m.group(1))}"
        return v

    @field_validator("kind", mode="before")
    @classmethod
    def _kind_words(cls, v: object) -> object:
        return _kind(v)


class AddedFigure(_Model):
    """A figure the finder missed: only its verbatim surface text, accepted if the report says it."""

    surface: str = Field(description="原文逐字出现的数字连单位，如 2600余亩")
    label: str | None = None
    kind: Kind | None = None
    period: str | None = None

    @field_validator("kind", mode="before")
    @classmethod
    def _kind_words(cls, v: object) -> object:
        return _kind(v)


class PersonOut(_Model):
    name: str
    role: str | None = None


class Answer(_Model):
    summary: str = Field(description="简体中文摘要，不超过200字")
    highlights: list[str] = Field(description="3到5条要点")
    counties: list[str] = Field(default_factory=list, description="报告所讲的县，全称")
    people: list[PersonOut] = Field(default_factory=list)
    figures: list[FigureChoice] = Field(default_factory=list)
    added: list[AddedFigure] = Field(default_factory=list)

    @field_validator("highlights", "counties", mode="before")
    @classmethod
    def _one_string_is_a_list(cls, v: object) -> object:
        return [v] if isinstance(v, str) else v

    @field_validator("people", mode="before")
    @classmethod
    def _names_only(cls, v: object) -> object:
        # ["王某"] is a fair answer too
        if isinstance(v, list):
            return [{"name": p} if isinstance(p, str) else p for p in v]
        return v


def _strict(node: Any) -> Any:
    """OpenAI strict mode: every property required, no extra keys, no defaults.

    Titles and descriptions are dropped (the system prompt explains the fields in Chinese; every token
    here is paid on every call), and `anyOf[X, null]` becomes the shorter `type: [X, "null"]`.
    """
    if isinstance(node, dict):
        out = {k: _strict(v) for k, v in node.items() if k not in ("title", "default", "description")}
        alts = out.get("anyOf")
        if isinstance(alts, list) and len(alts) == 2 and {"type": "null"} in alts:
            other = next(a for a in alts if a != {"type": "null"})
            if isinstance(other.get("type"), str) and set(other) <= {"type", "enum"}:
                del out["anyOf"]
                out["type"] = [other["type"], "null"]
                if "enum" in other:
                    out["enum"] = [*other["enum"], None]
        if out.get("type") == "object" and "properties" in out:
            out["required"] = list(out["properties"])
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_strict(x) for x in node]
    return node


@lru_cache(maxsize=1)
def answer_schema() -> dict[str, Any]:
    return _strict(Answer.model_json_schema())


@lru_cache(maxsize=1)
def answer_schema_text() -> str:
    return json.dumps(answer_schema(), ensure_ascii=False, separators=(",", ":"))


def validation_errors(exc: ValidationError) -> list[str]:
    """Short, exact error lines for a re-ask: `figures.2.kind: Input should be 'target' or 'result'`."""
    lines = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or "(root)"
        lines.append(f"{loc}: {err['msg']}")
    return lines
