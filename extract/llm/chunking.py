"""Split a long report at paragraph, then sentence boundaries; chunks are exact slices of the text."""

from __future__ import annotations

import math
from dataclasses import dataclass

from extract.text.segment import ends, pieces


@dataclass(frozen=True)
class Chunk:
    start: int  # offset of the chunk in the full text
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def _pieces(text: str, max_chars: int) -> list[str]:
    """Paragraphs; a paragraph over max_chars becomes sentences; a sentence over it is cut hard."""
    out: list[str] = []
    for para in text.splitlines(keepends=True):
        if len(para) <= max_chars:
            out.append(para)
            continue
        for sent in pieces(para, "part"):
            out.extend(
                sent[i : i + max_chars] for i in range(0, len(sent), max_chars) if sent[i : i + max_chars]
            )
    return out


def split_text(text: str, max_chars: int, *, offset: int = 0) -> list[Chunk]:
    """Chunks of at most max_chars, of about equal size, whose texts concatenate back to `text`."""
    max_chars = max(1, max_chars)
    if len(text) <= max_chars:
        return [Chunk(offset, text)]
    # aim for equal parts (a 30k report at 12k -> three ~10k chunks, not 12k+12k+6k)
    target = min(max_chars, math.ceil(len(text) / math.ceil(len(text) / max_chars) * 1.05))
    chunks: list[Chunk] = []
    buf: list[str] = []
    size = 0
    pos = offset
    for piece in _pieces(text, max_chars):
        if buf and (size + len(piece) > max_chars or size >= target):
            chunks.append(Chunk(pos, "".join(buf)))
            pos += size
            buf, size = [], 0
        buf.append(piece)
        size += len(piece)
    if buf:
        chunks.append(Chunk(pos, "".join(buf)))
    return chunks


def split_in_two(chunk: Chunk) -> list[Chunk]:
    """Two halves cut at the paragraph (else sentence) boundary nearest the middle: used when an answer
    ran out of output tokens, so the same input is never sent again."""
    text = chunk.text
    mid = len(text) / 2
    for level in ("paragraph", "part"):
        cuts = [c for c in ends(text, level) if 0 < c < len(text)]
        # a boundary in the middle half only: a 90/10 split would just repeat the overflow
        cuts = [c for c in cuts if len(text) / 4 <= c <= 3 * len(text) / 4]
        if cuts:
            cut = min(cuts, key=lambda c: abs(c - mid))
            break
    else:
        cut = len(text) // 2
    if not 0 < cut < len(text):
        return [chunk]
    return [Chunk(chunk.start, text[:cut]), Chunk(chunk.start + cut, text[cut:])]
