"""Report text -> page pictures, as a printer and a phone would make them (for the OCR eval, tests and
bench): A4 pages set in the project's CJK font (WenQuanYi Micro Hei from `paperang-p2-fonts-cjk`),
indented paragraphs, a running header and a page number, one or two columns; then what a scan or a
photo does to them: a small rotation, a photo-like perspective, sensor noise, JPEG at quality 60.
Deterministic for a given seed."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from importlib import resources

A4 = (1240, 1754)  # pixels at 150 dpi


@dataclass(frozen=True, slots=True)
class Style:
    font_px: int = 30  # 30 px at 150 dpi ≈ 14 pt
    columns: int = 1
    rotate: float = 0.0  # degrees
    perspective: float = 0.0  # how far the corners move, as a share of the page (0.03: a hand-held photo)
    noise: float = 0.0  # standard deviation of added grey noise (0-255)
    jpeg: int | None = None  # JPEG quality; None: PNG
    header: str | None = None  # running header (repeated on each page)
    page_numbers: bool = True

    @property
    def name(self) -> str:
        bits = [f"{self.font_px}px", f"{self.columns}col"]
        if self.rotate:
            bits.append(f"rot{self.rotate:+g}")
        if self.perspective:
            bits.append("photo")
        if self.noise:
            bits.append("noise")
        if self.jpeg:
            bits.append(f"q{self.jpeg}")
        return "-".join(bits)


STYLES: tuple[Style, ...] = (
    Style(font_px=30),
    Style(font_px=24, rotate=2.5, noise=8, jpeg=60, header="县人民政府办公室"),
    Style(font_px=36, rotate=-3.0, jpeg=60),
    Style(font_px=26, columns=2, header="政府工作报告"),
    Style(font_px=30, perspective=0.03, noise=10, jpeg=60, rotate=1.0),
)


def font_path() -> str:
    return str(resources.files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc")


def _wrap(text: str, font, width: int, indent: int) -> list[str]:
    lines, line, room = [], "", width - indent
    for ch in text:
        if font.getlength(line + ch) > room and line:
            lines.append(line)
            line, room = "", width
        line += ch
    if line:
        lines.append(line)
    return lines


def render_pages(text: str, style: Style = Style(), *, size: tuple[int, int] = A4) -> list[bytes]:
    """The text (one paragraph per line) set on as many pages as it takes; each page's picture bytes."""
    return [picture for picture, _ in render_with_text(text, style, size=size)]


def render_with_text(
    text: str, style: Style = Style(), *, size: tuple[int, int] = A4
) -> list[tuple[bytes, str]]:
    """Each page's picture and the text set on it (a paragraph split by a page break is continued on
    the next page's text without a line break, so joining the pages' texts gives the paragraphs)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_path(), style.font_px)
    small = ImageFont.truetype(font_path(), max(16, style.font_px * 2 // 3))
    w, h = size
    margin_x, margin_top, margin_bottom = int(w * 0.1), int(h * 0.09), int(h * 0.09)
    gutter = int(w * 0.05)
    col_w = (w - 2 * margin_x - gutter * (style.columns - 1)) // style.columns
    pitch = int(style.font_px * 1.6)
    per_col = (h - margin_top - margin_bottom) // pitch
    rows: list[str] = []
    para_of: list[int] = []
    for n, para in enumerate(p.strip() for p in text.split("\n")):
        if para:
            wrapped = _wrap(para, font, col_w, 2 * style.font_px)
            rows += ["\u3000\u3000" + wrapped[0], *wrapped[1:]]
            para_of += [n] * len(wrapped)
    per_page = per_col * style.columns
    pages = []
    for n, start in enumerate(range(0, len(rows), per_page), start=1):
        img = Image.new("L", size, 255)
        draw = ImageDraw.Draw(img)
        for i, row in enumerate(rows[start : start + per_page]):
            col, r = divmod(i, per_col)
            x = margin_x + col * (col_w + gutter)
            x += 0 if not row.startswith("\u3000") else 2 * style.font_px
            draw.text((x, margin_top + r * pitch), row.lstrip("\u3000"), font=font, fill=0)
        if style.header:
            hw = small.getlength(style.header)
            draw.text(((w - hw) / 2, margin_top // 3), style.header, font=small, fill=60)
        if style.page_numbers:
            label = f"— {n} —"
            draw.text(((w - small.getlength(label)) / 2, h - margin_bottom // 2), label, font=small, fill=0)
        said, last = "", None
        for i in range(start, min(len(rows), start + per_page)):
            said += ("\n" if last is not None and para_of[i] != last else "") + rows[i].lstrip("\u3000")
            last = para_of[i]
        if start and para_of[start] != para_of[start - 1]:
            said = "\n" + said  # the page opens a new paragraph
        pages.append((_degrade(img, style, seed=n), said))
    return pages


def _degrade(img, style: Style, *, seed: int) -> bytes:
    import numpy as np
    from PIL import Image

    rnd = random.Random(seed)
    if style.rotate:
        img = img.rotate(style.rotate, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=235)
    if style.perspective:
        w, h = img.size
        d = style.perspective
        quad = []
        # QUAD takes the source's upper-left, lower-left, lower-right and upper-right corners
        for cx, cy in ((0, 0), (0, h), (w, h), (w, 0)):
            quad += [cx + rnd.uniform(-d, d) * w, cy + rnd.uniform(-d, d) * h]
        img = img.transform(
            (w, h), Image.Transform.QUAD, quad, resample=Image.Resampling.BICUBIC, fillcolor=90
        )
    if style.noise:
        arr = np.asarray(img, dtype=np.float32)
        arr = arr + np.random.default_rng(seed).normal(0, style.noise, arr.shape)
        img = Image.fromarray(arr.clip(0, 255).astype(np.uint8))
    out = io.BytesIO()
    if style.jpeg:
        img.convert("RGB").save(out, "JPEG", quality=style.jpeg)
    else:
        img.save(out, "PNG")
    return out.getvalue()
