"""The targets chart: every character drawn has a glyph in the shipped CJK font, and the PNG has the
expected structure (size, not blank, a dark title, coloured markers)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.image import imread
from matplotlib.text import Text

from bot.render.chart import COLORS, WIDTH_PX, build_figure, font_path, render_chart
from bot.track import TrackedFigure, match_targets, tracked_from_digest
from extract.pipeline import document_from_text, rules_digest

TARGETS = """蒲县2024年政府工作报告
2024年1月10日
2024年经济社会发展的主要预期目标是：全县地区生产总值增长6%左右，固定资产投资增长8%以上，社会消费品零售总额增长5.5%，规模以上工业增加值增长7%，一般公共预算收入增长4%，粮食产量达到12万吨。
"""
RESULTS = """蒲县2025年政府工作报告
2025年1月12日
2024年，全县生产总值增长5.9%，固定资产投资增长9.1%，社会消费品零售总额增长4.2%，规上工业增加值增长7.5%。2024年上半年，一般公共预算收入增长2.1%。
"""


@pytest.fixture(scope="module")
def rows() -> list[TrackedFigure]:
    out: list[TrackedFigure] = []
    for i, text in enumerate((TARGETS, RESULTS), 1):
        out += tracked_from_digest(rules_digest(document_from_text(text)), i, source="县政府网站")
    extra = TrackedFigure(
        county="蒲县",
        city="临汾市",
        province="山西省",
        report_id=3,
        report_date=date(2024, 1, 20),
        title="蒲县人民政府关于失业率的通报（简体繁體）",
        label="城镇调查失业率",
        value=5.5,
        unit="%",
        surface="5.5%",
        kind="target",
        period="2024年",
        qualifier="以内",
    )
    return [*out, extra]


def _drawn_texts(fig: Figure) -> list[Text]:
    fig.canvas.draw()  # tick labels and legend texts exist only once drawn
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def test_every_character_drawn_has_a_glyph(rows: list[TrackedFigure]) -> None:
    fig = build_figure("蒲县", rows)
    texts = _drawn_texts(fig)
    path = font_path()
    font = FT2Font(str(path))
    drawn = "".join(t.get_text() for t in texts)
    # the chart says what it should: county, place, metric names, legend, status words, sources
    for must in (
        "蒲县",
        "山西省临汾市",
        "地区生产总值增长",
        "目标",
        "实际",
        "已完成",
        "接近目标",
        "进行中",
        "县政府网站",
    ):
        assert must in drawn, must
    missing = sorted({c for c in drawn if not c.isspace() and font.get_char_index(ord(c)) == 0})
    assert missing == [], f"tofu for {missing}"
    # and each text artist really is set in that font (not a fallback that lacks the glyphs)
    for t in texts:
        assert font_manager.findfont(t.get_fontproperties(), fallback_to_default=False) == str(path), t


def test_png_structure(rows: list[TrackedFigure]) -> None:
    png = render_chart("蒲县", rows)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    img = imread(io.BytesIO(png))
    h, w = img.shape[:2]
    assert w == WIDTH_PX and 900 <= h <= 3000  # portrait, phone-width
    rgb = img[:, :, :3]
    dark = rgb.max(axis=2) < 0.3
    assert dark.mean() > 0.005  # not blank
    assert dark[:80, : w // 2].sum() > 500  # the dark title text at the top left
    assert dark[:80, int(w * 0.8) :].sum() == 0  # and nothing drawn over the right of the title band
    # the status colours of the markers appear (green met, red missed, amber approximately met)
    for status in ("已完成", "未完成", "接近目标"):
        r, g, b = (int(COLORS[status][i : i + 2], 16) / 255 for i in (1, 3, 5))
        near = (
            (abs(rgb[:, :, 0] - r) < 0.04) & (abs(rgb[:, :, 1] - g) < 0.04) & (abs(rgb[:, :, 2] - b) < 0.04)
        )
        assert near.sum() > 50, status


def test_at_most_six_panels_and_statuses_input(rows: list[TrackedFigure]) -> None:
    statuses = match_targets(rows)
    assert len({(s.metric, s.target.unit) for s in statuses}) == 7
    fig = build_figure("蒲县", statuses)
    panels = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert len(panels) == 6
    titles = [ax.get_title(loc="left") for ax in panels]
    assert titles[0].startswith("地区生产总值增长")  # headline metrics first
    assert not any(t.startswith("粮食产量") for t in titles)  # the seventh, least headline one is left out


def test_large_values_are_shown_in_wan(rows: list[TrackedFigure]) -> None:
    grain = [r for r in rows if r.label and r.label.startswith("粮食产量")]
    assert len(grain) == 1
    drawn = "".join(t.get_text() for t in _drawn_texts(build_figure("蒲县", grain)))
    assert "粮食产量（万吨）" in drawn and "12万吨" in drawn
    assert "120000" not in drawn  # the axis counts in 万吨


def test_empty_chart_still_renders() -> None:
    fig = build_figure("蒲县", [])
    assert "暂无可对照的目标" in "".join(t.get_text() for t in _drawn_texts(fig))
    assert render_chart("蒲县", [])[:4] == b"\x89PNG"


def _markers(fig: Figure) -> list[tuple[object, str, tuple[float, float], float]]:
    """(axes, marker kind, centre in pixels, radius in pixels) of every visible scatter marker drawn."""
    from matplotlib.collections import PathCollection

    fig.canvas.draw()
    out = []
    for ax in fig.axes:
        for coll in ax.collections:
            if not isinstance(coll, PathCollection) or not coll.get_visible():
                continue
            filled = coll.get_facecolors()
            kind = "target" if len(filled) and tuple(filled[0][:3]) == (1.0, 1.0, 1.0) else "result"
            radius = (coll.get_sizes()[0] ** 0.5) / 2 * fig.dpi / 72 + coll.get_linewidths()[0] * fig.dpi / 72
            for xy in coll.get_offsets():
                cx, cy = ax.transData.transform(xy)
                out.append((ax, kind, (cx, cy), radius))
    return out


def test_a_target_and_its_result_never_hide_each_other(rows: list[TrackedFigure]) -> None:
    # the worst case too: a result equal to its target (规上 7% met by exactly 7%)
    same = [
        r.model_copy(update={"value": 7, "surface": "7%"}) if r.label and r.label.startswith("规上") else r
        for r in rows
    ]
    for data in (rows, same):
        marks = _markers(build_figure("蒲县", data))
        targets = [m for m in marks if m[1] == "target"]
        results = [m for m in marks if m[1] == "result"]
        assert targets and results
        for ax, _, (tx, ty), tr in targets:
            for ax2, _, (rx, ry), rr in results:
                if ax2 is ax:
                    assert ((tx - rx) ** 2 + (ty - ry) ** 2) ** 0.5 >= tr + rr - 1, (tx, ty, rx, ry)


def test_metrics_left_out_are_counted_with_where_to_read_them(rows: list[TrackedFigure]) -> None:
    drawn = "".join(t.get_text() for t in _drawn_texts(build_figure("蒲县", rows, max_metrics=2)))
    assert "另有 5 项未画出，见 /track" in drawn  # seven target metrics, two panels
    cli = "".join(t.get_text() for t in _drawn_texts(build_figure("蒲县", rows, more_hint="countybot track")))
    assert "另有 1 项未画出，见 countybot track" in cli
    every = build_figure("蒲县", rows, max_metrics=7)
    assert "未画出" not in "".join(t.get_text() for t in _drawn_texts(every))


def test_results_without_targets_are_drawn_over_time() -> None:
    digest = rules_digest(document_from_text(RESULTS))
    results = [r for r in tracked_from_digest(digest, 2) if r.kind == "result"]
    fig = build_figure("蒲县", results)
    drawn = "".join(t.get_text() for t in _drawn_texts(fig))
    assert "暂无可对照的目标" not in drawn and "实际数字变化" in drawn
    panels = [ax for ax in fig.axes if ax.get_title(loc="left")]
    titles = [a.get_title(loc="left") for a in panels]
    assert len(panels) == 5 and titles[0] == "生产总值增长（%）"  # the headline metric first
    assert {m[1] for m in _markers(fig)} == {"result"}


def test_the_chart_is_drawn_in_the_chats_script(rows: list[TrackedFigure]) -> None:
    drawn = "".join(t.get_text() for t in _drawn_texts(build_figure("蒲县", rows, script="traditional")))
    assert "目標與實際" in drawn and "已完成" in drawn and "實際" in drawn
    assert "实际" not in drawn and "规模" not in drawn
    assert render_chart("蒲县", rows, script="traditional")[:4] == b"\x89PNG"
