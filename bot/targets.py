"""A county's key targets across stored reports: county resolution, merging, plain-text rendering.

The query itself lives in bot.service.Service.targets; this module is pure (no database)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel

from extract.models import County


class TargetItem(BaseModel):
    county: str
    label: str | None
    value: float | int
    unit: str
    surface: str
    period: str | None
    quote: str
    report_id: int
    report_title: str | None
    report_date: date | None  # published, else received date
    source: str | None
    earlier: list[
        str
    ] = []  # e.g. ["40亿元 (2023-02-01)"] when another report gave another value for this label


class TargetsAnswer(BaseModel):
    status: Literal["ok", "ambiguous", "unknown"]
    query: str
    county: County | None = None
    candidates: list[County] = []
    targets: list[TargetItem] = []  # newest first; a target repeated in several reports is shown once
    reports: int = 0  # reports on this county that were considered


def tidy_number(v: float | int) -> float | int:
    # stored as a double: 4500000000.0 -> 4500000000, as in Figure
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    return v


def _unique(counties: Iterable[County]) -> list[County]:
    seen: set[tuple[str, str | None, str | None]] = set()
    out = []
    for c in counties:
        key = (c.name, c.city, c.province)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


_QUALIFIED_MAX = 30  # longer queries are not a place name with its city/province
_NOISE = re.compile(r"[\s()（）\[\]【】,，、·/]+")


def resolve_county(query: str) -> tuple[Literal["ok", "ambiguous", "unknown"], list[County]]:
    """Gazetteer lookup (full or short name, either script). A name several places share can be told
    apart by its city and/or province written around it: 南京市鼓楼区, 南京鼓楼, 鼓楼区（南京市）."""
    from extract.places.gazetteer import lookup

    q = query.strip()
    if not q:
        return "unknown", []
    found = _unique(lookup(q))
    if len(found) == 1:
        return "ok", found
    qualified = _qualified(q, lookup)
    if len(qualified) == 1 or (qualified and not found):
        found = qualified
    if len(found) == 1:
        return "ok", found
    return ("ambiguous", found) if found else ("unknown", [])


def _qualified(query: str, lookup: Any) -> list[County]:
    """Counties named inside the query whose city/province (or a 2+ character prefix of them, 南京 for
    南京市) make up all the rest of it."""
    from extract.text.script import to_script

    q = _NOISE.sub("", to_script(query, "simplified"))
    if len(q) > _QUALIFIED_MAX:
        return []
    out: list[County] = []
    for i in range(len(q)):
        for j in range(i + 2, len(q) + 1):
            rest = q[:i] + q[j:]
            if not rest or (i and j < len(q)):
                continue  # the name first or last, its context on the other side
            for c in lookup(q[i:j]):
                if _is_context(rest, [x for x in (c.province, c.city) if x]):
                    out.append(c)
    return _unique(out)


def _is_context(text: str, fields: list[str]) -> bool:
    if not text:
        return True
    for n, field in enumerate(fields):
        for k in range(len(field), 1, -1):
            if text.startswith(field[:k]) and _is_context(text[k:], fields[:n] + fields[n + 1 :]):
                return True
    return False


def _report_date(published: date | None, received: datetime | None) -> date | None:
    return published or (received.date() if received else None)


def _norm_label(label: str | None) -> str | None:
    if not label:
        return None
    return "".join(label.split()) or None


def merge_targets(rows: Sequence[Any]) -> list[TargetItem]:
    """rows: county, label, value, unit, surface, period, quote, position, report_id, title, published,
    received, source. Newest report first; the same (label, value, unit) shown once with its latest date;
    another value for the same label and period goes into `earlier` of the newest one."""
    ordered = sorted(
        rows,
        key=lambda r: (
            _report_date(r.published, r.received) or date.min,
            r.received or datetime.min,
            r.report_id,
            -r.position,
        ),
        reverse=True,
    )
    items: list[TargetItem] = []
    groups: dict[tuple[Any, ...], TargetItem] = {}
    seen: set[tuple[Any, ...]] = set()
    for r in ordered:
        value = tidy_number(r.value)
        label = _norm_label(r.label)
        same = (label or r.quote, value, r.unit)
        when = _report_date(r.published, r.received)
        if same in seen:
            continue  # the same target, already shown with a later date
        seen.add(same)
        group = (label, r.unit, r.period) if label else None
        if group is not None and group in groups:
            newest = groups[group]
            note = f"{r.surface} ({when.isoformat()})" if when else r.surface
            if note not in newest.earlier:
                newest.earlier.append(note)
            continue
        item = TargetItem(
            county=r.county,
            label=r.label,
            value=value,
            unit=r.unit,
            surface=r.surface,
            period=r.period,
            quote=r.quote,
            report_id=r.report_id,
            report_title=r.title,
            report_date=when,
            source=r.source,
        )
        items.append(item)
        if group is not None:
            groups[group] = item
    return items


def county_place(c: County) -> str:
    """ "山西省临汾市"; a municipality's district reads "北京市", not "北京市北京市"."""
    parts: list[str] = []
    for p in (c.province, c.city):
        if p and p != c.name and p not in parts:
            parts.append(p)
    return "".join(parts)


def render_candidates(candidates: Sequence[County]) -> str:
    return "\n".join(f"  - {c.name}（{county_place(c) or '地区不详'}）" for c in candidates)


def render_targets(answer: TargetsAnswer) -> str:
    """Plain text for the terminal (the bot renders its own HTML from the same model)."""
    if answer.status == "unknown":
        return f"找不到县“{answer.query}”。请检查名称：可用全称或简称（如 大宁县、大宁），简体繁体均可。"
    if answer.status == "ambiguous":
        return f"“{answer.query}”对应多个县，请用全称指定：\n{render_candidates(answer.candidates)}"
    assert answer.county is not None
    c = answer.county
    place = county_place(c)
    head = f"{c.name}" + (f"（{place}）" if place else "")
    if not answer.targets:
        if answer.reports:
            return f"{head}：已收录 {answer.reports} 篇报告，但其中没有目标类数字。"
        return f"{head}：还没有收录关于该县的报告。"
    lines = [f"{head}的重点目标：{len(answer.targets)} 项，来自 {answer.reports} 篇报告（新的在前）", ""]
    for i, t in enumerate(answer.targets, 1):
        what = " · ".join(p for p in (t.label, t.period) if p)
        lines.append(f"{i}. {t.surface}" + (f"  {what}" if what else ""))
        meta = " ".join(
            p
            for p in (
                t.report_date.isoformat() if t.report_date else None,
                f"《{t.report_title}》" if t.report_title else f"报告 #{t.report_id}",
                f"来源：{t.source}" if t.source else None,
            )
            if p
        )
        lines.append(f"   {meta}")
        if t.quote:
            lines.append(f"   “{t.quote}”")
        if t.earlier:
            lines.append(f"   此前：{'；'.join(t.earlier)} → 现为 {t.surface}")
    return "\n".join(lines)
