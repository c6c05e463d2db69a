"""Scoring a Digest against hand annotations (gold files "countybot-gold/1" and "countybot-gold/2").

A reported figure matches a gold figure when value (a range's low end) and unit agree, value within 1e-6
relative, and — where the gold gives them — the figure also agrees on:
- label: names the same metric (extract.figures.metrics.same_metric: place prefixes, 同比, 增长/增速
  variants and GDP/生产总值 normalised; equal, contained or a high character overlap);
- low/high of a range, and the qualifier as written (左右, 以上, 突破 …; a gold/2 figure always gives its
  qualifier, null meaning none).
Each gold figure matches at most one reported figure (a maximum matching, preferring the figure whose
clause holds the gold context). Optional gold figures neither count for nor against; every other reported
figure is a false positive — except in a document with scope "main" (gold/2), which annotates only its
main targets and headline figures: recall, kinds, labels and rank are scored there, precision is not.
Values are signed for changes (issue K): a decline is annotated and reported negative (下降6.3% → -6.3, as
the finder gives it), and compared as it is, so a fall read as growth (6.3) does not match its gold (-6.3).
Kind accuracy is over matched figures whose gold kind is not null. Places (issue L): a document whose
gold names counties is found when the digest names them all, wrong when the digest's first place is not
among them, missing when the digest names none; a gold document with `"counties": []` written out names no
county, and any county the digest names for it is wrong. Main targets (gold `main`) are also
scored on their own: found, kind right, and found among the first ten figures of the digest. `overall`
micro-averages over documents.
"""

from __future__ import annotations

import math
import re
from typing import Literal

from pydantic import BaseModel, Field

from extract.figures.metrics import metric_key, same_metric
from extract.gold import (  # noqa: F401  (the gold format, re-exported: callers read both from here)
    SCHEMA,
    SCHEMAS,
    GoldDocument,
    GoldFigure,
    GoldFile,
    GoldFormatError,
    load_gold,
)
from extract.models import Digest, Figure

REL_TOL = 1e-6
TOP = 10  # main targets are scored on being among the first TOP figures of the digest


class DocScore(BaseModel):
    file: str
    scope: Literal["all", "main"] = "all"
    true_positives: int
    false_positives: int  # 0 for scope "main": precision is not scored there
    misses: int
    precision: float | None  # None for scope "main"
    recall: float
    f1: float | None
    value_matches: int = 0  # gold figures matched on value and unit alone (label, range, qualifier ignored)
    kind_scored: int  # matched figures whose gold kind is not null
    kind_right: int
    kind_accuracy: float | None  # None when nothing was scored
    labels_scored: int = 0  # matched gold figures that give a label
    labels_exact: int = 0  # … whose normalised label is exactly the gold's
    shape_scored: int = 0  # value-matched gold figures with a range or a qualifier
    shape_right: int = 0  # … whose low/high and qualifier agree
    main_total: int = 0  # gold figures of the main-targets paragraph
    main_found: int = 0
    main_kind_right: int = 0
    main_top: int = 0  # main targets among the first TOP figures of the digest
    county_found: bool | None  # None when the gold names no county
    county_wrong: bool | None = None  # the digest's place is not the gold's (or there should be none)
    county_missing: bool | None = None  # the gold names a county, the digest none
    expects_no_place: bool = False  # the gold says, with "counties": [], that the text names no county
    date_right: bool | None  # None when the gold has no date
    false_positive_surfaces: list[str] = Field(default_factory=list)
    missed_surfaces: list[str] = Field(default_factory=list)
    kind_errors: list[str] = Field(default_factory=list)  # "356亿元: target, gold result"
    shape_errors: list[str] = Field(default_factory=list)  # "6%: qualifier None, gold 左右"
    main_missed: list[str] = Field(default_factory=list)  # "6%左右 地区生产总值增长"
    main_not_top: list[str] = Field(default_factory=list)


class OverallScore(BaseModel):
    documents: int
    true_positives: int
    false_positives: int
    misses: int
    precision: float | None  # over documents of scope "all"; None when there are none
    recall: float
    f1: float | None
    kind_scored: int
    kind_right: int
    kind_accuracy: float | None
    labels_scored: int = 0
    labels_exact: int = 0
    shape_scored: int = 0
    shape_right: int = 0
    shape_accuracy: float | None = None
    main_total: int = 0
    main_found: int = 0
    main_recall: float | None = None
    main_kind_right: int = 0
    main_kind_accuracy: float | None = None  # over main targets found
    main_top: int = 0
    main_top_share: float | None = None  # share of all main targets among the first TOP figures
    counties_found: int
    counties_total: int
    counties_wrong: int = 0  # documents filed under a place the gold does not give (no-place ones too)
    counties_missing: int = 0  # documents whose gold names a county and whose digest names none
    no_place_total: int = 0  # documents whose gold says they name no county
    no_place_right: int = 0  # … that got no county
    dates_right: int
    dates_total: int


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=0.0)


