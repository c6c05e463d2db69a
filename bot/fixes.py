"""Correcting a report's county and/or date (issue L): what /fix, the no-county buttons and answers, and
`countybot fix` share. The correction is stored as such (bot/store/corrections.py) and every query
follows it at once (figures, /targets, /track, /chart, /export read the corrected rows).

Who may correct: a chat corrects the reports it sent; the admin chat (COUNTYBOT_ADMIN_CHAT) also the
public ones; the CLI (the operator) any report."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from extract.models import County, Digest

if TYPE_CHECKING:
    from bot.service import Service
    from bot.store.corrections import Correction

FixStatus = Literal["ok", "not_found", "no_digest", "unknown_place", "ambiguous_place", "bad_date", "nothing"]


@dataclass
class FixRequest:
    """What a /fix message asks: the report (its number as /reports shows it, "#123" or "123"; None: the
    replied-to or latest one), the place as written and the date."""

    report_id: int | None = None
    place: str | None = None
    published: date | None = None
    problems: list[str] = field(default_factory=list)  # what could not be read, in Chinese


@dataclass
class FixResult:
    status: FixStatus
    report_id: int | None = None
    county: County | None = None
    published: date | None = None
    correction: Correction | None = None
    digest: Digest | None = None  # the corrected digest
    places: list[County] = field(default_factory=list)  # ambiguous: the choices; unknown: the closest


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
# 县=临泽 县：临泽 縣=臨澤 county=临泽 地=… / 日期=2024-01-15 date=… 时间=…
_KEYED = re.compile(
    r"(?P<key>县|縣|区|區|地方|地点|地點|county|place|日期|date|时间|時間|发布日期|發佈日期)\s*[=:：＝]\s*",
    re.I,
)
_DATE_KEYS = {"日期", "date", "时间", "時間", "发布日期", "發佈日期"}


def parse_date(text: str, *, today: date | None = None) -> date | None:
    """2024-01-15, 2024/1/15, 2024.1.15, 2024年1月15日, 20240115. ValueError for an impossible or
    future date (more than a day ahead: a report cannot be dated after it reached us); None if no date."""
    t = text.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    m = _DATE.fullmatch(t) or _COMPACT.fullmatch(t)
    if m is None:
        return None
    d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))  # ValueError when impossible
    if d > (today or date.today()) + timedelta(days=1) or d.year < 1949:
        raise ValueError(text)
    return d


def parse_fix(args: str, *, today: date | None = None) -> FixRequest:
    """A forgiving reading of "/fix 3 县=临泽 日期=2024-01-15" (either script, = : ： or a space): keyed
    parts first; then a bare number is the /reports number, #number a report id, a bare date the date,
    other words the place."""
    req = FixRequest()
    text = args.strip()
    keyed = list(_KEYED.finditer(text))
    rest_parts = [text[: keyed[0].start()] if keyed else text]
    for i, m in enumerate(keyed):
        end = keyed[i + 1].start() if i + 1 < len(keyed) else len(text)
        value = text[m.end() : end].strip()
        if m.group("key").lower() in _DATE_KEYS:
            _read_date(req, value, today)
        else:
            word, _, tail = value.partition(" ")
            req.place = word.strip() or None
            rest_parts.append(tail)
    for token in " ".join(rest_parts).split():
        token = token.strip("，,。;；")
        if not token:
            continue
        digits = token.lstrip("#＃")
        if digits.isdigit() and len(digits) <= 18 and req.report_id is None:
            req.report_id = int(digits)  # the report's number: what /reports, /delete and the buttons use
        elif _DATE.fullmatch(token) or _COMPACT.fullmatch(token):
            _read_date(req, token, today)
        elif req.place is None:
            req.place = token
        else:
            req.problems.append(f"看不懂「{token[:20]}」")
    return req


def _read_date(req: FixRequest, value: str, today: date | None) -> None:
    try:
        d = parse_date(value, today=today)
    except ValueError:
        req.problems.append(f"日期「{value[:20]}」不对（不存在或晚于今天）")
        return
    if d is None:
        req.problems.append(f"日期「{value[:20]}」看不懂，请写成 2024-01-15")
    else:
        req.published = d


def _dated(text: str, digest: Digest, new: date) -> dict[int, dict[str, str | None]]:
    """The figures whose period and kind followed the report's date (今年 is the report's year; 去年…增长
    is a result only when the report has a date): their period and kind under the new date, by position.
    A figure read another way (the LLM's label, a period written out) is left as it is."""
    from extract.figures.finder import find_figures

    def read(when: date | None) -> dict[tuple[int, int], tuple[str | None, str | None]]:
        return {(f.start, f.end): (f.period, f.kind) for f in find_figures(text, published=when)}

    old_r, new_r = read(digest.published), read(new)
    out: dict[int, dict[str, str | None]] = {}
    for i, f in enumerate(digest.figures):
        k = (f.start, f.end)
        if k in old_r and k in new_r and (f.period, f.kind) == old_r[k] and new_r[k] != old_r[k]:
            out[i] = {"period": new_r[k][0], "kind": new_r[k][1]}
    return out


async def fix_report(
    service: Service,
    report_id: int,
    *,
    place: str | County | None = None,
    published: date | None = None,
    by: str | None,
    chat_id: int | None,
    scopes: list[str] | None,
) -> FixResult:
    """Correct a report. `scopes`: the scopes the caller may correct (None: any, the CLI); a report
    outside them reads as not found (another chat's report is never even confirmed to exist)."""
    import asyncio

    from bot.lookup import find_place

    store = service.store
    target = await store.corrections.target(report_id)
    if target is None or (scopes is not None and target.scope not in scopes):
        return FixResult("not_found", report_id)
    if target.digest is None:
        return FixResult("no_digest", report_id)
    county: County | None = None
    if isinstance(place, County):
        county = place
    elif place:
        match = await find_place(store.reports, place)
        if match.status == "unknown":
            return FixResult("unknown_place", target.report_id, places=match.suggestions)
        if match.status == "ambiguous":
            return FixResult("ambiguous_place", target.report_id, places=match.places)
        county = match.places[0]
    if county is None and published is None:
        return FixResult("nothing", target.report_id)
    dated: dict[int, dict[str, str | None]] = {}
    if published is not None:
        text = await store.corrections.normalized(target.report_id)
        if text:
            dated = await asyncio.to_thread(_dated, text, target.digest, published)
    done = await store.corrections.apply(
        target.report_id, county=county, published=published, dated=dated, by=by, chat_id=chat_id
    )
    if done is None:
        return FixResult("no_digest", target.report_id)
    digest = await service.digest_of(target.report_id)
    return FixResult("ok", target.report_id, county, published, done, digest)


def allowed_scopes(chat_id: int, admin_chat: int | None) -> list[str]:
    from bot.models import chat_scope

    return (
        [chat_scope(chat_id), "public"]
        if admin_chat is not None and chat_id == admin_chat
        else [chat_scope(chat_id)]
    )
