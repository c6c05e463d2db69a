"""Targets and results over time as a PNG for a phone screen (matplotlib, Agg backend, no display).

One small panel per headline metric (at most six): the target as a hollow diamond, the result as a filled
circle, both in the status colour (已完成 green, 接近目标 amber, 未完成 red, 进行中 blue, 无后续数据 grey);
an earlier value of a revised target as a small grey diamond. Emoji (🎯/✅) are not in CJK fonts, so the
legend says 目标/实际 next to the two marker shapes. The title names the county, its city and province;
the dates, titles and sources of the reports used are in small print at the bottom.

Chinese is set in WenQuanYi Micro Hei from the `paperang-p2-fonts-cjk` wheel (a project dependency), added
to matplotlib's font manager by file path: nothing is downloaded and no system font is assumed.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot-free figure creation touches a backend; there is never a display

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

from bot.render.common import figure_number
from bot.track import STATUSES, Status, TargetStatus, TrackedFigure, match_targets, metric_key
from bot.track_periods import parse_period, report_day
from extract.models import Script

FONT_PACKAGE = "paperang_p2_fonts_cjk"
FONT_FILE = "fonts/wqy-microhei.ttc"
FONT_FAMILY = "WenQuanYi Micro Hei"

COLORS: dict[Status, str] = {
    "已完成": "#1a9850",
    "接近目标": "#e08a00",
    "未完成": "#d73027",
    "进行中": "#4575b4",
    "无后续数据": "#8c8c8c",
}
RESULT_ONLY = "#333333"  # a result with no target for its period
MAX_METRICS = 6
OFFSET = 0.18  # x offset (in period columns) of a target and a result drawn for the same period
WIDTH_PX = 1080
DPI = 100
# Metrics shown first when a county has more than MAX_METRICS (folded keys, see bot.track.metric_key).
HEADLINE = (
    "地区生产总值增长",
    "一般公共预算收入增长",
    "固定资产投资增长",
    "社会消费品零售总额增长",
    "规模以上工业增加值增长",
    "城镇居民人均可支配收入增长",
    "农村居民人均可支配收入增长",
    "城镇调查失业率",
)


def font_path() -> Path:
    path = Path(str(files(FONT_PACKAGE).joinpath(FONT_FILE)))
    if not path.is_file():  # a broken install, not a user error
        raise RuntimeError(f"CJK font missing: {path} (reinstall the project's dependencies)")
    return path


@cache
def _register_font() -> str:
    font_manager.fontManager.addfont(str(font_path()))
    return FONT_FAMILY


@dataclass
class _Point:
    x: str  # period text
    order: int  # for sorting periods on the x axis
    value: float
    text: str  # as written, with its qualifier
    kind: str  # "target", "result", "previous"
    color: str


@dataclass
class _Panel:
    key: str
    unit: str
    title: str
    points: list[_Point]


def _written(f: TrackedFigure) -> str:
    return figure_number(f)[0]  # 突破500亿元 / 8%以上 / 下降6.3%, as the report writes it


def _scale(unit: str, values: Sequence[float]) -> tuple[float, str]:
    biggest = max((abs(v) for v in values), default=0.0)
    if unit in ("%", "个百分点", "‰") or unit.startswith(("万", "亿")):
        return 1.0, unit
    if biggest >= 1e8:
        return 1e8, "亿" + unit
    if biggest >= 1e4:
        return 1e4, "万" + unit
    return 1.0, unit


def _period_of(f: TrackedFigure) -> tuple[str, int] | None:
    p = parse_period(f.period, f.when) if f.period else None  # an undated report resolves nothing
    if p is None and f.kind == "target" and f.when:
        p = parse_period(f"{f.when.year}年")
    return (p.text(), p.year * 100 + p.last) if p else None


def _panels(statuses: Sequence[TargetStatus], extra: Sequence[TrackedFigure]) -> list[_Panel]:
    panels: dict[tuple[str, str], _Panel] = {}
    for s in statuses:
        panel = panels.setdefault(
            (s.metric, s.target.unit), _Panel(s.metric, s.target.unit, s.target.label or s.metric, [])
        )
        p = parse_period(s.period)
        order = p.year * 100 + p.last if p else 0
        color = COLORS[s.status]
        panel.points.append(_Point(s.period, order, s.target.value, _written(s.target), "target", color))
        for prev in s.previous:
            panel.points.append(
                _Point(s.period, order, prev.value, _written(prev), "previous", COLORS["无后续数据"])
            )
        if s.result is not None and (rp := _period_of(s.result)):
            panel.points.append(_Point(rp[0], rp[1], s.result.value, _written(s.result), "result", color))
    shown = {(p.kind, p.x, p.value) for panel in panels.values() for p in panel.points}
    for f in extra:  # results over time that decided no target: drawn in dark grey
        key = metric_key(f.label, f.county)
        panel = panels.get((key or "", f.unit))
        rp = _period_of(f)
        if f.kind == "result" and panel is not None and rp and ("result", rp[0], f.value) not in shown:
            shown.add(("result", rp[0], f.value))
            panel.points.append(_Point(rp[0], rp[1], f.value, _written(f), "result", RESULT_ONLY))
    return list(panels.values())


def _result_panels(figs: Sequence[TrackedFigure]) -> list[_Panel]:
    """A county with results but no targets: each metric's results over time (one point per period)."""
    panels: dict[tuple[str, str], _Panel] = {}
    seen: set[tuple[str, str, str, float]] = set()
    for f in figs:
        key = metric_key(f.label, f.county)
        rp = _period_of(f)
        if f.kind != "result" or key is None or rp is None or (key, f.unit, rp[0], f.value) in seen:
            continue
        seen.add((key, f.unit, rp[0], f.value))
        panel = panels.setdefault((key, f.unit), _Panel(key, f.unit, f.label or key, []))
        panel.points.append(_Point(rp[0], rp[1], f.value, _written(f), "result", RESULT_ONLY))
    return list(panels.values())


