"""County-level place names inside metric labels: a label that is nothing but a place (会理市) says where,
not what; a place opening a label (某某县地区生产总值) is not part of the metric's name. Shared by the
labeller (labels.py) and the metric matcher (metrics.py)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

_GENERIC_PLACES = {"城区", "市区", "地区", "郊区", "矿区", "新区", "园区", "景区", "社区", "山区", "林区"}


@cache
def _places() -> tuple[Mapping[str, object], frozenset[str]]:
    from extract.places.gazetteer import index  # lazily: the gazetteer loads once per process

    idx = index()
    return idx.forms, idx.prefixes


def is_place(label: str) -> bool:
    """Whether the label is nothing but a county-level place name (会理市)."""
    if len(label) < 2 or label[-1] not in "县市区旗" or label in _GENERIC_PLACES:
        return False
    return label in _places()[0]


def strip_place(label: str) -> str:
    """Drop a county-level place name that opens a label (某某县地区生产总值 -> 地区生产总值)."""
    forms, prefixes = _places()
    if label[:2] not in prefixes:
        return label
    for k in range(min(len(label) - 2, 9), 1, -1):
        head = label[:k]
        if head[-1] in "县市区旗" and head not in _GENERIC_PLACES and head in forms:
            return label[k:]
    return label
