"""Telegram HTML for digests, targets answers and period digests, and a splitter for the 4096 limit.

Every piece of report text goes through `esc` (html.escape): reports contain `<`, `&` and quotes.
Only tags that open and close inside one rendered block are used, and `split_html` re-balances any
that a split would cut, so each chunk is valid Telegram HTML on its own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from bot.render.changes import answered_line, update_line
from bot.render.common import KIND_ICON, county_text, date_words, digest_order, figure_parts, rank_figures
from extract.digest.summary import clip
from extract.models import County, Digest, Figure

if TYPE_CHECKING:
    from bot.queries.period import PeriodDigest
    from bot.queries.targets import TargetItem, TargetsAnswer

__all__ = ["county_text", "rank_figures"]  # re-exported: the renderers' shared pieces live in common.py

MAX_MESSAGE = 4096  # Telegram's limit per message
KEY_FIGURES = 8  # figures shown in a digest before "show all"
KEY_FIGURES_MAX = 10  # a digest whose key figures are more shows up to this many
HIGHLIGHTS = 5  # rules and LLM both give ≤ 5 short highlights, most important first
HIGHLIGHT_CHARS = 90
SUMMARY_CHARS = 400


def esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def utf16_len(text: str) -> int:
    # Telegram counts UTF-16 code units: 🎯 is two
    return len(text.encode("utf-16-le")) // 2


def _clip(text: str, limit: int) -> str:
    # never cut inside a number: a clipped "28…" would show a figure the report never said
    return clip(" ".join(text.split()), limit)


def _day(d: date | None) -> str | None:
    return d.isoformat() if d else None


def figure_line(f: Figure | TargetItem, *, indent: str = "", icon: str | None = None) -> str:
    """ "🎯 <b>45亿元</b> 年度计划投资（2024年）"; `icon` for items that carry no kind (stored targets)."""
    icon = icon or KIND_ICON.get(f.kind or "", "▫️")  # type: ignore[union-attr]
    estimated, number, words = figure_parts(f)  # 预计, 突破500亿元 / 下降6.3%, the label after it
    line = f"{indent}{icon} " + (f"{estimated} " if estimated else "") + f"<b>{esc(number)}</b>"
    return line + (" " if words and not words.startswith("（") else "") + esc(words)


def hidden_figures(digest: Digest, limit: int = KEY_FIGURES) -> int:
    return max(0, len(digest.figures) - max(limit, min(digest.key_figures, KEY_FIGURES_MAX)))


def backend_text(backend: str, sources: dict[str, str] | None = None) -> str:
    """Which backend wrote the digest, and which parts the rules filled in (backend llm:<model>+rules)."""
    if backend.startswith("llm"):
        from extract.llm.notices import source_note

        model = backend.partition(":")[2].removesuffix("+rules")
        head = f"AI 摘要（{model}）" if model else "AI 摘要"
        note = source_note(sources or {})
        return f"{head}，{note}，数字均摘自原文" if note else f"{head}，数字均摘自原文"
    return "规则摘要（未使用 AI）"


def render_digest(
    digest: Digest,
    *,
    limit: int = KEY_FIGURES,
    notes: Sequence[str] = (),
    more_hint: bool = True,
    received: date | datetime | None = None,
) -> str:
    """Title, county, date and source, people, summary, highlights, key figures, warnings, backend.
    `received`: when the report reached us, shown only as 收到于 next to 日期不详."""
    from bot.render.places import corrected_text, no_county_text, place_line

    lines: list[str] = [f"<b>{esc(digest.title or '（无标题）')}</b>"]
    lines.append("📍 " + esc(place_line(digest, hint=True) if digest.counties else no_county_text(digest)))
    when = date_words(digest.published, received)
    meta = [x for x in (when, f"来源：{digest.source}" if digest.source else None) if x]
    lines.append("🗓 " + esc(" · ".join(meta)))
    if digest.url and digest.url.startswith(("http://", "https://")):  # issue M: the link it was read from
        import html

        lines.append(f'🔗 <a href="{html.escape(digest.url, quote=True)}">原文链接</a>')
    if digest.people:
        people = [f"{p.name}（{p.role}）" if p.role else p.name for p in digest.people[:3]]
        lines.append("👤 " + esc("；".join(people)))
    if digest.summary:
        lines += ["", esc(_clip(digest.summary, SUMMARY_CHARS))]
    if digest.highlights:
        lines += ["", "<b>要点</b>"]
        lines += [f"• {esc(_clip(h, HIGHLIGHT_CHARS))}" for h in digest.highlights[:HIGHLIGHTS]]
    if digest.figures:
        ranked = digest_order(digest)
        limit = max(limit, min(digest.key_figures, KEY_FIGURES_MAX))  # every key figure, ≤ 10
        lines += ["", "<b>关键数字</b>（🎯 目标 · ✅ 实际）"]
        lines += [figure_line(f) for f in ranked[:limit]]
        more = len(ranked) - limit
        if more > 0 and more_hint:
            lines.append(f"<i>……另有 {more} 个数字：点下方按钮或发送 /figures 查看全部</i>")
    if digest.warnings:
        lines.append("")
        lines += [f"⚠️ {esc(w)}" for w in digest.warnings[:5]]
    lines += ["", f"<i>{esc(backend_text(digest.backend, digest.sources))}</i>"]
    if fixed := corrected_text(digest):
        lines.append(f"✏️ {esc(fixed)}")
    for note in notes:
        lines.append(f"ℹ️ {esc(note)}")
    return "\n".join(lines)


def render_figures(digest: Digest) -> str:
    """The full list of figures of one report, with the clause each stands in."""
    lines = [f"<b>全部数字</b>：{esc(digest.title or '（无标题）')}", ""]
    if not digest.figures:
        lines.append("这份报告没有找到数字。")
    for f in digest_order(digest):
        lines.append(figure_line(f))
        if f.quote:
            lines.append(f"   <i>「{esc(_clip(f.quote, 80))}」</i>")
    return "\n".join(lines)


def _target_source(t: TargetItem) -> str:
    when = date_words(None, t.report_date) if t.received_only else _day(t.report_date)
    bits = [x for x in (when, t.report_title and f"《{_clip(t.report_title, 40)}》", t.source) if x]
    return " · ".join(bits)


AMBIGUOUS_SHOWN = 8


def render_targets(answer: TargetsAnswer, *, command: str = "/targets", buttons: bool = False) -> str:
    """`command`: the command the user can retry with (/targets, /follow); `buttons`: the reply carries
    choice buttons (bot/telegram/places.py)."""
    from bot.render import places

    if answer.status == "unknown":
        return esc(places.unknown_text(answer.query, answer.suggestions, command))
    if answer.status == "ambiguous":
        return esc(places.ambiguous_text(answer.query, answer.candidates, command, buttons=buttons))
    county = answer.county
    name = county_text(county) if county else answer.query
    if answer.rollup is not None and county is not None:
        return _rollup_html(answer, county)
    tail = ""
    if answer.others:
        tail += f"\n\nℹ️ {esc(places.others_text(answer.others))}"
    if county is not None and county.level == "city":
        each = f"发送 {command} {esc(county.name)} 各县，查看{places.level_word(county)}各县的目标"
        tail += f"\n\n{each}（每县一行）。"
    if not answer.targets:
        seen = (
            f"（已查看 {answer.reports} 份报告）"
            if answer.reports
            else f"（{places.no_reports_text(county) if county else '还没有收到关于它的报告'}）"
        )
        return f"<b>{esc(name)}</b> 暂无记录的目标{seen}。" + tail
    lines = [f"<b>{esc(name)}</b> 的重点目标（来自 {answer.reports} 份报告，最新在前）", ""]
    for t in answer.targets:
        lines.append(
            figure_line(t, icon=KIND_ICON["target"])
            + (f" · <b>{esc(t.status)}</b>" if t.status else "")
            + (" · 时期不详" if t.period is None else "")  # no year: never compared (issue K)
        )
        if t.status_note and t.status != "无后续数据":
            lines.append(f"   {esc(t.status_note)}")
        if t.quote:
            lines.append(f"   <i>「{esc(_clip(t.quote, 80))}」</i>")
        if t.earlier:
            lines.append(f"   ↪ 此前：{esc('；'.join(t.earlier))}")
        src = _target_source(t)
        if src:
            lines.append(f"   <i>{esc(src)}</i>")
    return "\n".join(lines) + tail


def _rollup_html(answer: TargetsAnswer, place: County) -> str:
    from bot.render import places

    rollup = answer.rollup or []
    lines = [f"<b>{esc(places.rollup_head(place, rollup, answer.rollup_counties))}</b>"]
    if rollup:
        lines.append("")
    for line in rollup:
        items = "；".join(
            f"{KIND_ICON['target']} <b>{esc(surface)}</b> {esc(words)}".rstrip()
            for surface, words in places.rollup_items(line)
        )
        more = f"（共 {line.total} 项）" if line.total > len(line.targets) else ""
        lines.append(f"• <b>{esc(line.county.name)}</b>：{items}{more}")
    return "\n".join(lines)


def _when(dt: datetime, tz: tzinfo | None) -> str:
    return (dt.astimezone(tz) if tz else dt).strftime("%m-%d %H:%M")


def render_period(
    digest: PeriodDigest, *, title: str = "过去 24 小时的报告", tz: tzinfo | None = None, per_report: int = 3
) -> str:
    t = digest.totals
    lines = [
        f"<b>📰 {esc(title)}</b>",
        f"{_when(digest.since, tz)} — {_when(digest.until, tz)}："
        f"{t.get('reports', 0)} 份报告 · {t.get('counties', 0)} 个县 · {t.get('targets', 0)} 个目标",
    ]
    for group in digest.groups:
        lines += ["", f"<b>📍 {esc(county_text(group.county)) if group.county else '未识别县'}</b>"]
        for r in group.reports:
            meta = " · ".join(x for x in (date_words(r.published, r.received), r.source) if x)
            head = f"▪️ <b>{esc(r.title or '（无标题）')}</b>"
            lines.append(head + (f"（{esc(meta)}）" if meta else ""))
            if r.summary:
                lines.append(esc(_clip(r.summary, 200)))
            lines += [figure_line(f, indent="   ") for f in r.figures[:per_report]]
            if r.answered:  # what the report changed: the same line as under its digest
                lines.append(f"   📈 {esc(answered_line(r.answered))}")
    if digest.updates:
        lines += ["", "<b>📈 目标完成情况更新</b>"]
        lines += [esc(update_line(s)) for s in digest.updates]
        lines.append("发送 /track 县名 查看对照详情。")
    return "\n".join(lines)


# --- splitting ---------------------------------------------------------------------------------

# a tag, an entity, a newline, or one character: the units a split may fall between
_ATOM = re.compile(r"<[^<>]*>|&#?\w+;|\n|.", re.S)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)")


def _closers(stack: Sequence[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _openers(stack: Sequence[tuple[str, str]]) -> str:
    return "".join(tag for _, tag in stack)


def split_html(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split Telegram HTML into chunks of at most `limit` UTF-16 units (tags included, so the
    real text is shorter still). Cuts at the last line break that fits; a line longer than a whole
    message is cut between characters. Never inside a tag or an entity: tags open at a cut are
    closed at the end of the chunk and reopened at the start of the next."""
    atoms = _ATOM.findall(text)
    chunks: list[str] = []
    stack: list[tuple[str, str]] = []
    buf: list[str] = []
    size = 0  # utf16 size of prefix + buf
    prefix = ""
    last_break: tuple[int, int, list[tuple[str, str]]] | None = None  # atom index, len(buf), stack
    i = 0

    def flush(parts: list[str], open_tags: list[tuple[str, str]]) -> None:
        body = "".join(parts).strip("\n")
        if body.strip():
            chunks.append(prefix + body + _closers(open_tags))

    while i < len(atoms):
        atom = atoms[i]
        new_stack = stack
        m = _TAG.match(atom) if atom.startswith("<") else None
        if m:
            name = m.group(2).lower()
            if m.group(1):
                new_stack = stack[:-1] if stack and stack[-1][0] == name else stack
            else:
                new_stack = [*stack, (name, atom)]
        need = size + utf16_len(atom) + utf16_len(_closers(new_stack))
        if need > limit and buf:
            if last_break is not None:
                at, cut, snap = last_break
                flush(buf[:cut], snap)
                stack, i = list(snap), at + 1
            else:
                flush(buf, stack)
            prefix = _openers(stack)
            buf, size, last_break = [], utf16_len(prefix), None
            continue
        stack = new_stack
        if atom == "\n":
            last_break = (i, len(buf), list(stack))
        buf.append(atom)
        size += utf16_len(atom)
        i += 1
    flush(buf, stack)
    return chunks


def html_to_plain(text: str) -> str:
    """The same message without markup, for when Telegram rejects the HTML."""
    return html.unescape(re.sub(r"<[^<>]*>", "", text))
