"""Telegram HTML rendering and the 4096 splitter, checked with the fake server's own HTML validator."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.queries.period import CountyGroup, PeriodDigest, ReportBrief
from bot.queries.targets import TargetItem, TargetsAnswer
from bot.render.html import (
    KEY_FIGURES,
    html_to_plain,
    rank_figures,
    render_digest,
    render_figures,
    render_period,
    render_targets,
    split_html,
    utf16_len,
)
from extract.models import County, Digest, Figure, Person
from tests.fakes.telegram_server import check_html

DANING = County(name="大宁县", city="临汾市", province="山西省")


def fig(surface: str, value: float, unit: str, label: str | None, kind: str | None, **kw) -> Figure:
    return Figure(surface=surface, value=value, unit=unit, label=label, kind=kind, **kw)


def sample_digest(**over) -> Digest:
    data = dict(
        title="大宁县县长王志华：打好<收官战> & 谋好“开局篇”",
        published=date(2023, 12, 29),
        source="临汾新闻网",
        counties=[DANING],
        people=[Person(name="王志华", role="大宁县委副书记、县长")],
        summary="大宁县部署冬季行动，2024年计划投资281亿元。",
        highlights=["组建19个工作专班", "重点项目开复工率100%"],
        figures=[
            fig("19个", 19, "个", "工作专班", "result"),
            fig("281亿元", 28_100_000_000, "元", "年度计划投资", "target", period="2024年"),
            fig("3个", 3, "个", None, None),
        ],
        warnings=["a < b & c"],
    )
    data.update(over)
    return Digest(**data)


def test_digest_shows_everything_escaped_and_valid():
    text = render_digest(sample_digest(), notes=["今天的 AI 额度已用完"])
    assert check_html(text) is None
    assert "&lt;收官战&gt; &amp; 谋好" in text  # report text escaped
    assert "<收官战>" not in text
    assert "📍 大宁县（临汾市，山西省）" in text
    assert "2023-12-29 · 来源：临汾新闻网" in text
    assert "王志华（大宁县委副书记、县长）" in text
    assert "🎯 <b>281亿元</b> 年度计划投资（2024年）" in text
    assert "✅ <b>19个</b> 工作专班" in text
    assert "⚠️ a &lt; b &amp; c" in text
    assert "规则摘要" in text and "今天的 AI 额度已用完" in text
    # targets first: the reader sees the commitment before the counts
    assert text.index("281亿元") < text.index("19个</b>")


def test_llm_backend_is_named():
    assert "AI 摘要（gpt-4o-mini）" in render_digest(sample_digest(backend="llm:gpt-4o-mini"))


def test_many_figures_are_cut_with_a_pointer_and_listed_in_full_on_request():
    figures = [fig(f"{i}个", i, "个", f"指标{i}", "result", quote=f"完成<{i}>个") for i in range(1, 21)]
    d = sample_digest(figures=figures)
    short = render_digest(d)
    assert short.count("✅ <b>") == KEY_FIGURES
    assert "另有 12 个数字" in short and "/figures" in short
    full = render_figures(d)
    assert check_html(full) is None
    assert full.count("✅ <b>") == 20
    assert "「完成&lt;20&gt;个」" in full


def test_rank_is_targets_then_results_then_rest_and_stable():
    figs = [
        fig("1个", 1, "个", None, None),
        fig("2个", 2, "个", "b", "result"),
        fig("3个", 3, "个", None, "target"),
        fig("4个", 4, "个", "a", "target"),
    ]
    assert [f.surface for f in rank_figures(figs)] == ["4个", "3个", "2个", "1个"]


def test_empty_digest_still_renders():
    text = render_digest(Digest())
    assert check_html(text) is None
    assert "（无标题）" in text


def test_targets_answer_ok_ambiguous_unknown():
    item = TargetItem(
        county="大宁县",
        label="年度计划投资",
        value=28_100_000_000,
        unit="元",
        surface="281亿元",
        period="2024年",
        quote="计划投资281亿元",
        report_id=1,
        report_title="打好<收官战>",
        report_date=date(2023, 12, 29),
        source="临汾新闻网",
        earlier=["270亿元 (2023-02-01)"],
    )
    ok = render_targets(TargetsAnswer(status="ok", query="大寧", county=DANING, targets=[item], reports=2))
    assert check_html(ok) is None
    assert "<b>大宁县（临汾市，山西省）</b>" in ok
    assert "🎯 <b>281亿元</b> 年度计划投资（2024年）" in ok
    assert "2023-12-29 · 《打好&lt;收官战&gt;》 · 临汾新闻网" in ok
    assert "此前：270亿元 (2023-02-01)" in ok
    amb = render_targets(
        TargetsAnswer(
            status="ambiguous",
            query="城关",
            candidates=[
                County(name="城关区", city="拉萨市", province="西藏自治区"),
                County(name="城关区", city="兰州市", province="甘肃省"),
            ],
        )
    )
    assert "兰州市" in amb and "拉萨市" in amb and check_html(amb) is None
    unknown = render_targets(TargetsAnswer(status="unknown", query="不存在<县>"))
    assert "不存在&lt;县&gt;" in unknown and check_html(unknown) is None
    empty = render_targets(TargetsAnswer(status="ok", query="大宁", county=DANING, reports=0))
    assert "暂无" in empty


def test_a_likely_place_says_so_in_the_digest():
    """Issue L: a county the report only suggests (a short name or two) is marked （可能）, a sure one not."""
    from bot.render.text import render_digest_text

    likely = DANING.model_copy(update={"confidence": "likely"})
    text = render_digest(sample_digest(counties=[likely]))
    assert check_html(text) is None
    assert "📍 大宁县（临汾市，山西省）（可能）" in text
    assert "（可能）" not in render_digest(sample_digest())
    plain = render_digest_text(sample_digest(counties=[likely]), color=False)
    assert "📍 大宁县（临汾市，山西省）（可能）" in plain
    assert "（可能）" not in render_digest_text(sample_digest(), color=False)


def test_period_digest_groups_by_county():
    brief = ReportBrief(
        report_id=1,
        title="报告<一>",
        published=date(2023, 12, 29),
        source="临汾新闻网",
        summary="摘要" * 200,
        figures=[fig("281亿元", 28_100_000_000, "元", "计划投资", "target")],
    )
    pd = PeriodDigest(
        since=datetime(2024, 1, 1, tzinfo=UTC),
        until=datetime(2024, 1, 2, tzinfo=UTC),
        groups=[CountyGroup(county=DANING, reports=[brief]), CountyGroup(county=None, reports=[brief])],
        totals={"reports": 2, "counties": 1, "targets": 2},
    )
    text = render_period(pd)
    assert check_html(text) is None
    assert "2 份报告 · 1 个县 · 2 个目标" in text
    assert "📍 大宁县（临汾市，山西省）" in text and "未识别县" in text
    assert "报告&lt;一&gt;" in text and "🎯 <b>281亿元</b>" in text
    assert len(text) < 1000  # summaries are clipped


# --- splitting ---------------------------------------------------------------------------------


def test_short_text_is_one_chunk():
    assert split_html("<b>a</b>\nb") == ["<b>a</b>\nb"]


def test_split_prefers_line_boundaries():
    lines = [f"<b>{i:04d}</b> " + "字" * 50 for i in range(200)]
    text = "\n".join(lines)
    chunks = split_html(text, 1000)
    assert len(chunks) > 5
    for c in chunks:
        assert utf16_len(c) <= 1000 and check_html(c) is None
        assert c.startswith("<b>")  # every chunk starts at a line start
    assert "\n".join(chunks) == text


def test_split_a_long_tag_spanning_lines_reopens_it():
    text = "<blockquote expandable>" + "\n".join("行" * 30 for _ in range(100)) + "</blockquote>"
    chunks = split_html(text, 500)
    assert len(chunks) > 3
    for c in chunks:
        assert check_html(c) is None
        assert c.startswith("<blockquote expandable>") and c.endswith("</blockquote>")


def test_split_never_cuts_an_entity_or_emoji():
    text = "🎯" + "&amp;" * 3000
    chunks = split_html(text, 4096)
    for c in chunks:
        assert utf16_len(c) <= 4096 and check_html(c) is None
    assert html_to_plain("".join(chunks)) == "🎯" + "&" * 3000


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "b", "i", "code"]),
            st.text(alphabet=st.sampled_from(list("县长<>&\"'🎯 ab1\n")), max_size=300),
        ),
        max_size=40,
    ),
    st.integers(min_value=60, max_value=900),
)
def test_split_property_valid_chunks_same_text(pieces, limit):
    text = "".join(
        f"<{t}>{html.escape(s, quote=False)}</{t}>" if t else html.escape(s, quote=False) for t, s in pieces
    )
    chunks = split_html(text, limit)
    for c in chunks:
        assert utf16_len(c) <= limit
        assert check_html(c) is None, c
    # nothing lost but the line breaks a cut fell on, and blank space at cuts
    squash = "".join(html_to_plain(text).split())
    assert "".join("".join(html_to_plain(c).split()) for c in chunks) == squash


def test_clipping_never_cuts_inside_a_number() -> None:
    import re

    from bot.render.html import _clip

    text = "力争全年招商项目达到50个,协议总投资达到200亿元以上"
    for limit in range(5, len(text)):
        out = _clip(text, limit)
        assert len(out) <= limit
        body = out.rstrip("…")
        # a cut number would leave a digit run that is not one of the report's numbers
        for run in re.findall(r"\d+", body):
            assert run in {"50", "200"}, (limit, out)