def _same(value: float, unit: str, gold: GoldFigure) -> bool:
    return unit.strip() == gold.unit.strip() and _close(value, gold.value)


def _shape_given(gold: GoldFigure) -> bool:
    return gold.low is not None or gold.high is not None or (gold.qualifier_given and bool(gold.qualifier))


def _shape_ok(fig: Figure, gold: GoldFigure) -> bool:
    if (gold.low is not None or gold.high is not None) and not (
        _close(fig.low, gold.low) and _close(fig.high, gold.high)
    ):
        return False
    return not gold.qualifier_given or (fig.qualifier or None) == (gold.qualifier or None)


def _label_ok(fig: Figure, gold: GoldFigure) -> bool:
    return gold.label is None or same_metric(fig.label, gold.label)


def _fits(fig: Figure, gold: GoldFigure) -> bool:
    return _same(fig.value, fig.unit, gold) and _shape_ok(fig, gold) and _label_ok(fig, gold)


_WORD = re.compile(r"[\W_]+")


def _near(fig: Figure, gold: GoldFigure) -> bool:
    """Whether the figure's clause and the gold context share a run of 6 characters."""
    if not gold.context or not fig.quote:
        return False
    ctx, quote = _WORD.sub("", gold.context), _WORD.sub("", fig.quote)
    if not ctx or not quote:
        return False
    if ctx in quote or quote in ctx:
        return True
    n = 6
    return any(ctx[i : i + n] in quote for i in range(0, max(1, len(ctx) - n + 1)))


def match(figures: list[Figure], golds: list[GoldFigure]) -> dict[int, int]:
    """gold index -> figure index: a maximum matching of `_fits` pairs, nearer candidates tried first."""
    options: list[list[int]] = []
    for g in golds:
        fits = [j for j, f in enumerate(figures) if _fits(f, g)]
        fits.sort(key=lambda j: not _near(figures[j], g))  # stable: text order within each group
        options.append(fits)
    owner: dict[int, int] = {}  # figure index -> gold index

    def augment(gi: int, seen: set[int]) -> bool:
        for j in options[gi]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = gi
                return True
        return False

    for gi in range(len(golds)):
        augment(gi, set())
    return {gi: j for j, gi in owner.items()}


def _ratio(num: int, den: int, empty: float) -> float:
    return num / den if den else empty


def _f1(p: float | None, r: float) -> float | None:
    if p is None:
        return None
    return 2 * p * r / (p + r) if p + r else 0.0


def _describe(g: GoldFigure) -> str:
    return f"{g.surface} {g.label}" if g.label else g.surface


