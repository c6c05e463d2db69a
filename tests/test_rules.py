"""The rules digest: summary and highlights are slices of the report; figures are the finder's."""

from __future__ import annotations

import re

import pytest

from extract.models import Document, Figure
from extract.summary import Unit, attach_figures, clauses, make_highlights, make_summary, shorten, split_units
from tests.conftest import SEEDS
from tests.test_counties import seed_document

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers_grounded(piece: str, source: str) -> bool:
    return all(n in source for n in NUMBER.findall(piece))


def fragments(piece: str) -> list[str]:
    """The report slices a summary is made of (split at the joins we add: 。 and …)."""
    return [f for f in re.split(r"[。…]", piece) if f]


def fig(text: str, surface: str, kind: str | None = None, nth: int = 0) -> Figure:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Figure(surface=surface, value=1, unit="个", kind=kind, start=start, end=start + len(surface))


# --- units, clauses, shortening (no figure finder involved) ---------------------------------------

TEXT = (
    "某某县召开会议\n"
    "会议指出,今年以来全县经济稳中有进。全年完成固定资产投资1,234.5亿元,同比增长8.2%;"
    "谋划2024年重点项目74个,总投资281亿元,年度计划投资45亿元。\n"
    "会议要求,各部门要提高站位。坚持目标导向,会谋事\n"
    "下一步,力争全年招商项目达到50个,协议总投资达到200亿元以上。"
)


def test_units_split_at_sentence_ends_and_semicolons_with_offsets() -> None:
    units = split_units(TEXT, skip_prefix=len("某某县召开会议"))
    assert [u.text for u in units][:3] == [
        "会议指出,今年以来全县经济稳中有进。",
        "全年完成固定资产投资1,234.5亿元,同比增长8.2%;",
        "谋划2024年重点项目74个,总投资281亿元,年度计划投资45亿元。",
    ]
    assert all(TEXT[u.start : u.end] == u.text for u in units)
    assert [u.para for u in units] == [0, 0, 0, 1, 1, 2]


def test_clauses_never_split_a_number() -> None:
    u = Unit(0, 0, "全年完成固定资产投资1,234.5亿元,同比增长8.2%;", 0)
    parts = [u.text[a:b] for a, b in clauses(u)]
    assert parts == ["全年完成固定资产投资1,234.5亿元,", "同比增长8.2%;"]


def test_shorten_keeps_the_clauses_with_figures_and_cuts_only_at_boundaries() -> None:
    text = (
        "会议强调,要坚定信心,要强化担当,要压实责任,要改进作风,"
        "谋划重点项目74个,总投资281亿元,要抓好落实,要加强督查。"
    )
    u = Unit(0, len(text), text, 0)
    u.figures = [fig(text, "74个", "target"), fig(text, "281亿元", "target")]
    short = shorten(u, 30)
    assert "74个" in short and "281亿元" in short
    assert len(short) <= 30
    assert all(f in text for f in fragments(short))


def test_summary_is_title_plus_informative_sentences_within_budget() -> None:
    units = split_units(TEXT, skip_prefix=len("某某县召开会议"))
    attach_figures(
        units, [fig(TEXT, "74个", "target"), fig(TEXT, "281亿元", "target"), fig(TEXT, "8.2%", "result")]
    )
    summary = make_summary("某某县召开会议", units, ["某某县"])
    assert summary.startswith("某某县召开会议。")
    assert "74个" in summary and "281亿元" in summary
    assert len(summary) <= 200
    assert all(f in TEXT for f in fragments(summary))
    assert "会谋事" not in summary  # a heading is not informative


def test_highlights_are_the_units_with_targets_and_results() -> None:
    units = split_units(TEXT)
    attach_figures(
        units,
        [
            fig(TEXT, "74个", "target"),
            fig(TEXT, "8.2%", "result"),
            fig(TEXT, "50个", "target"),
            fig(TEXT, "2024年", None),
        ],
    )
    hl = make_highlights(units)
    assert hl == [
        "全年完成固定资产投资1,234.5亿元,同比增长8.2%",
        "谋划2024年重点项目74个,总投资281亿元,年度计划投资45亿元",
        "下一步,力争全年招商项目达到50个,协议总投资达到200亿元以上",
    ]


