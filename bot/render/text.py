"""Terminal text: a digest (county, date, source, summary, highlights, key figures), a county's targets
and a period's reports.

Plain string building (ANSI colour optional) rather than rich, so `countybot summarize`
starts fast.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING

from bot.render.changes import answered_line, update_line
from bot.render.common import (
    KIND_ICON,
    county_place,
    county_text,
    date_words,
    digest_order,
    figure_number,
    figure_parts,
    figure_words,
)
from extract.models import County, Digest, Figure

if TYPE_CHECKING:
    from bot.queries.period import PeriodDigest
    from bot.queries.targets import TargetsAnswer

MAX_FIGURES = 20

_BOLD, _DIM, _CYAN, _GREEN, _YELLOW, _RESET = (
    "\x1b[1m",
    "\x1b[2m",
    "\x1b[36m",
    "\x1b[32m",
    "\x1b[33m",
    "\x1b[0m",
)


def _style(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color and text else text


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _shown(f: Figure) -> str:
    """预计 突破500亿元 / 下降6.3%: the number as the report writes it (figure_parts)."""
    estimated, number, _ = figure_parts(f)
    return f"{estimated} {number}" if estimated else number


def _figure_line(f: Figure, width: int, color: bool) -> str:
    mark = KIND_ICON.get(f.kind or "", "·")
    shown = _shown(f)
    surface = shown + " " * (width - display_width(shown))
    if f.kind == "target":
        surface = _style(surface, _CYAN, color)
    elif f.kind == "result":
        surface = _style(surface, _GREEN, color)
    label = figure_number(f)[1] or ""
    extra = figure_words(SimpleNamespace(label=label, period=f.period), period_in_label=False)[len(label) :]
    if f.ocr_unsure:  # read from a picture with unsure digits (issue M)
        from extract.text.ocr import UNSURE_MARK  # here: a text report's digest needs no OCR module

        extra += f"（⚠️{UNSURE_MARK}）"
    return f"  {mark} {surface}  {label}{_style(extra, _DIM, color)}".rstrip()


def render_digest_text(digest: Digest, *, color: bool, received: date | datetime | None = None) -> str:
    lines: list[str] = []
    if digest.title:
        lines.append(_style(digest.title, _BOLD, color))
    from bot.render.places import corrected_text, no_county_text, place_line

    meta = ["📍 " + (place_line(digest, "、") if digest.counties else no_county_text(digest, cli=True))]
    meta.append("📅 " + date_words(digest.published, received))
    if digest.source:
        meta.append("来源：" + digest.source)
    lines.append("  ".join(meta))
    if digest.url:  # issue M: the link it was read from
        lines.append("🔗 " + digest.url)
    if digest.people:
        people = "、".join(f"{p.name}（{p.role}）" if p.role else p.name for p in digest.people)
        lines.append("👤 " + people)
    if digest.summary:
        lines += ["", _style("摘要", _BOLD, color), "  " + digest.summary]
    if digest.highlights:
        lines += ["", _style("要点", _BOLD, color)]
        lines += [f"  • {h}" for h in digest.highlights]
    lines += ["", _style("关键数字", _BOLD, color) + _style("  🎯 目标 ✅ 实际 · 未定", _DIM, color)]
    if digest.figures:
        shown = digest_order(digest)[:MAX_FIGURES]  # key figures first
        width = max(display_width(_shown(f)) for f in shown)
        lines += [_figure_line(f, width, color) for f in shown]
        if len(digest.figures) > len(shown):
            lines.append(_style(f"  … 另有 {len(digest.figures) - len(shown)} 个数字", _DIM, color))
    else:
        lines.append("  （报告中没有关键数字）")
    for w in digest.warnings:
        lines.append(_style("⚠ " + w, _YELLOW, color))
    from extract.llm.notices import source_note

    note = source_note(digest.sources)
    lines.append(_style(f"[{digest.backend}{'：' + note if note else ''}]", _DIM, color))
    if fixed := corrected_text(digest):
        lines.append("✏️ " + fixed)
    return "\n".join(lines)


# --- targets and period digests ---------------------------------------------------------------------


def _candidates(candidates: Sequence[County]) -> str:
    return "\n".join(f"  - {c.name}（{county_place(c, 'address') or '地区不详'}）" for c in candidates)


def render_targets_text(answer: TargetsAnswer) -> str:
    """A county's targets for the terminal (the bot renders its HTML from the same model)."""
    from bot.render import places

    if answer.status == "unknown":
        return places.unknown_text(answer.query, answer.suggestions, "countybot targets", lead="找不到")
    if answer.status == "ambiguous":
        return places.ambiguous_text(answer.query, answer.candidates, "countybot targets", buttons=False)
    assert answer.county is not None
    head = county_text(answer.county, "address")
    if answer.rollup is not None:
        return _rollup_text(answer)
    tail = f"\n\n{places.others_text(answer.others)}" if answer.others else ""
    if not answer.targets:
        if answer.reports:
            return f"{head}：已收录 {answer.reports} 篇报告，但其中没有目标类数字。" + tail
        return f"{head}：{places.no_reports_text(answer.county)}。" + tail
    lines = [f"{head}的重点目标：{len(answer.targets)} 项，来自 {answer.reports} 篇报告（新的在前）", ""]
    for i, t in enumerate(answer.targets, 1):
        _, number, what = figure_parts(t)  # 突破500亿元 / 下降3%, as written
        status = f"  【{t.status}】" if t.status else ""
        if t.period is None:
            status += "  【时期不详】"  # no year: never compared with a result (issue K)
        lines.append(f"{i}. {number}" + (f"  {what}" if what else "") + status)
        if t.status_note and t.status != "无后续数据":
            lines.append(f"   {t.status_note}")
        meta = " ".join(
            p
            for p in (
                (date_words(None, t.report_date) if t.received_only else t.report_date.isoformat())
                if t.report_date
                else None,
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
    return "\n".join(lines) + tail


def _rollup_text(answer: TargetsAnswer) -> str:
    from bot.render import places

    assert answer.county is not None
    rollup = answer.rollup or []
    lines = [places.rollup_head(answer.county, rollup, answer.rollup_counties)]
    for line in rollup:
        items = "；".join(f"🎯 {s} {w}".rstrip() for s, w in places.rollup_items(line))
        more = f"（共 {line.total} 项）" if line.total > len(line.targets) else ""
        lines.append(f"  {line.county.name}：{items}{more}")
    return "\n".join(lines)


def render_period_text(pd: PeriodDigest) -> str:
    t = pd.totals
    fmt = "%Y-%m-%d %H:%M"
    zone = f" {pd.until.tzname()}" if pd.until.tzinfo else ""  # the CLI's times carry their zone
    lines = [
        f"{pd.since.strftime(fmt)} 至 {pd.until.strftime(fmt)}{zone}："
        f"{t.get('reports', 0)} 篇报告，{t.get('counties', 0)} 个县，{t.get('targets', 0)} 项目标",
    ]
    if not pd.groups:
        lines.append("这段时间没有收到报告。")
    for g in pd.groups:
        lines.append("")
        lines.append(f"■ {county_text(g.county, 'address') if g.county else '未识别县'}")
        for b in g.reports:
            when = date_words(b.published, b.received)
            lines.append(f"  · {b.title or f'报告 #{b.report_id}'}（{when}）")
            if b.summary:
                lines.append(f"    {b.summary}")
            for f in b.figures:
                estimated, number, words = figure_parts(f)
                shown = f"{estimated} {number}" if estimated else number
                mark = KIND_ICON.get(f.kind or "", "-")
                lines.append(f"    {mark} {shown}" + (f" {words}" if words else ""))
            if b.answered:  # the earlier targets this report answers (issue N)
                lines.append(f"    📈 {answered_line(b.answered)}")
    if pd.updates:
        lines += ["", "■ 目标完成情况更新", *[f"  {update_line(s)}" for s in pd.updates]]
    return "\n".join(lines)
