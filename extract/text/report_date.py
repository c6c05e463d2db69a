"""The report's own date, read from the report and never guessed.

In order of trust:

1. ``meeting``: a work report's subtitle, ``——2026年1月14日在某某县第十八届人民代表大会第五次会议上`` (also
   in brackets, after a single dash, or alone on its line). It is the day the report was delivered, so it
   beats the day a website reposted it.
   A date alone on a line under the title, ``（2024年3月5日）``, is read next (``subtitle``).
2. ``metadata``: a publication line kept aside by normalisation (``发布时间：2025-01-08``).
3. ``dateline``: ``新华社北京2024年1月5日电``, ``本报讯（记者 张三）2024年1月5日，`` — with its year
   written (a bare 1月5日 is not dated: there was no publication line to give it a year).
4. ``text``: a date written with its year near the start of the first paragraph (``2024年3月5日，…``).
5. ``file``: the date the file carries (a .docx's last-saved, a PDF's creation date), only when the text
   names that year or the year before: a template's date (python-docx's own is 2013) or a file re-saved
   years later never dates a report about other years.

Nothing found: (None, None), and the digest says 日期不详 rather than show the day it was received.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only an annotation: normalising text imports no pydantic
    from extract.models import DateSource

_YMD = r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
# The same subtitle written in Chinese numerals: ——二〇二五年一月十四日在…
_CN_DIGITS = "〇○零一二三四五六七八九"
_CN_N = "[一二三四五六七八九十]"
_CN_YMD = rf"(?P<cy>[{_CN_DIGITS}]{{4}})年(?P<cm>{_CN_N}{{1,2}})月(?P<cd>{_CN_N}{{1,3}})日"
# Opens its line, or follows a dash/bracket (also when a page joined the subtitle to the title).
_LEAD = r"(?:^|[—―\-－–~～(（]|一一)\s*"  # 一一: a dash as some pages mistype it
# ...and the subtitle ends there: "…会议上，县长强调" opens a news story about a meeting instead
_AT_MEETING = r"\s*在[^。；;！？\n]{2,80}?(?:会议|大会|全会|会)上(?![\s?？)）]*[，,、：:])"
_MEETING = re.compile(_LEAD + _YMD + _AT_MEETING)
_CN_MEETING = re.compile(_LEAD + _CN_YMD + _AT_MEETING)
# A date alone under the title, in brackets or after a dash: （2024年3月5日）, ——2024年3月5日
_PLAIN_YMD = r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_SUBTITLE = re.compile(rf"^(?:[(（]\s*{_PLAIN_YMD}\s*[)）]|(?:[—―\-－–]+|一一)\s*{_PLAIN_YMD})$")
_SUBTITLE_LINES = 8
_MEETING_LINES = 40  # the subtitle sits right under the title; a report's body is not searched
_MEETING_CHARS = 6000
_DATELINE = re.compile(
    r"(?:社|网|报|台|站)[^\s，。,：:]{0,10}?(?:(?P<y>(?:19|20)\d{2})年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})日电"
    r"|讯\s*(?:[(（][^)）\n]{0,40}[)）])?\s*(?:(?P<y2>(?:19|20)\d{2})年)?(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日"
)
_FIRST_PARA_CHARS = 120  # a date further into the paragraph is a fact of the story, not its date
_FULL_DATE = re.compile(_YMD)


def _make(y: int | str, m: int | str, d: int | str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def _cn_number(s: str) -> int:
    """一 -> 1, 十 -> 10, 十四 -> 14, 二十 -> 20, 三十一 -> 31; a year digit by digit (二〇二五 -> 2025)."""
    if "十" not in s:
        return int("".join(str(max(_CN_DIGITS.find(c) - 2, 0)) for c in s))
    tens, _, units = s.partition("十")
    return (int(_cn_number(tens)) if tens else 1) * 10 + (_cn_number(units) if units else 0)


def _meeting_date(text: str) -> date | None:
    head = "\n".join(text[:_MEETING_CHARS].split("\n")[:_MEETING_LINES])
    for line in head.split("\n"):
        if "年" not in line or "在" not in line:
            continue  # both regexes need a 年 (the date) and a 在 (…会议上): most lines have not both
        m = _MEETING.search(line)
        if m and (found := _make(m["y"], m["m"], m["d"])):
            return found
        m = _CN_MEETING.search(line)
        if m and (found := _make(_cn_number(m["cy"]), _cn_number(m["cm"]), _cn_number(m["cd"]))):
            return found
    return None


def _first_paragraph(text: str, title: str | None) -> str:
    for line in text.split("\n", 6)[:6]:  # (a bounded split: not the whole report for six lines)
        if line != title and len(line) >= 20:
            return line
    return ""


def _dateline_date(para: str) -> date | None:
    m = _DATELINE.search(para[:_FIRST_PARA_CHARS])
    if m is None or not (m["y"] or m["y2"]):
        return None  # a month and a day without a year: the publication line (read first) had none
    return _make(m["y"] or m["y2"], m["m"] or m["m2"], m["d"] or m["d2"])


def _subtitle_date(text: str) -> date | None:
    for line in text.split("\n", _SUBTITLE_LINES)[:_SUBTITLE_LINES]:
        m = _SUBTITLE.match(line.strip())
        if m:
            y, mo, d = (next(g for g in m.groups()[i::3] if g) for i in range(3))
            return _make(y, mo, d)
    return None


_YEAR_WRITTEN = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")


def _file_date_fits(text: str, found: date) -> bool:
    """The text names the file date's year or the year before (a January report reviews last year)."""
    if not date(2000, 1, 1) <= found <= date.today():
        return False
    years = {int(y) for y in _YEAR_WRITTEN.findall(text)}
    return found.year in years or found.year - 1 in years


def report_date(
    text: str, title: str | None, published: date | None, *, file_date: date | None = None
) -> tuple[date | None, DateSource | None]:
    """(the report's own date, where it was read) from the normalised body, the metadata date and the
    file's own date."""
    if (found := _meeting_date(text)) is not None:
        return found, "meeting"
    if (found := _subtitle_date(text)) is not None:
        return found, "subtitle"
    if published is not None:
        return published, "metadata"
    para = _first_paragraph(text, title)
    if (found := _dateline_date(para)) is not None:
        return found, "dateline"
    m = _FULL_DATE.search(para[:_FIRST_PARA_CHARS])
    if m and (found := _make(m["y"], m["m"], m["d"])):
        return found, "text"
    if file_date is not None and _file_date_fits(text, file_date):
        return file_date, "file"
    return None, None