def _pick(panels: list[_Panel], limit: int) -> list[_Panel]:
    def rank(p: _Panel) -> tuple[int, int, int]:
        head = HEADLINE.index(p.key) if p.key in HEADLINE else len(HEADLINE)
        results = sum(1 for x in p.points if x.kind == "result")
        return (head, -results, -len(p.points))

    return sorted(panels, key=rank)[:limit]


def _place(county_title: str, rows: Sequence[TrackedFigure]) -> str:
    for r in rows:
        where = "".join(x for x in (r.province, r.city) if x and x != r.county and x not in county_title)
        if where:
            return f"{county_title}（{where}）"
    return county_title


def _sources(rows: Sequence[TrackedFigure], limit: int = 6) -> list[str]:
    seen: dict[int, TrackedFigure] = {}
    for r in rows:
        seen.setdefault(r.report_id, r)
    ordered = sorted(seen.values(), key=lambda r: (r.when is None, r.when or date.min, r.report_id))
    lines = []
    for r in ordered:
        when = report_day(r.when, r.report_date)  # 日期不详 · 收到于 … for an undated report
        what = f"《{r.title}》" if r.title else f"报告 #{r.report_id}"
        lines.append(" ".join(x for x in (when, what, f"来源：{r.source}" if r.source else "") if x))
    if len(lines) > limit:
        lines = [*lines[: limit - 1], f"……另有 {len(lines) - limit + 1} 篇报告"]
    return lines


