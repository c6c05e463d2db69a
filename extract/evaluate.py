"""Scoring a Digest against hand annotations (the gold file format "countybot-gold/1").

Figures match by (value, unit), value within 1e-6 relative; optional gold figures neither count for
nor against; every other reported figure is a false positive. Kind accuracy is over matched figures
whose gold kind is not null. `overall` micro-averages over documents.
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from extract.errors import InputError
from extract.models import County, Digest, Figure, Person

SCHEMA = "countybot-gold/1"
REL_TOL = 1e-6


class GoldFormatError(InputError):
    user_message = "标注文件格式不对（需要 countybot-gold/1 的 JSON）。"


class GoldFigure(BaseModel):
    model_config = ConfigDict(extra="ignore")

    surface: str
    value: float
    unit: str = ""
    kind: Literal["target", "result"] | None = None
    context: str = ""


class GoldDocument(BaseModel):
    model_config = ConfigDict(extra="ignore")

    file: str
    title: str | None = None
    published: date | None = None
    source: str | None = None
    counties: list[County] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    figures: list[GoldFigure] = Field(default_factory=list)
    optional: list[GoldFigure] = Field(default_factory=list)


class GoldFile(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    schema_: Literal["countybot-gold/1"] = Field(alias="schema")
    about: str = ""
    documents: list[GoldDocument]


class DocScore(BaseModel):
    file: str
    true_positives: int
    false_positives: int
    misses: int
    precision: float
    recall: float
    f1: float
    kind_scored: int  # matched figures whose gold kind is not null
    kind_right: int
    kind_accuracy: float | None  # None when nothing was scored
    county_found: bool | None  # None when the gold names no county
    date_right: bool | None  # None when the gold has no date
    false_positive_surfaces: list[str] = Field(default_factory=list)
    missed_surfaces: list[str] = Field(default_factory=list)
    kind_errors: list[str] = Field(default_factory=list)  # "356亿元: target, gold result"


class OverallScore(BaseModel):
    documents: int
    true_positives: int
    false_positives: int
    misses: int
    precision: float
    recall: float
    f1: float
    kind_scored: int
    kind_right: int
    kind_accuracy: float | None
    counties_found: int
    counties_total: int
    dates_right: int
    dates_total: int


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
        detail = f"gold file {p} does not follow {SCHEMA}: {exc.error_count()} error(s)\n{exc}"
        raise GoldFormatError(detail) from exc


def _same(value: float, unit: str, gold: GoldFigure) -> bool:
    return unit.strip() == gold.unit.strip() and math.isclose(value, gold.value, rel_tol=REL_TOL, abs_tol=0.0)


def _ratio(num: int, den: int, empty: float) -> float:
    return num / den if den else empty


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_document(digest: Digest, gold: GoldDocument) -> DocScore:
    """Score one digest against its gold annotations."""
    matched: set[int] = set()
    tp = fp = kind_scored = kind_right = 0
    fps: list[str] = []
    kind_errors: list[str] = []
    for fig in digest.figures:
        hit = _match(fig, gold.figures, matched)
        if hit is None:
            if any(_same(fig.value, fig.unit, g) for g in gold.optional):
                continue
            fp += 1
            fps.append(fig.surface)
            continue
        matched.add(hit)
        tp += 1
        want = gold.figures[hit].kind
        if want is not None:
            kind_scored += 1
            if fig.kind == want:
                kind_right += 1
            else:
                kind_errors.append(f"{fig.surface}: {fig.kind}, gold {want}")
    missed = [g.surface for i, g in enumerate(gold.figures) if i not in matched]
    precision = _ratio(tp, tp + fp, 1.0)
    recall = _ratio(tp, tp + len(missed), 1.0)
    names = {c.name for c in digest.counties}
    return DocScore(
        file=gold.file,
        true_positives=tp,
        false_positives=fp,
        misses=len(missed),
        precision=precision,
        recall=recall,
        f1=_f1(precision, recall),
        kind_scored=kind_scored,
        kind_right=kind_right,
        kind_accuracy=_ratio(kind_right, kind_scored, 0.0) if kind_scored else None,
        county_found=all(c.name in names for c in gold.counties) if gold.counties else None,
        date_right=(digest.published == gold.published) if gold.published else None,
        false_positive_surfaces=fps,
        missed_surfaces=missed,
        kind_errors=kind_errors,
    )


def _match(fig: Figure, golds: list[GoldFigure], taken: set[int]) -> int | None:
    for i, g in enumerate(golds):
        if i not in taken and _same(fig.value, fig.unit, g):
            return i
    return None


def overall(scores: list[DocScore]) -> OverallScore:
    """Micro-averaged figures P/R/F1 and kind accuracy; counties and dates as counts."""
    tp = sum(s.true_positives for s in scores)
    fp = sum(s.false_positives for s in scores)
    fn = sum(s.misses for s in scores)
    ks = sum(s.kind_scored for s in scores)
    kr = sum(s.kind_right for s in scores)
    precision = _ratio(tp, tp + fp, 1.0)
    recall = _ratio(tp, tp + fn, 1.0)
    counties = [s.county_found for s in scores if s.county_found is not None]
    dates = [s.date_right for s in scores if s.date_right is not None]
    return OverallScore(
        documents=len(scores),
        true_positives=tp,
        false_positives=fp,
        misses=fn,
        precision=precision,
        recall=recall,
        f1=_f1(precision, recall),
        kind_scored=ks,
        kind_right=kr,
        kind_accuracy=_ratio(kr, ks, 0.0) if ks else None,
        counties_found=sum(counties),
        counties_total=len(counties),
        dates_right=sum(dates),
        dates_total=len(dates),
    )
