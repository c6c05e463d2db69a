"""The hand-annotation files countybot-gold/1 and countybot-gold/2: their models and a validating reader.
How a digest is scored against them is extract/evaluate.py."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from extract.errors import InputError
from extract.models import County, Person

SCHEMA = "countybot-gold/1"
SCHEMAS = ("countybot-gold/1", "countybot-gold/2")


class GoldFormatError(InputError):
    user_message = "标注文件格式不对（需要 countybot-gold/1 或 countybot-gold/2 的 JSON）。"


class GoldFigure(BaseModel):
    model_config = ConfigDict(extra="ignore")

    surface: str
    value: float
    unit: str = ""
    kind: Literal["target", "result"] | None = None
    context: str = ""
    # countybot-gold/2
    label: str | None = None
    period: str | None = None
    main: bool = False
    low: float | None = None
    high: float | None = None
    qualifier: str | None = None  # scored only when the field is given (null then means "none")

    @property
    def qualifier_given(self) -> bool:
        return "qualifier" in self.model_fields_set


class GoldDocument(BaseModel):
    model_config = ConfigDict(extra="ignore")

    file: str
    title: str | None = None
    published: date | None = None
    source: str | None = None
    level: Literal["county", "city", "province"] | None = None
    scope: Literal["all", "main"] = "all"
    counties: list[County] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    figures: list[GoldFigure] = Field(default_factory=list)
    optional: list[GoldFigure] = Field(default_factory=list)


class GoldFile(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    schema_: Literal["countybot-gold/1", "countybot-gold/2"] = Field(alias="schema")
    about: str = ""
    documents: list[GoldDocument]


def load_gold(path: str | Path) -> GoldFile:
    """Read and validate a gold file; a clear GoldFormatError when it is not one."""
    p = Path(path)
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise GoldFormatError(f"gold file not found: {p}", user_message=f"找不到标注文件：{p}") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldFormatError(f"gold file {p} is not readable JSON: {exc}") from exc
    try:
        return GoldFile.model_validate(raw)
    except ValidationError as exc:
        wanted = " or ".join(SCHEMAS)
        detail = f"gold file {p} does not follow {wanted}: {exc.error_count()} error(s)\n{exc}"
        raise GoldFormatError(detail) from exc