def build_figure(
    county_title: str,
    items: Sequence[TargetStatus] | Sequence[TrackedFigure],
    *,
    max_metrics: int = MAX_METRICS,
    width_px: int = WIDTH_PX,
    more_hint: str = "/track",
    script: Script = "simplified",
) -> Figure:
    """The chart as a matplotlib Figure (tests inspect its text); `render_chart` makes the PNG."""
    family = _register_font()
    figs = [x for x in items if isinstance(x, TrackedFigure)]
    statuses = [x for x in items if isinstance(x, TargetStatus)] or match_targets(figs)
    rows: list[TrackedFigure] = list(figs) or [
        f for s in statuses for f in (s.target, *s.previous, *([s.result] if s.result else []))
    ]
    every = _panels(statuses, figs)
    results_only = not every  # no target: the results over time instead of an empty frame
    if results_only:
        every = _result_panels(rows)
    panels = _pick(every, max_metrics)
    left_out = len(every) - len(panels)
    cols = 1 if len(panels) <= 2 else 2
    nrows = max(1, -(-len(panels) // cols))
    sources = _sources(rows)
    wrap = 40 if cols == 1 else 44
    foot = [line for s in sources for line in textwrap.wrap(s, wrap)] or ["（无来源）"]
    if left_out:  # the metrics without a panel, and where to read them
        where = f"，见 {more_hint}" if more_hint and not results_only else ""
        foot.insert(0, f"另有 {left_out} 项未画出{where}")
    head_in, panel_in, foot_in = 1.9, 3.3, 0.45 + 0.26 * len(foot)
    height = head_in + nrows * panel_in + foot_in
    fig = Figure(figsize=(width_px / DPI, height), dpi=DPI)
    fig.patch.set_facecolor("white")
    font = {"family": family}

    dates = sorted(r.when for r in rows if r.when)  # the reports' own dates: the day one came is none
    ends = dict.fromkeys(d.isoformat() for d in dates[:1] + dates[-1:])  # one date shown once
    span = " 至 ".join(ends) or "报告日期不详"
    fig.text(
        0.03,
        1 - 0.45 / height,
        f"{_place(county_title, rows)} " + ("实际数字变化" if results_only else "目标与实际"),
        fontsize=27,
        va="center",
        parse_math=False,
        **font,
    )
    fig.text(
        0.03,
        1 - 0.95 / height,
        f"{span} · {len({r.report_id for r in rows})} 篇报告",
        fontsize=17,
        color="#555555",
        va="center",
        parse_math=False,
        **font,
    )
    present = [s for s in STATUSES if any(x.status == s for x in statuses)] or list(STATUSES)
    handles = [
        Line2D([], [], marker="D", ls="", ms=13, mfc="white", mec="#333333", mew=2.5, label="目标"),
        Line2D([], [], marker="o", ls="", ms=13, color="#333333", label="实际"),
        *[Patch(color=COLORS[s], label=s) for s in present],
    ]
    if results_only:  # no target, no status: only the result's marker
        handles = handles[1:2]
    fig.legend(
        handles=handles,
        loc="center left",
        bbox_to_anchor=(0.02, 1 - 1.45 / height),
        ncol=len(handles),
        frameon=False,
        prop={"family": family, "size": 15},
        handletextpad=0.3,
        columnspacing=0.9,
    )

    if not panels:
        fig.text(
            0.5,
            1 - (head_in + panel_in / 2) / height,
            "暂无可对照的目标",
            ha="center",
            fontsize=22,
            color="#555555",
            **font,
        )
    else:
        grid = fig.add_gridspec(
            nrows,
            cols,
            left=0.08,
            right=0.97,
            top=1 - (head_in + 0.35) / height,
            bottom=(foot_in + 0.35) / height,
            hspace=0.75,
            wspace=0.28,
        )
        for i, panel in enumerate(panels):
            _draw_panel(fig.add_subplot(grid[i // cols, i % cols]), panel, family)

    y = (foot_in - 0.3) / height
    for line in foot:
        fig.text(0.03, y, line, fontsize=12, color="#666666", va="top", parse_math=False, **font)
        y -= 0.26 / height
    if script == "traditional":  # every text drawn (titles, legend, ticks, labels, sources) in its script
        from extract.text.script import to_script

        for text in fig.findobj(Text):
            if text.get_text():
                text.set_text(to_script(text.get_text(), "traditional"))
    return fig


def _draw_panel(ax: Axes, panel: _Panel, family: str) -> None:
    factor, unit = _scale(panel.unit, [p.value for p in panel.points])
    xs = sorted({(p.order, p.x) for p in panel.points})
    pos = {x: i for i, (_, x) in enumerate(xs)}
    styles = {
        "target": {"marker": "D", "s": 170, "facecolors": "white", "linewidths": 3, "zorder": 3},
        "previous": {"marker": "D", "s": 80, "facecolors": "white", "linewidths": 2, "zorder": 2},
        "result": {"marker": "o", "s": 190, "linewidths": 0, "zorder": 4},
    }
    # a target and a result of the same period sit side by side, never on top of each other
    kinds: dict[str, set[bool]] = {}
    for p in panel.points:
        kinds.setdefault(p.x, set()).add(p.kind == "result")
    both = {x for x, k in kinds.items() if len(k) == 2}
    for p in panel.points:
        x, y = pos[p.x], p.value / factor
        if p.x in both:
            x += OFFSET if p.kind == "result" else -OFFSET
        style = dict(styles[p.kind])
        if p.kind == "result":
            style["c"] = p.color
        else:
            style["edgecolors"] = p.color
        ax.scatter([x], [y], **style)
        dx = -0.12 if p.kind != "result" else 0.12
        ax.annotate(
            ("此前 " if p.kind == "previous" else "") + p.text,
            (x, y),
            xytext=(dx * 100, 10),
            textcoords="offset points",
            ha="right" if dx < 0 else "left",
            fontsize=13,
            color=p.color,
            family=family,
            parse_math=False,
        )
    ax.set_xticks(range(len(xs)), [x for _, x in xs], fontsize=13, family=family)
    ax.set_xlim(-0.6, len(xs) - 0.4)
    ax.margins(y=0.35)
    lim = ax.get_ylim()  # tick labels are set here, in the CJK font, rather than made at draw time
    ticks = [t for t in ax.get_yticks() if lim[0] <= t <= lim[1]]
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks], fontsize=13, family=family)
    ax.set_ylim(lim)
    title = panel.title if len(panel.title) <= 14 else panel.title[:13] + "…"
    ax.set_title(f"{title}（{unit}）", fontsize=17, family=family, loc="left", parse_math=False)
    ax.grid(axis="y", color="#e5e5e5")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def render_chart(
    county_title: str,
    items: Sequence[TargetStatus] | Sequence[TrackedFigure],
    *,
    max_metrics: int = MAX_METRICS,
    width_px: int = WIDTH_PX,
    more_hint: str = "/track",
    script: Script = "simplified",
) -> bytes:
    """PNG bytes, `width_px` wide (Telegram sendPhoto or `countybot chart -o out.png`). `more_hint`: where
    the metrics left out are listed; `script`: the chat's."""
    fig = build_figure(
        county_title, items, max_metrics=max_metrics, width_px=width_px, more_hint=more_hint, script=script
    )
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    return buf.getvalue()
