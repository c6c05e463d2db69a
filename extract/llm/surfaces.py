"""Where a model's added figure stands in the report: its offset as a whole number and its clause."""

from __future__ import annotations

from extract.text.segment import marks

_CLAUSE_STOPS = marks("clause", colons=False)  # 。！？!?；;，, and the line end
_NUMERAL_CHARS = set("0123456789.,零〇一二两三四五六七八九十百千万亿")


def find_surface(text: str, surface: str, lo: int, hi: int) -> int:
    """Offset of `surface` as a whole number (not the tail of a longer one: 50亿元 inside 350亿元),
    preferring an occurrence inside [lo, hi)."""
    best = -1
    start = text.find(surface)
    while start >= 0:
        before = text[start - 1] if start > 0 else ""
        if not (before and before in _NUMERAL_CHARS and surface[0] in _NUMERAL_CHARS):
            if lo <= start < hi:
                return start
            if best < 0:
                best = start
        start = text.find(surface, start + 1)
    return best


def clause_of(text: str, start: int, end: int) -> str:
    i = max(text.rfind(c, 0, start) for c in _CLAUSE_STOPS) + 1
    stops = [j for j in (text.find(c, end) for c in _CLAUSE_STOPS) if j >= 0]
    j = min(stops) if stops else len(text)
    return text[i:j].strip()
