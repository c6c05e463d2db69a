"""The extractor is scored on reports of other counties: nothing in extract/ may name a seed county,
person or number (code, comments and docstrings alike; the gazetteer data file lists every county
and is data, not a special case)."""

from __future__ import annotations

import json

from tests.conftest import ROOT, SEEDS


def _needles() -> set[str]:
    gold = json.loads((SEEDS / "gold.json").read_text(encoding="utf-8"))
    out: set[str] = set()
    for doc in gold["documents"]:
        for c in doc["counties"]:
            out.add(c["name"])
            name = c["name"]
            out.add(name[:2] if "自治县" in name else name.removesuffix("县"))  # 维西, 大宁
        out.update(p["name"] for p in doc["people"])
        for f in doc["figures"]:
            if f["unit"] == "元" or "." in f["surface"] or f["value"] >= 100:
                out.add(f["surface"].rstrip("元"))  # 281亿, 66.7%, 1500余亩 …
    return {n for n in out if len(n) >= 2}


def test_needles_cover_the_seeds() -> None:
    needles = _needles()
    assert {"大宁", "维西", "王志华", "281亿", "66.7%", "斯那扎史"} <= needles


def test_extract_names_no_seed_county_person_or_number() -> None:
    needles = _needles()
    hits = []
    for path in sorted((ROOT / "extract").rglob("*.py")):
        code = path.read_text(encoding="utf-8")
        hits += [(path.name, n) for n in needles if n in code]
    assert not hits
