"""How sources are named to people (the CLI and the bot alike): their county, their period."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.store.sources import SourceInfo

_EVERY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.I)
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "": 3600}


def parse_every(text: str) -> int:
    """ "6h", "30m", "1d", "90s" (a bare number is hours) → seconds; ValueError when unreadable or < 1 min."""
    m = _EVERY.match(text)
    if not m:
        raise ValueError(f"看不懂的间隔「{text}」，请写成 6h、30m 或 1d")
    seconds = int(float(m[1]) * _UNIT[m[2].lower()])
    if seconds < 60:
        raise ValueError("检查间隔至少 1 分钟")
    return seconds


def every_label(seconds: int) -> str:
    if seconds % 86400 == 0:
        return f"每 {seconds // 86400} 天"
    if seconds % 3600 == 0:
        return f"每 {seconds // 3600} 小时"
    return f"每 {seconds // 60} 分钟"


def county_label(s: SourceInfo) -> str:
    if not s.county:
        return "县未知（检查网页后识别）"
    where = "，".join(x for x in (s.city, s.province) if x and x != s.county)
    how = {"option": "手动指定", "page": "来自网页"}.get(s.county_from or "", "")
    return s.county + (f"（{where}）" if where else "") + (f" · {how}" if how else "")


def resolve_county(name: str) -> tuple[str, str | None, str | None] | str:
    """The county a --county means, or the message why not (unknown, shared by several places)."""
    from bot.queries.places import resolve_place

    match = resolve_place(name)
    if match.status == "ok" and match.places:
        p = match.places[0]
        return p.name, p.city, p.province
    if match.status == "ambiguous":
        names = "、".join(f"{p.name}（{p.province or ''}）" for p in match.places)
        return f"「{name}」有几个地方同名：{names}，请写全称"
    hint = "、".join(p.name for p in match.suggestions[:3])
    return f"不认识的县名「{name}」" + (f"，是不是：{hint}" if hint else "")
