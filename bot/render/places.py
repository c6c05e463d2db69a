"""How every answer words a place asked for by name (issue L), the same in the bot and the terminal (plain
text; the bot escapes it): the name found nowhere (with the closest names), a name several places share
(长沙: the city and the county), the namesakes of a province, a city's counties side by side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.queries.places import level_name, level_word, place_query
from bot.render.common import county_text, figure_words
from extract.models import County, Digest

if TYPE_CHECKING:
    from bot.queries.targets import RollupLine

SHOWN = 8


def _q(query: str) -> str:
    return query.strip()[:20]


def unknown_text(query: str, suggestions: Sequence[County], command: str, *, lead: str = "没有找到") -> str:
    """The name found nowhere, with the closest names, or how to write one."""
    q = _q(query)
    if suggestions:
        names = "、".join(county_text(c) for c in suggestions[:SHOWN])
        return f"{lead}「{q}」这个地方。是不是：{names}？"
    return (
        f"{lead}「{q}」这个县（区）、市或省。请检查名称（全称或简称，简体繁体均可），例如 {command} 大宁县。"
    )


def mixed_levels(candidates: Sequence[County]) -> bool:
    return len({c.level for c in candidates}) > 1


def choice_label(place: County) -> str:
    """A button's text: "长沙市（湖南省）· 市"."""
    return f"{county_text(place)} · {level_name(place)}"


def ambiguous_text(query: str, candidates: Sequence[County], command: str, *, buttons: bool) -> str:
    """长沙 → 「长沙」既是长沙市（湖南省），也是长沙县（长沙市，湖南省）。要查哪一个？; 鼓楼 → several 鼓楼区,
    to be told apart by city or province."""
    q = _q(query)
    shown = list(candidates[:SHOWN])
    more = f"（共 {len(candidates)} 个）" if len(candidates) > SHOWN else ""
    if mixed_levels(shown):
        each = "，也是".join(county_text(c) for c in shown)
        how = "点下方按钮，或发送 " if buttons else "请发送 "
        asks = " 或 ".join(f"{command} {place_query(c)}" for c in shown[:3])
        return f"「{q}」既是{each}{more}。要查哪一个？{how}{asks}"
    first = shown[0]
    example = place_query(first)
    names = "\n".join(f"• {county_text(c, 'address')}" for c in shown)
    return f"「{q}」有好几个地方{more}，请连同市或省名再发一次，例如 {command} {example}：\n{names}"


def others_text(others: Sequence[County]) -> str:
    """海南 → the province; 同名的还有 海南藏族自治州（青海省）、海南区（乌海市，内蒙古自治区）."""
    return "同名的还有：" + "、".join(county_text(c) for c in others[:SHOWN])


def no_reports_text(place: County) -> str:
    return f"还没有收录关于{level_word(place)}的报告"


def rollup_head(place: County, lines: Sequence[RollupLine], counties: int) -> str:
    below = "县（区）" if place.level == "city" else "县级行政区"
    if not lines:
        return f"{county_text(place, 'address')} 下辖 {counties} 个{below}，还没有记录的目标。"
    return (
        f"{county_text(place, 'address')} 各县的重点目标：{len(lines)} 个{below}有记录"
        f"（{level_word(place)}共 {counties} 个），每县一行，取其最新报告的前几项"
    )


def rollup_items(line: RollupLine) -> list[tuple[str, str]]:
    """[(surface, words)] of a county's line — the renderers set them in their own markup."""
    return [(t.surface, figure_words(t)) for t in line.targets]


# ---- a digest's place line --------------------------------------------------------------------------------

NO_COUNTY = "没找到这份报告说的是哪个县"
_PARTS = {"county": "县", "published": "日期"}


def unsure(digest: Digest) -> bool:
    """No place, or only places the text suggests (County.confidence "likely"): the user is asked."""
    return not any(c.confidence == "sure" for c in digest.counties)


def place_line(digest: Digest, sep: str = "；", *, hint: bool = False) -> str:
    """ "大宁县（临汾市，山西省）"; a place the text only suggests says so (可能), and with `hint` how to
    correct it (the bot's digest, which takes a reply)."""
    maybe = {True: "（可能）", False: ""}
    line = sep.join(county_text(c) + maybe[c.confidence == "likely"] for c in digest.counties)
    if hint and digest.counties and unsure(digest):
        line += " · 不对请回复本消息写县名"
    return line


def no_county_text(digest: Digest, *, cli: bool = False) -> str:
    """The digest found no place: say so, and how to set it."""
    if cli:
        return f"{NO_COUNTY}（可用 countybot fix 编号 --county 县名 设置）"
    pick = "点下方按钮选择，或" if digest.county_candidates else "请"
    return f"{NO_COUNTY}。{pick}回复本消息写县名（/fix 可更正县和日期）"


def corrected_text(digest: Digest) -> str:
    """ "已人工更正：县、日期" when a person set those parts (bot/store/corrections.py); "" otherwise."""
    if not digest.sources:  # a rules digest: nothing set by hand, and no need to load bot.models
        return ""
    from bot.models import MANUAL  # here: bot.models builds pydantic models a CLI digest never uses

    parts = [word for part, word in _PARTS.items() if digest.sources.get(part) == MANUAL]
    return f"已人工更正：{'、'.join(parts)}" if parts else ""
