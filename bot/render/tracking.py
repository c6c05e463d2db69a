"""Text (terminal) and Telegram HTML for a county's tracked targets (/track, countybot track): each target
with its result and verdict. Pure: models in, strings out. Report lists are in report_list.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.render.changes import STATUS_ICON
from bot.render.common import county_text, figure_number, one_line
from bot.render.export import _as_written  # 8%以上: the target as written, qualifier included
from bot.render.html import esc

if TYPE_CHECKING:
    from bot.queries.track import TrackAnswer
    from bot.track import TargetStatus, TrackedFigure


def _figure_meta(f: TrackedFigure) -> str:
    when = f.report_date.isoformat() if f.report_date else None
    if f.undated:  # never shown as if the report were dated the day it arrived
        when = f"日期不详 · 收到于 {when}" if when else "日期不详"
    bits = [
        when,
        f"《{one_line(f.title, 40)}》" if f.title else f"报告 #{f.report_id}",
        f"来源：{f.source}" if f.source else None,
    ]
    return " ".join(b for b in bits if b)


def _not_found(answer: TrackAnswer, command: str) -> str:
    from bot.render import places

    if answer.status == "unknown":
        return places.unknown_text(answer.query, answer.suggestions, command)
    return places.ambiguous_text(answer.query, answer.candidates, command, buttons=False)


def _head(answer: TrackAnswer) -> str:
    return county_text(answer.county, "address") if answer.county else answer.query


def track_text(answer: TrackAnswer) -> str:
    """`countybot track`: each tracked target, its result, both with dates and sources."""
    if answer.status != "ok":
        return _not_found(answer, "countybot track")
    head = _head(answer)
    if not answer.items:
        more = f"（{answer.untracked} 项目标尚无后续数据）" if answer.untracked else ""
        return f"{head}：还没有可以对照实际数字的目标{more}。"
    lines = [f"{head}：目标完成情况 {len(answer.items)} 项（新的时期在前）"]
    if answer.untracked:
        lines[0] += f"，另有 {answer.untracked} 项尚无后续数据"
    for s in answer.items:
        lines += ["", *_status_lines(s, html_mode=False)]
    return "\n".join(lines)


def _status_lines(s: TargetStatus, *, html_mode: bool) -> list[str]:
    e = esc if html_mode else str
    t = s.target
    label = t.label or s.metric
    head = f"{STATUS_ICON.get(s.status, '')} {s.period} {label}：{s.status}"
    lines = [f"<b>{e(head)}</b>" if html_mode else head]
    lines.append(f"   🎯 目标 {e(_as_written(t))}  {e(_figure_meta(t))}")
    if s.previous_text:
        lines.append(f"   ↪ {e(s.previous_text)}")
    if s.result is not None:
        r = s.result
        estimated = "预计 " if r.estimated else ""
        shown = figure_number(r)[0]  # 下降4.2% / 突破500亿元, as written
        lines.append(f"   ✅ 实际 {estimated}{e(shown)}  {e(_figure_meta(r))}")
    if s.estimate_text:
        lines.append(f"   ↪ {e(s.estimate_text)}")
    if s.conflict_text:
        lines.append(f"   ⚠️ {e(s.conflict_text)}")
    if s.note:
        lines.append(f"   {e(s.note)}")
    if html_mode:
        for f, mark in ((t, "🎯"), (s.result, "✅")):
            if f is not None and f.quote:
                lines.append(f"   <i>{mark}「{esc(one_line(f.quote, 70))}」</i>")
    else:
        for f in (t, s.result):
            if f is not None and f.quote:
                lines.append(f"   “{f.quote}”")
    return lines


def track_html(answer: TrackAnswer) -> str:
    if answer.status != "ok":
        return esc(_not_found(answer, "/track"))
    head = esc(county_text(answer.county) if answer.county else answer.query)
    if not answer.items:
        more = f"（{answer.untracked} 项目标尚无后续数据）" if answer.untracked else ""
        return f"<b>{head}</b>：还没有可以对照实际数字的目标{esc(more)}。发送 /targets 查看全部目标。"
    lines = [f"<b>{head}</b> 目标完成情况（{len(answer.items)} 项，新的时期在前）"]
    if answer.untracked:
        lines.append(f"另有 {answer.untracked} 项目标尚无后续数据（/targets 可见）。")
    for s in answer.items:
        lines += ["", *_status_lines(s, html_mode=True)]
    return "\n".join(lines)


def not_found_html(answer: TrackAnswer, command: str) -> str:
    return esc(_not_found(answer, command))
