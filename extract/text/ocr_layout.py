"""OCR boxes -> text in reading order, one paragraph per line (pure geometry, no OCR engine here).

Per page: page numbers and the running header/footer (a short line at the top or bottom repeated on
other pages) are dropped; a two-column page is split at its gutter (the widest x-range in the middle
that no narrow box crosses) and read left column then right, lines that span both (titles) where they
stand; boxes on one baseline become a line. Lines are joined into paragraphs the way Chinese text wraps:
a line continues the paragraph unless it ends a sentence (。！？；：and closing quotes), stops short of
the column's right edge, or the next line is indented, starts a heading or list marker (一、 （二） 3.
第四章 ●) or follows a wide vertical gap. The same rule carries a paragraph across columns and pages.

Every character keeps the recogniser's confidence (1.0 for spaces and line ends added here), so the
numbers read with low confidence can be listed with the text around them.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

_SENTENCE_END = tuple("。！？!?；;：:”」』）)")
_MARKER = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[、.．](?!\d)"
    r"|第[一二三四五六七八九十百\d]{1,4}[章节部分条篇]|[■●◆▲•·★☆□○◎]|[①-⑳])"
)
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－一_·.．]*(?:第\s*)?[0-9]{1,4}(?:\s*页)?(?:\s*[/／]\s*[0-9]{1,4}|\s*共\s*[0-9]{1,4}\s*页)?"
    r"[\s\-—–－一_·.．]*$"
)
# a number with what belongs to it (a unit % is read like a digit: 6.6% can lose its point or its %)
_NUMBER = re.compile(r"[0-9][0-9.．,，]*[0-9][%％]?|[0-9][%％]?")
_NUMBER_PART = re.compile(r"[0-9.．%％]")
_NUMERAL = re.compile(r"[0-9零〇一二两三四五六七八九十百千万亿]")
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
BAND = 0.08  # top and bottom share of the page where headers, footers and page numbers stand


@dataclass(slots=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    confs: list[float]

    @property
    def h(self) -> float:
        return self.y1 - self.y0

    @property
    def yc(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def em(self) -> float:
        """Type size from the width: a CJK character is one em wide, others about half."""
        wide = sum(1 for ch in self.text if _CJK.match(ch))
        return (self.x1 - self.x0) / max(1.0, wide + 0.5 * (len(self.text) - wide))


@dataclass(slots=True)
class PageLayout:
    width: int
    height: int
    boxes: list[Box]


@dataclass(slots=True)
class _Line:
    boxes: list[Box]
    x0: float = 0.0
    x1: float = 0.0
    y0: float = 0.0
    y1: float = 0.0
    text: str = ""
    confs: list[float] = field(default_factory=list)

    def close(self) -> _Line:
        self.boxes.sort(key=lambda b: b.x0)
        h = statistics.median(b.h for b in self.boxes)
        text, confs = "", []
        prev: Box | None = None
        for b in self.boxes:
            if prev is not None:
                gap = b.x0 - prev.x1
                ascii_pair = prev.text[-1:].isascii() and b.text[:1].isascii()
                if gap > 1.5 * h or (ascii_pair and gap > 0.3 * h):
                    text += " "
                    confs.append(1.0)
            text += b.text
            confs += b.confs
            prev = b
        self.text, self.confs = text, confs
        self.x0 = min(b.x0 for b in self.boxes)
        self.x1 = max(b.x1 for b in self.boxes)
        self.y0 = min(b.y0 for b in self.boxes)
        self.y1 = max(b.y1 for b in self.boxes)
        return self


@dataclass(slots=True)
class _Block:
    """A run of lines read top to bottom (a column segment, or one page's full-width text)."""

    lines: list[_Line]
    left: float = 0.0
    right: float = 0.0
    em: float = 1.0
    pitch: float = 1.0

    def measure(self) -> _Block:
        body = [ln for ln in self.lines if len(ln.text) >= 6] or self.lines
        lefts = sorted(ln.x0 for ln in body)
        rights = sorted(ln.x1 for ln in body)
        self.left = lefts[int(0.1 * (len(lefts) - 1))]
        self.right = rights[int(0.9 * (len(rights) - 1))]
        self.em = statistics.median(ln.y1 - ln.y0 for ln in self.lines) / 1.15 or 1.0
        gaps = [b.y0 - a.y0 for a, b in zip(self.lines, self.lines[1:], strict=False) if b.y0 > a.y0]
        self.pitch = statistics.median(gaps) if gaps else 1.6 * self.em
        return self


@dataclass(slots=True)
class Laid:
    text: str
    confs: list[float]
    page_texts: list[str]
    # (offset, risky) of each join of two OCR lines; risky: a line may be missing there (a column or
    # page break, a gap wider than the line pitch)
    joins: list[tuple[int, bool]] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        return sum(self.confs) / len(self.confs) if self.confs else 0.0

    def unsure_numbers(self, threshold: float) -> list[tuple[str, str, str]]:
        """(text before, number, text after) for each number with a character read below threshold."""
        out = []
        for m in _NUMBER.finditer(self.text):
            if min(self.confs[m.start() : m.end()]) < threshold:
                before = self.text[max(0, m.start() - 6) : m.start()].rsplit("\n", 1)[-1]
                after = self.text[m.end() : m.end() + 4].split("\n", 1)[0]
                out.append((before, m.group(), after))
        # a number next to a line join may be made of two lines' pieces (a line the detector missed
        # between them, or a page's first line lost): ("", "", "") with the text around the join
        # and a number broken across lines ("增长6" / ".6%"): a line's first or last character (a
        # decimal point) is where the detector most often cuts, so 6.6% can read as 66%
        for j, risky in self.joins:
            near = self.text[max(0, j - 2) : j + 2]
            split = (
                j > 0 and _NUMBER_PART.match(self.text[j - 1]) and _NUMBER_PART.match(self.text[j : j + 1])
            )
            if (risky and _NUMERAL.search(near)) or split:
                out.append((self.text[max(0, j - 6) : j], "", self.text[j : j + 6]))
        return out


def _lines(boxes: list[Box]) -> list[_Line]:
    """Boxes on one baseline -> a line (a box joins when its centre is within half a line height)."""
    lines: list[_Line] = []
    for b in sorted(boxes, key=lambda b: (b.yc, b.x0)):
        for ln in reversed(lines[-3:]):
            lh = statistics.median(x.h for x in ln.boxes)
            yc = statistics.median(x.yc for x in ln.boxes)
            apart = all(b.x0 >= x.x1 - 0.3 * lh or b.x1 <= x.x0 for x in ln.boxes)  # side by side
            if abs(b.yc - yc) < 0.5 * min(lh, b.h) and apart:
                ln.boxes.append(b)
                break
        else:
            lines.append(_Line([b]))
    return sorted((ln.close() for ln in lines), key=lambda ln: ln.y0)


def _furniture_key(text: str) -> str:
    return re.sub(r"[0-9\s\-—–－_·.．/／第页共]", "", text)


def _drop_furniture(pages: list[PageLayout]) -> list[list[Box]]:
    """Page numbers in the top/bottom band; short band lines repeated on another page (running heads)."""

    def in_band(b: Box, p: PageLayout) -> bool:
        return b.y1 < BAND * p.height or b.y0 > (1 - BAND) * p.height

    seen: dict[str, int] = {}
    for p in pages:
        for key in {_furniture_key(b.text) for b in p.boxes if in_band(b, p) and len(b.text) <= 30}:
            if key:
                seen[key] = seen.get(key, 0) + 1
    kept = []
    for p in pages:
        body_em = statistics.median(b.em for b in p.boxes if len(b.text) >= 4) if p.boxes else 0.0
        keep = []
        for b in p.boxes:
            furniture = (
                _PAGE_NUMBER.match(b.text)
                or seen.get(_furniture_key(b.text), 0) >= 2
                or b.em < 0.8 * body_em  # a running head or footer is set smaller than the text
            )
            if in_band(b, p) and len(b.text) <= 30 and furniture:
                continue
            keep.append(b)
        kept.append(keep)
    return kept


def _gutter(boxes: list[Box]) -> float | None:
    """x of the gap between two columns, or None for a one-column page."""
    if len(boxes) < 8:
        return None
    left, right = min(b.x0 for b in boxes), max(b.x1 for b in boxes)
    width = right - left
    em = statistics.median(b.h for b in boxes)
    narrow = [b for b in boxes if b.x1 - b.x0 < 0.6 * width]
    if len(narrow) < 0.6 * len(boxes):
        return None
    bins = 200
    cover = [0] * bins
    for b in narrow:
        for i in range(int((b.x0 - left) / width * bins), min(bins, int((b.x1 - left) / width * bins) + 1)):
            cover[i] += 1
    crossing = len(narrow) // 10  # a title or two may span the gutter
    best, run_start, best_span = None, None, 0
    for i in range(int(0.25 * bins), int(0.75 * bins) + 1):
        if cover[i] <= crossing:
            run_start = i if run_start is None else run_start
            if i - run_start + 1 > best_span:
                best_span, best = i - run_start + 1, (run_start + i + 1) / 2
        else:
            run_start = None
    if best is None or best_span * width / bins < 0.8 * em:
        return None
    x = left + best / bins * width
    sides = sum(1 for b in narrow if b.x1 <= x), sum(1 for b in narrow if b.x0 >= x)
    return x if min(sides) >= 3 and sum(sides) >= 0.8 * len(narrow) else None


def _blocks(boxes: list[Box]) -> list[_Block]:
    """A page's boxes -> blocks in reading order (columns between full-width lines)."""
    if not boxes:
        return []
    split = _gutter(boxes)
    if split is None:
        return [_Block(_lines(boxes)).measure()]
    spanning = sorted((b for b in boxes if b.x0 < split < b.x1), key=lambda b: b.y0)
    rest = [b for b in boxes if not b.x0 < split < b.x1]
    out: list[_Block] = []
    top = float("-inf")
    for edge in [*(b.yc for b in spanning), float("inf")]:
        band = [b for b in rest if top <= b.yc < edge]
        for side in ([b for b in band if b.x1 <= split], [b for b in band if b.x1 > split]):
            if side:
                out.append(_Block(_lines(side)).measure())
        here = [b for b in spanning if b.yc == edge]
        if here:
            out.append(_Block(_lines(here)).measure())
        top = edge
    return out


def _starts_paragraph(prev: _Line, prev_block: _Block, line: _Line, block: _Block, same_block: bool) -> bool:
    if prev.text.rstrip().endswith(_SENTENCE_END) or _MARKER.match(line.text):
        return True
    if line.x0 > block.left + 1.2 * block.em:  # indented (the first line of a paragraph)
        return True
    if prev.x1 < prev_block.right - 1.8 * prev_block.em:  # the previous line stopped short
        return True
    return same_block and line.y0 - prev.y0 > 1.8 * block.pitch


def layout_pages(pages: list[PageLayout]) -> Laid:
    text: list[str] = []
    confs: list[float] = []
    page_texts: list[str] = []
    joins: list[tuple[int, bool]] = []
    at = 0  # length of the text so far
    prev: tuple[_Line, _Block] | None = None
    for boxes in _drop_furniture(pages):
        page_start = len(text)
        for block in _blocks(boxes):
            for i, line in enumerate(block.lines):
                if prev is not None:
                    new = _starts_paragraph(prev[0], prev[1], line, block, i > 0)
                    sep = (
                        "\n"
                        if new
                        else (
                            " "
                            if prev[0].text[-1:].isascii()
                            and line.text[:1].isascii()
                            and prev[0].text[-1:].isalpha()
                            and line.text[:1].isalnum()
                            else ""
                        )
                    )
                    if sep:
                        text.append(sep)
                        confs.append(1.0)
                        at += 1
                    # a join where a line may have gone unseen: across a column or page break, or
                    # over a gap wider than the block's line pitch (ordinary wraps are not marked)
                    wide = i > 0 and line.y0 - prev[0].y0 > 1.4 * block.pitch
                    if sep != "\n":
                        joins.append((at, i == 0 or wide))
                text.append(line.text)
                confs += line.confs
                at += len(line.text)
                prev = (line, block)
        page_texts.append("".join(text[page_start:]).strip("\n"))
    return Laid(text="".join(text), confs=confs, page_texts=page_texts, joins=joins)
