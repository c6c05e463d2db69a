"""Text (terminal) and Telegram HTML for the analyst's answers: tracked targets, a chat's reports,
search results. Pure: models in, strings out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.render.changes import STATUS_ICON
from bot.render.common import county_text, date_words, figure_number
from bot.render.export import _as_written  # 8%以上: the target as written, qualifier included
from bot.render.html import esc
from extract.digest.summary import clip

if TYPE_CHECKING:
    from bot.queries.track import TrackAnswer
    from bot.store.analyst import ReportEntry
    from bot.track import TargetStatus, TrackedFigure

STATUS_NAME = {"done": "", "duplicate": "重复", "failed": "失败", "pending": "处理中"}


def _clip(text: str, limit: int) -> str:
    return clip(" ".join(text.split()), limit)  # never cut inside a number (as bot.render.html)


def _figure_meta(f: TrackedFigure) -> str:
    when = f.report_date.isoformat() if f.report_date else None
    if f.undated:  # never shown as if the report were dated the day it arrived
        when = f"日期不详 · 收到于 {when}" if when else "日期不详"
    bits = [
        when,
        f"《{_clip(f.title, 40)}》" if f.title else f"报告 #{f.report_id}",
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
                lines.append(f"   <i>{mark}「{esc(_clip(f.quote, 70))}」</i>")
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


# ---- report lists ----------------------------------------------------------------------------------


def entry_line(r: ReportEntry) -> str:
    """ "2025-01-10 《政府工作报告》 大宁县" (plain text; escape for HTML)."""
    from bot.service_links import LINK_FILENAME

    # a link report that failed has no title; its stored filename is a marker, not a name (issue M)
    name = "链接" if r.filename == LINK_FILENAME else r.filename
    title = r.title or name or f"报告 #{r.id}"
    bits = [
        date_words(r.published, r.received),  # 日期不详 · 收到于 … when the report states no date
        f"《{_clip(title, 30)}》",
        "、".join(r.counties) or "未识别县",
    ]
    if STATUS_NAME.get(r.status):
        bits.append(f"（{STATUS_NAME[r.status]}）")
    return " ".join(bits)


def reports_html(entries: Sequence[ReportEntry]) -> str:
    if not entries:
        return "本聊天还没有发送过报告。把报告全文或文件发给我即可。"
    lines = [f"<b>本聊天的报告</b>（最近 {len(entries)} 份，新的在前）", ""]
    # the report's own number (编号): what the buttons, /delete and /fix take, stable as reports come
    lines += [f"#{r.id} {esc(entry_line(r))}" for r in entries]
    lines += ["", "点下面的按钮：📄 再看摘要 · 🗑 删除；也可以发送 /delete 编号"]
    return "\n".join(lines)


def search_html(query: str, entries: Sequence[ReportEntry]) -> str:
    q = esc(_clip(query, 30))
    if not entries:
        return f"没有找到包含「{q}」的报告（只查本聊天的报告和公开报告）。"
    lines = [f"<b>「{q}」</b>：找到 {len(entries)} 份报告（新的在前）", ""]
    for r in entries:
        lines.append(f"#{r.id} {esc(entry_line(r))}")
        if r.snippet:
            lines.append(f"   <i>{esc(_clip(r.snippet, 90))}</i>")
    return "\n".join(lines)


def search_text(query: str, entries: Sequence[ReportEntry]) -> str:
    if not entries:
        return f"没有找到包含“{query}”的报告。"
    lines = [f"“{query}”：{len(entries)} 份报告"]
    for r in entries:
        lines.append(f"  #{r.id} {entry_line(r)}")
        if r.snippet:
            lines.append(f"     {r.snippet}")
    return "\n".join(lines)
