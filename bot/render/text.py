"""A digest as terminal text: county, date, source, summary, highlights and key figures.

Plain string building (ANSI colour optional) rather than rich, so `countybot summarize`
starts fast.
"""

from __future__ import annotations

import unicodedata

from extract.models import Digest, Figure

MARKS = {"target": "🎯", "result": "✅", None: "·"}
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


def _place(digest: Digest) -> str:
    parts = []
    for c in digest.counties:
        where = "，".join(x for x in (c.city, c.province) if x and x != c.name)
        parts.append(f"{c.name}（{where}）" if where else c.name)
    return "、".join(parts)


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _figure_line(f: Figure, width: int, color: bool) -> str:
    mark = MARKS.get(f.kind, "·")
    surface = f.surface + " " * (width - display_width(f.surface))
    if f.kind == "target":
        surface = _style(surface, _CYAN, color)
    elif f.kind == "result":
        surface = _style(surface, _GREEN, color)
    label = f.label or ""
    extra = f"（{f.period}）" if f.period and f.period not in label else ""
    return f"  {mark} {surface}  {label}{_style(extra, _DIM, color)}".rstrip()


def render_digest_text(digest: Digest, *, color: bool) -> str:
    lines: list[str] = []
    if digest.title:
        lines.append(_style(digest.title, _BOLD, color))
    meta = []
    if digest.counties:
        meta.append("📍 " + _place(digest))
    meta.append("📅 " + (digest.published.isoformat() if digest.published else "日期不详"))
    if digest.source:
        meta.append("来源：" + digest.source)
    lines.append("  ".join(meta))
    if digest.people:
        people = "、".join(f"{p.name}（{p.role}）" if p.role else p.name for p in digest.people)
        lines.append("👤 " + people)
    if digest.summary:
        lines += ["", _style("摘要", _BOLD, color), "  " + digest.summary]
    if digest.highlights:
        lines += ["", _style("要点", _BOLD, color)]
        lines += [f"  • {h}" for h in digest.highlights]
    lines += ["", _style("关键数字", _BOLD, color) + _style("  🎯 目标 ✅ 结果 · 未定", _DIM, color)]
    if digest.figures:
        shown = sorted(
            digest.figures, key=lambda f: ({"target": 0, "result": 1}.get(f.kind or "", 2), f.start)
        )
        shown = shown[:MAX_FIGURES]
        width = max(display_width(f.surface) for f in shown)
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
    return "\n".join(lines)
