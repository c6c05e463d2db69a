"""Pydantic models at the pipeline's boundaries. Conventions follow seeds/gold.json's `about`."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Kind = Literal["target", "result"]
Script = Literal["simplified", "traditional"]
DateSource = Literal["meeting", "subtitle", "metadata", "dateline", "text", "file"]


def tidy_number(v: float | int) -> float | int:
    """35000000000.0 -> 35000000000 so JSON and comparisons read like the gold file."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    return v


class Document(BaseModel):
    """A report after loading and normalisation: simplified body text plus the metadata kept aside."""

    text: str
    title: str | None = None
    published: date | None = None
    # where `published` was read (extract/text/report_date.py): the meeting subtitle
    # (——2025年1月14日在…大会…上), a date alone under the title, a publication line, a dateline
    # with its year, or the first paragraph; "file": a .docx's last-saved / a PDF's creation date, trusted
    # last and only when the text names that year or the one before (issue K); None when nothing says
    published_from: DateSource | None = None
    source: str | None = None
    authors: list[str] = Field(default_factory=list)
    # each byline or credit as written, label and office kept ("记者 张三", "作者X县委书记 李四",
    # "张三 李四"): what tells a reporter or an official author from an unlabelled credit
    credits: list[str] = Field(default_factory=list)
    script: Script = "simplified"  # the script the input was written in
    glosses_stripped: int = 0
    encoding: str | None = None
    file_type: str = "txt"
    warnings: list[str] = Field(default_factory=list)
    url: str | None = None  # issue M: the link the report was read from (a page or a file behind one)
    # issue L: the name the file was sent under (某某县2024年政府工作报告.docx) — evidence of its place
    filename: str | None = None


class Figure(BaseModel):
    """One key figure: a number with its unit, what it measures, and target/result."""

    model_config = ConfigDict(extra="ignore")

    surface: str  # as written in the normalised text: "350亿元", "6%左右", "4.5%—5%"
    # normalised: money in yuan, 万 multiplied out; a range's low end. A change carries its direction in
    # the sign (issue K): 下降6.3% / 增长-6.3% / 减少6.3% / 负增长6.3% / 回落6.3% → -6.3, surface as written
    value: float | int
    unit: str  # 元, %, 个百分点, 个, 项, 亩, 公里, 吨, 兆瓦 ...
    low: float | int | None = None  # a range (4.5%—5%): both ends, value == low; None otherwise
    high: float | int | None = None
    qualifier: str | None = None  # as written: 左右, 以上, 以内, 以下, 超过, 突破, 近, 约, 多, 余, 不低于 ...
    label: str | None = None  # what it measures, e.g. "年度计划投资"
    kind: Kind | None = None
    period: str | None = None  # "2024年", "1-4月", ...; None: 时期不详 (never yields a verdict)
    # a 预计… result about a period that is over (or ends within weeks of the report): a result, shown 预计;
    # a later actual result replaces it
    estimated: bool = False
    quote: str = ""  # the clause it stands in
    start: int = -1  # offsets in Document.text
    end: int = -1

    @field_validator("value", mode="after")
    @classmethod
    def _tidy(cls, v: float | int) -> float | int:
        return tidy_number(v)

    @field_validator("low", "high", mode="after")
    @classmethod
    def _tidy_end(cls, v: float | int | None) -> float | int | None:
        return None if v is None else tidy_number(v)


class County(BaseModel):
    name: str  # full official name, e.g. 贡山独龙族怒族自治县
    city: str | None = None
    province: str | None = None
    # a report by a prefecture-level city (临汾市) or a province (山西省) names that place, at its level
    level: Literal["county", "city", "province"] = "county"
    # issue L: "sure" (full name, official title, repeated use as a place) or "likely" (weaker evidence);
    # a digest whose place is only likely says so
    confidence: Literal["sure", "likely"] = "sure"


class Person(BaseModel):
    name: str
    role: str | None = None


class Digest(BaseModel):
    """What a user is shown for one report."""

    title: str | None = None
    published: date | None = None
    source: str | None = None
    counties: list[County] = Field(default_factory=list)
    # when no county (or no sure one) was found: the likeliest places, best first, for the user to pick
    county_candidates: list[County] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    summary: str = ""
    highlights: list[str] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)  # key figures first (see key_figures)
    # how many of `figures` lead as the headline ones (main targets, committed tasks, headline results;
    # at most 10): what a digest shows; 0 for a digest made before figures were ordered
    key_figures: int = 0
    backend: str = "rules"  # "rules", "llm:<model>", or "llm:<model>+rules" when the rules filled parts in
    # where each part came from when an LLM was asked: {"summary": "llm", "figures": "rules", ...}
    sources: dict[str, str] = Field(default_factory=dict)
    prompt_version: str | None = None
    warnings: list[str] = Field(default_factory=list)
    url: str | None = None  # issue M: the link the report was read from, shown as its source

    @property
    def targets(self) -> list[Figure]:
        return [f for f in self.figures if f.kind == "target"]
