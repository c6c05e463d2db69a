"""extract/ as laid out by issue J: pure (no bot/, telegram or database imports), small modules, one
splitter, and the pipeline as the one way in (counties completed from the gazetteer, figure owners)."""

from __future__ import annotations

import ast
import asyncio
from collections import Counter
from pathlib import Path

import pytest

from extract.models import County, Digest, Figure
from extract.pipeline import complete_county, document_from_text, figure_owners, make_digest, rules_digest
from extract.places.gazetteer import all_counties
from extract.text.segment import Segments, ends, marks, pieces, sentences

EXTRACT = Path(__file__).resolve().parents[1] / "extract"
FORBIDDEN = ("bot", "telegram", "sqlalchemy")


def _modules() -> list[Path]:
    return sorted(EXTRACT.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(EXTRACT)))
def test_extract_module_is_pure_and_small(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) < 400, f"{path.name} has grown past 400 lines: split it along a seam"
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


def test_rules_digest_is_one_function() -> None:
    from extract.digest import rules

    assert rules_digest is rules.rules_digest


def test_segment_levels_and_exact_pieces() -> None:
    text = "甲县投资5亿元，同比增长3%；乙项目开工。。丙\n丁：戊、己"
    assert set(marks("sentence")) == set("。！!？?\n")
    assert set(marks("clause", colons=False, list_comma=True)) == set("。！!？?；;，,、\n")
    assert "".join(pieces(text, "part")) == text
    assert sentences(text) == ["甲县投资5亿元，同比增长3%；", "乙项目开工。。", "丙\n丁：戊、己"]
    assert sentences("。。开头") == ["开头"]
    assert ends("a。b\nc", "sentence") == [2, 4]
    assert ends("a。b\nc", "sentence", lines=False) == [2]
    seg = Segments(text)
    assert text[slice(*seg.span("clause", 2))] == "甲县投资5亿元"
    assert text[slice(*seg.span("part", 2))] == "甲县投资5亿元，同比增长3%"


def _names_by_count() -> tuple[str, str]:
    counts = Counter(c.name for c in all_counties())
    unique = next(n for n, k in counts.items() if k == 1)
    shared = next(n for n, k in counts.items() if k > 1)
    return unique, shared


def test_complete_county_only_when_unambiguous() -> None:
    unique, shared = _names_by_count()
    done = complete_county(County(name=unique))
    assert done.name == unique and done.city is not None and done.province
    assert complete_county(County(name=shared)) == County(name=shared)
    unknown = County(name="不存在的某某县")
    assert complete_county(unknown) == unknown


def test_make_digest_completes_and_dedupes_counties() -> None:
    unique, _ = _names_by_count()
    doc = document_from_text(f"{unique}今年完成投资5亿元，同比增长3%。")
    digest = asyncio.run(make_digest(doc))
    assert [c.name for c in digest.counties].count(unique) == 1
    full = complete_county(County(name=unique))
    assert full in digest.counties


def test_figure_owners_follow_the_county_named_last() -> None:
    unique, shared = _names_by_count()
    a, b = County(name=unique), County(name=shared)
    text = f"{unique}投资5亿元。{shared}投资3亿元。"
    f1 = Figure(surface="5亿元", value=5e8, unit="元", start=text.index("5亿元"), end=text.index("5亿元") + 3)
    f2 = Figure(surface="3亿元", value=3e8, unit="元", start=text.index("3亿元"), end=text.index("3亿元") + 3)
    digest = Digest(counties=[a, b], figures=[f1, f2])
    assert figure_owners(digest, text) == [a, b]
    assert figure_owners(Digest(figures=[f1]), text) == [None]
