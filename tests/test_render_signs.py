"""Issue K: a digest shows a fall as the report wrote it (下降6.3%, 增长-6.3%; never 6.3% 增长-), a result
with its qualifier as written (突破500亿元) and an estimate as 预计 — in Telegram HTML and in the terminal."""

from __future__ import annotations

from datetime import date

from bot.render.html import figure_line
from bot.render.text import render_digest_text
from extract.figures.finder import find_figures
from extract.models import Digest, Figure

TEXT = (
    "2023年，全县地区生产总值增长-6.3%，规上工业增加值下降6.3%，一般公共预算收入负增长3.5%。"
    "预计全年实现财政收入突破5亿元、增长4.2%。2024年，力争单位GDP能耗下降3%。"
)


def _lines() -> list[str]:
    return [figure_line(f) for f in find_figures(TEXT, published=date(2023, 12, 28))]


def test_a_fall_reads_as_written_in_the_digest() -> None:
    lines = _lines()
    assert lines[:3] == [
        "✅ <b>增长-6.3%</b> 地区生产总值（2023年）",
        "✅ <b>下降6.3%</b> 规上工业增加值（2023年）",
        "✅ <b>负增长3.5%</b> 一般公共预算收入（2023年）",
    ]
    assert not any("增长-</" in x or "增长-（" in x or x.endswith("增长-") for x in lines)
    assert lines[-1] == "🎯 <b>下降3%</b> 单位GDP能耗（2024年）"


def test_an_estimated_result_says_so_and_keeps_its_qualifier() -> None:
    lines = _lines()
    assert lines[3].startswith("✅ 预计 <b>突破5亿元</b> 财政收入")
    assert lines[4].startswith("✅ 预计 <b>4.2%</b> 财政收入增长")


def test_a_negative_value_under_a_growth_label_is_never_shown_as_growth() -> None:
    # a model may word the label 增长; the value the report gave is a fall
    f = Figure(surface="6.3%", value=-6.3, unit="%", label="规上工业增加值增长", kind="result")
    f.period = "2023年"
    assert figure_line(f) == "✅ <b>下降6.3%</b> 规上工业增加值（2023年）"
    g = Figure(surface="6.3%", value=-6.3, unit="%", label=None, kind="result")
    assert figure_line(g) == "✅ <b>下降6.3%</b>"


def test_the_terminal_digest_shows_the_same() -> None:
    out = render_digest_text(Digest(figures=find_figures(TEXT, published=date(2023, 12, 28))), color=False)
    assert "增长-6.3%" in out and "下降6.3%" in out and "预计 突破5亿元" in out
    assert "增长-\n" not in out and "6.3%  地区生产总值增长-" not in out