def test_highlights_at_most_five_in_report_order() -> None:
    text = "".join(f"第{i}项工作完成投资{i}0亿元。" for i in range(1, 9))
    units = split_units(text)
    attach_figures(units, [fig(text, f"{i}0亿元", "result") for i in range(1, 9)])
    hl = make_highlights(units)
    assert len(hl) == 5
    assert hl == sorted(hl, key=text.index)


def test_no_figures_no_highlights_but_a_summary() -> None:
    text = "12月23日,某县召开重点项目建设调度会议。会议要求,要聚焦重点,创新机制。"
    units = split_units(text)
    assert make_highlights(units) == []
    assert make_summary(None, units, []).startswith("12月23日,某县召开重点项目建设调度会议。")


# --- the digest on the seeds (real figure finder) -------------------------------------------------


@pytest.fixture(scope="module")
def find_figures():
    return pytest.importorskip("extract.figures").find_figures


@pytest.mark.parametrize("i", range(5))
def test_rules_digest_on_seeds(gold: dict, find_figures, i: int) -> None:
    from extract.rules import rules_digest

    doc_gold = gold["documents"][i]
    doc = seed_document(doc_gold)
    digest = rules_digest(doc)
    assert digest.backend == "rules"
    assert digest.title == doc.title and digest.source == doc.source
    assert 0 < len(digest.summary) <= 250
    assert len(digest.highlights) <= 5
    for piece in [digest.summary, *digest.highlights]:
        assert numbers_grounded(piece, doc.text), piece
        assert all(f in doc.text or f in (doc.title or "") for f in fragments(piece)), piece
    assert digest.figures == find_figures(doc.text, published=doc.published)
    assert [c.name for c in digest.counties] == [c["name"] for c in doc_gold["counties"]]
    if digest.figures and any(f.kind for f in digest.figures):
        assert digest.highlights


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_rules_digest_through_the_real_pipeline(path, find_figures) -> None:
    pytest.importorskip("extract.normalize")
    from extract.pipeline import document_from_bytes, rules_digest

    doc = document_from_bytes(path.read_bytes(), path.name)
    digest = rules_digest(doc)
    assert digest.summary and len(digest.summary) <= 250
    for piece in [digest.summary, *digest.highlights]:
        assert numbers_grounded(piece, doc.text), piece
    assert digest.published == doc.published
    assert digest.figures == find_figures(doc.text, published=doc.published)


def test_rules_digest_of_an_empty_body(find_figures) -> None:
    from extract.rules import rules_digest

    digest = rules_digest(Document(text="某某会议", title="某某会议"))
    assert digest.summary == "某某会议。"
    assert digest.highlights == [] and digest.counties == []


def test_highlights_keep_room_for_targets() -> None:
    text = "".join(f"第{i}项工作完成投资{i}0亿元,增长{i}%。" for i in range(1, 8)) + "明年计划投资90亿元。"
    units = split_units(text)
    figs = [fig(text, f"{i}0亿元", "result") for i in range(1, 8)]
    figs += [fig(text, f"{i}%", "result") for i in range(1, 8)]
    attach_figures(units, [*figs, fig(text, "90亿元", "target")])
    hl = make_highlights(units)
    assert len(hl) == 5 and hl[-1] == "明年计划投资90亿元"


def test_clip_never_cuts_inside_a_number() -> None:
    from extract.summary import clip

    text = "全县完成投资1,234.56亿元同比增长12.5%后面还有很多很多很多文字"
    for limit in range(3, len(text)):
        out = clip(text, limit)
        assert len(out) <= limit
        assert numbers_grounded(out, text), out
        body = out.removesuffix("…")
        assert text.startswith(body)
        nxt = text[len(body) : len(body) + 1]
        assert not (body[-1:].isdigit() and (nxt.isdigit() or nxt in ".,%")), out


def test_a_sentence_without_commas_is_clipped_not_dumped() -> None:
    text = "各部门" + "要加强协调配合" * 40 + "确保完成投资12亿元。"
    units = split_units(text)
    summary = make_summary("标题", units, [])
    assert len(summary) <= 200