def score_document(digest: Digest, gold: GoldDocument) -> DocScore:
    """Score one digest against its gold annotations."""
    figs = digest.figures
    hits = match(figs, gold.figures)
    taken = set(hits.values())
    main_scope = gold.scope == "main"
    fps = []
    for j, fig in enumerate(figs):
        if j in taken or main_scope or any(_same(fig.value, fig.unit, g) for g in gold.optional):
            continue
        fps.append(fig.surface)
    kind_scored = kind_right = labels_scored = labels_exact = shape_scored = shape_right = 0
    kind_errors: list[str] = []
    shape_errors: list[str] = []
    for gi, g in enumerate(gold.figures):
        if gi in hits:
            fig = figs[hits[gi]]
            if g.kind is not None:
                kind_scored += 1
                if fig.kind == g.kind:
                    kind_right += 1
                else:
                    kind_errors.append(f"{fig.surface}: {fig.kind}, gold {g.kind}")
            if g.label is not None:
                labels_scored += 1
                labels_exact += metric_key(fig.label) == metric_key(g.label)
        if _shape_given(g):
            near = [f for f in figs if _same(f.value, f.unit, g) and _label_ok(f, g)]
            if near:
                shape_scored += 1
                if any(_shape_ok(f, g) for f in near):
                    shape_right += 1
                else:
                    f = near[0]
                    shape_errors.append(
                        f"{g.surface}: {f.surface} low/high {f.low}/{f.high} qualifier {f.qualifier}, "
                        f"gold {g.low}/{g.high} {g.qualifier}"
                    )
    main = [gi for gi, g in enumerate(gold.figures) if g.main]
    top = match(figs[:TOP], [gold.figures[gi] for gi in main]) if main else {}
    missed = [g.surface for gi, g in enumerate(gold.figures) if gi not in hits]
    tp = len(hits)
    precision = None if main_scope else _ratio(tp, tp + len(fps), 1.0)
    recall = _ratio(tp, tp + len(missed), 1.0)
    names = {c.name for c in digest.counties}
    gold_names = {c.name for c in gold.counties}
    no_place = not gold.counties and "counties" in gold.model_fields_set
    if gold.counties:
        county_wrong: bool | None = bool(digest.counties) and digest.counties[0].name not in gold_names
        county_missing: bool | None = not digest.counties
    elif no_place:
        county_wrong, county_missing = any(c.level == "county" for c in digest.counties), False
    else:
        county_wrong = county_missing = None
    return DocScore(
        file=gold.file,
        scope=gold.scope,
        true_positives=tp,
        false_positives=len(fps),
        misses=len(missed),
        precision=precision,
        recall=recall,
        f1=_f1(precision, recall),
        value_matches=sum(any(_same(f.value, f.unit, g) for f in figs) for g in gold.figures),
        kind_scored=kind_scored,
        kind_right=kind_right,
        kind_accuracy=_ratio(kind_right, kind_scored, 0.0) if kind_scored else None,
        labels_scored=labels_scored,
        labels_exact=labels_exact,
        shape_scored=shape_scored,
        shape_right=shape_right,
        main_total=len(main),
        main_found=sum(gi in hits for gi in main),
        main_kind_right=sum(gi in hits and figs[hits[gi]].kind == gold.figures[gi].kind for gi in main),
        main_top=len(top),
        county_found=all(c.name in names for c in gold.counties) if gold.counties else None,
        county_wrong=county_wrong,
        county_missing=county_missing,
        expects_no_place=no_place,
        date_right=(digest.published == gold.published) if gold.published else None,
        false_positive_surfaces=fps,
        missed_surfaces=missed,
        kind_errors=kind_errors,
        shape_errors=shape_errors,
        main_missed=[_describe(gold.figures[gi]) for gi in main if gi not in hits],
        main_not_top=[_describe(gold.figures[gi]) for k, gi in enumerate(main) if k not in top],
    )


def overall(scores: list[DocScore]) -> OverallScore:
    """Micro-averaged figures P/R/F1, kinds and main-target scores; counties and dates as counts."""
    tp = sum(s.true_positives for s in scores)
    fn = sum(s.misses for s in scores)
    ks = sum(s.kind_scored for s in scores)
    kr = sum(s.kind_right for s in scores)
    full = [s for s in scores if s.scope == "all"]
    precision = None
    if full or not scores:
        ftp = sum(s.true_positives for s in full)
        precision = _ratio(ftp, ftp + sum(s.false_positives for s in full), 1.0)
    recall = _ratio(tp, tp + fn, 1.0)
    counties = [s.county_found for s in scores if s.county_found is not None]
    dates = [s.date_right for s in scores if s.date_right is not None]
    shape_scored = sum(s.shape_scored for s in scores)
    shape_right = sum(s.shape_right for s in scores)
    main_total = sum(s.main_total for s in scores)
    main_found = sum(s.main_found for s in scores)
    main_kind = sum(s.main_kind_right for s in scores)
    main_top = sum(s.main_top for s in scores)
    return OverallScore(
        documents=len(scores),
        true_positives=tp,
        false_positives=sum(s.false_positives for s in scores),
        misses=fn,
        precision=precision,
        recall=recall,
        f1=_f1(precision, recall),
        kind_scored=ks,
        kind_right=kr,
        kind_accuracy=_ratio(kr, ks, 0.0) if ks else None,
        labels_scored=sum(s.labels_scored for s in scores),
        labels_exact=sum(s.labels_exact for s in scores),
        shape_scored=shape_scored,
        shape_right=shape_right,
        shape_accuracy=_ratio(shape_right, shape_scored, 0.0) if shape_scored else None,
        main_total=main_total,
        main_found=main_found,
        main_recall=_ratio(main_found, main_total, 0.0) if main_total else None,
        main_kind_right=main_kind,
        main_kind_accuracy=_ratio(main_kind, main_found, 0.0) if main_found else None,
        main_top=main_top,
        main_top_share=_ratio(main_top, main_total, 0.0) if main_total else None,
        counties_found=sum(counties),
        counties_total=len(counties),
        counties_wrong=sum(bool(s.county_wrong) for s in scores),
        counties_missing=sum(bool(s.county_missing) for s in scores),
        no_place_total=sum(s.expects_no_place for s in scores),
        no_place_right=sum(s.expects_no_place and not s.county_wrong for s in scores),
        dates_right=sum(dates),
        dates_total=len(dates),
    )
