"""Issue K on real texts: every decline in short real county statistics is a negative change, its label the
metric as written, and every rise stays positive. Short excerpts of public county pages (the search tool's
`pages` corpus), each with its source; none is about a held-out place."""

from __future__ import annotations

import re

import pytest

from bot.render.html import figure_line
from extract.pipeline import document_from_text, rules_digest

# (source, excerpt, {surface: (value, label)}) — every figure of the excerpt that states a change
CASES = [
    (
        "http://www.ruyuan.gov.cn/zwgk/tjxx/content/post_2243237.html",
        "1-5月,一般公共预算收入1.86亿元,同比下降27.2%,其中税收收入1.39亿元,同比下降4.5%。"
        "一般公共预算支出12.42亿元,同比增长1.5%。",
        {"27.2%": (-27.2, "一般公共预算收入同比下降"), "4.5%": (-4.5, "税收收入同比下降"),
         "1.5%": (1.5, "一般公共预算支出同比增长"), "1.86亿元": (186_000_000, "一般公共预算收入")},
    ),
    (
        "http://www.ruyuan.gov.cn/zwgk/tjxx/content/post_2640498.html",
        "二、固定资产投资下行。1-4月,我县固定资产投资完成额同比下降18.2%。分领域看,工业投资下降47.3%,"
        "制造业投资下降62.3%。",
        {"18.2%": (-18.2, "固定资产投资完成额同比下降"), "47.3%": (-47.3, "工业投资下降"),
         "62.3%": (-62.3, "制造业投资下降")},
    ),
    (
        "https://www.guzhen.gov.cn/sjtj/tjyb/81257391.html",
        "1-7月份,全县规模以上工业增加值同比下降20.0%,居全市第7位。固定资产投资额同比下降1.5%,"
        "居全市第7位,较1-6月份回落2.2个百分点。",
        {"20.0%": (-20, "规模以上工业增加值同比下降"), "1.5%": (-1.5, "固定资产投资额同比下降"),
         "2.2个百分点": (-2.2, None)},
    ),
    (
        "https://youyang.gov.cn/bmjz_sites/bm/tjj/zwgk_104134/fdzdgknr_104136/tjxx/jjyxqk/202505/"
        "t20250522_14646961.html",
        "全县实现农林牧渔总产值9.48亿元,增长0.8%。蔬菜及食用菌产量9.72万吨,增长2.0%。生猪出栏16.68万头,"
        "下降7.7%。分三大门类看,采矿业增加值下降17.3%,制造业增加值增长10.3%。",
        {"0.8%": (0.8, "农林牧渔总产值增长"), "7.7%": (-7.7, "生猪出栏下降"),
         "17.3%": (-17.3, "采矿业增加值下降"), "10.3%": (10.3, "制造业增加值增长")},
    ),
    (
        "http://www.pjckts.cn/forum.php?action=printable&mod=viewthread&tid=3110",
        "今年6月全县实现规上工业产值20.67亿元,同比负增长3.4%,半年累计完成规上工业产值108.7亿元,"
        "同比增长18.7%,增幅比5月下降6.8个百分点。",
        {"3.4%": (-3.4, "规上工业产值同比负增长"), "18.7%": (18.7, "规上工业产值同比增长"),
         "6.8个百分点": (-6.8, None)},
    ),
    (  # 宁远县 2023 statistical communiqué: a fall printed as 增长-
        "https://tjgb.hongheiku.com/xjtjgb/xj2020/51311.html",
        "经初步核算,2023年,全县实现地区生产总值2616611万元,同比增长-0.5%。其中,第一产业增加值399560万元,"
        "同比增长3.9%;第二产业增加值818732万元,同比增长-6.6%;第三产业增加值1398319万元,同比增长1.9%。"
        "生猪存栏58.97万头,同比下降6.53%。",
        {"-0.5%": (-0.5, "地区生产总值同比增长"), "3.9%": (3.9, "第一产业增加值同比增长"),
         "-6.6%": (-6.6, "第二产业增加值同比增长"), "1.9%": (1.9, "第三产业增加值同比增长"),
         "6.53%": (-6.53, "生猪存栏同比下降")},
    ),
]


@pytest.mark.parametrize(("source", "text", "want"), CASES, ids=[c[0].split("/")[2] for c in CASES])
def test_real_declines_are_negative_and_rises_positive(
    source: str, text: str, want: dict[str, tuple[float, str | None]]
) -> None:
    figures = {f.surface: f for f in rules_digest(document_from_text(text)).figures}
    for surface, (value, label) in want.items():
        f = figures[surface]
        assert f.value == value, (source, surface, f.value)
        if label is not None:
            assert f.label == label, (source, surface, f.label)
        assert "增长-" not in (f.label or "")
        if value < 0:  # shown as the report writes it
            shown = figure_line(f)
            assert re.search(r"<b>(?:同比)?(?:下降|回落|负增长|增长-)", shown), shown
