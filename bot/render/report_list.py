"""Text (terminal) and Telegram HTML for report lists: a chat's reports (/reports) and search results
(/search, countybot search). Pure: entries in, strings out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.render.common import date_words, one_line
from bot.render.html import esc

if TYPE_CHECKING:
    from bot.store.report_list import ReportEntry


STATUS_NAME = {"done": "", "duplicate": "重复", "failed": "失败", "pending": "处理中"}


def entry_line(r: ReportEntry) -> str:
    """ "2025-01-10 《政府工作报告》 大宁县" (plain text; escape for HTML)."""
    from bot.service_links import LINK_FILENAME

    # a link report that failed has no title; its stored filename is a marker, not a name (issue M)
    name = "链接" if r.filename == LINK_FILENAME else r.filename
    title = r.title or name or f"报告 #{r.id}"
    bits = [
        date_words(r.published, r.received),  # 日期不详 · 收到于 … when the report states no date
        f"《{one_line(title, 30)}》",
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
    q = esc(one_line(query, 30))
    if not entries:
        return f"没有找到包含「{q}」的报告（只查本聊天的报告和公开报告）。"
    lines = [f"<b>「{q}」</b>：找到 {len(entries)} 份报告（新的在前）", ""]
    for r in entries:
        lines.append(f"#{r.id} {esc(entry_line(r))}")
        if r.snippet:
            lines.append(f"   <i>{esc(one_line(r.snippet, 90))}</i>")
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
