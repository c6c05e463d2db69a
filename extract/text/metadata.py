"""Step 5 of normalisation: metadata read from the lines before they are dropped.

Title (first line when it is a headline), published date (`2024-03-05 10:20:00 来源:…`,
`发布时间:2024-03-05`), source (`来源:…`, else the site at the root of a breadcrumb `X网>>Y>>Z`) and
reporter / author credits (`记者 张三`, `(作者… 张三)`). Nothing is guessed: a field the text does not
state stays None. All functions work on one whitespace-normalised, simplified line.
"""

from __future__ import annotations

import re
from datetime import date

# --- dates ----------------------------------------------------------------------------------------

_DATE = r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
_TIME = r"\d{1,2}\s*[:：时]\s*\d{1,2}(?:\s*[:：分]\s*\d{1,2}\s*秒?)?分?"
_DATE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
_DATE_TIME_FULL = re.compile(rf"{_DATE}(?:\s*{_TIME})?")


def parse_date(text: str) -> date | None:
    """The first valid calendar date written with a year in `text` (2024-03-05, 2024年3月5日 ...)."""
    for m in _DATE_RE.finditer(text):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


# --- metadata lines -------------------------------------------------------------------------------

_DATE_LABELS = "发布时间|发布日期|发表时间|发表日期|更新时间|更新日期|发文日期|成文日期|印发日期|时间|日期"
_GENERIC_DATE_LABELS = frozenset({"时间", "日期"})  # only a metadata field when the value is a bare date
_SOURCE_LABELS = "信息来源|文章来源|稿件来源|新闻来源|消息来源|来源单位|发布机构|来源|出处"
_AUTHOR_LABELS = "特约记者|本报记者|见习记者|通讯员|撰稿人|撰稿|作者|记者|供稿|摄影"
_OTHER_LABELS = (
    "责任编辑|值班编辑|编辑|责编|审核|校对|审校|终审|初审|复审|签发|浏览次数|浏览量|阅读次数|阅读量|阅读数|"
    "点击数|点击量|点击率|访问量|字体|字号|索引号|发文字号|发文机关|主题分类|分类|文号|关键词|所属机构"
)
_ALL_LABELS = f"{_DATE_LABELS}|{_SOURCE_LABELS}|{_AUTHOR_LABELS}|{_OTHER_LABELS}"
_LABEL_RE = re.compile(rf"(?:^|(?<=[\s【\[(（|丨]))(?P<label>{_ALL_LABELS})\s*[:：]")
_SOURCE_SET = frozenset(_SOURCE_LABELS.split("|"))
_AUTHOR_SET = frozenset(_AUTHOR_LABELS.split("|"))
_DATE_SET = frozenset(_DATE_LABELS.split("|"))
_LEADING_DATE = re.compile(rf"^[【\[(（]?\s*(?P<dt>{_DATE_TIME_FULL.pattern})\s*[】\])）]?")
_VALUE_TRIM = " \t|丨/【】[]()（）<>"
_META_MAX_LEN = 160
_NOT_META = re.compile(r"[。，,；;！？!?]")


# A metadata line starts with a digit (the date), a bracket or the first character of a label.
_META_FIRST_CHARS = frozenset("0123456789【[(（" + "".join(label[0] for label in _ALL_LABELS.split("|")))


class MetaFields:  # plain classes here: dataclasses imports inspect, a tenth of a text's cold start
    __slots__ = ("authors", "credits", "published", "source")

    def __init__(self) -> None:
        self.published: date | None = None
        self.source: str | None = None
        self.authors: list[str] = []
        self.credits: list[str] = []  # author fields as written ("记者:张三")


def _clean_source(value: str) -> str | None:
    value = value.strip(_VALUE_TRIM)
    value = re.split(r"\s", value, maxsplit=1)[0].strip(_VALUE_TRIM + "\"'“”")
    if not value or len(value) > 40:
        return None
    return value


# A page's font-size and print widgets after the date: 时间:2024-03-27 09:58 大 中 小 / 【打印】【关闭】
_WIDGETS = re.compile(
    r"(?:\s*(?:(?:字号|字体)\s*[:：]?\s*)?[【\[]?\s*[大中小](?:\s+[大中小]){1,2}\s*[】\]]?"
    r"|\s*[【\[]?(?:打印|关闭|打印本页|关闭窗口|收藏)[】\]]?)+$"
)
_WIDGET_LAST_CHARS = frozenset("大中小】]印闭页口藏")  # the last character of any _WIDGETS match
# A site's name before the date label: 中国网 china.com.cn 时间: 2011-04-15
_SITE_LEAD = re.compile(
    rf"^(?P<site>[^\s:：]{{2,20}}?(?:网|报|台|在线)(?:\s+[A-Za-z0-9.\-]+)?)\s+(?=(?:{_DATE_LABELS})\s*[:：])"
)


def parse_meta_line(line: str) -> MetaFields | None:
    """Fields of a metadata line such as `2024-03-05 10:20:00 来源:某某新闻网` or `发布时间:2024-03-05`.

    None when the line is not one: it must start with a date or a known label (or a site's name before a
    date label), be short, hold no sentence punctuation, and a generic `时间:`/`日期:` must be followed by
    nothing but a date (and the page's font-size / print widgets).
    """
    if len(line) > _META_MAX_LEN or _NOT_META.search(line):
        return None
    site = _SITE_LEAD.match(line) if ":" in line or "：" in line else None  # it ends with a label's colon
    if site:
        fields = parse_meta_line(line[site.end() :])
        if fields is not None and fields.source is None:
            fields.source = _clean_source(site.group("site").split()[0])
        return fields
    # the first character before the widgets go: stripping a suffix keeps it (an all-widget line stays whole)
    if line[0] not in _META_FIRST_CHARS:
        return None
    if line[-1] in _WIDGET_LAST_CHARS:  # _WIDGETS is tried at every position: only when it can end here
        line = _WIDGETS.sub("", line) or line
    fields = MetaFields()
    rest = line
    lead = _LEADING_DATE.match(line)
    if lead:
        fields.published = parse_date(lead.group("dt"))
        if fields.published is None:
            return None
        rest = line[lead.end() :].strip()
        if rest and not _LABEL_RE.match(rest):
            return None  # "2023年12月29日上午..." opens a body sentence
    elif not _LABEL_RE.match(line.lstrip("【[(（ ")):
        return None
    labels = list(_LABEL_RE.finditer(rest))
    for i, m in enumerate(labels):
        label = m.group("label")
        end = labels[i + 1].start() if i + 1 < len(labels) else len(rest)
        value = rest[m.end() : end].strip(_VALUE_TRIM)
        if label in _DATE_SET:
            if label in _GENERIC_DATE_LABELS and not _DATE_TIME_FULL.fullmatch(value):
                return None
            if fields.published is None:
                fields.published = parse_date(value)
        elif label in _SOURCE_SET:
            if fields.source is None:
                fields.source = _clean_source(value)
        elif label in _AUTHOR_SET:
            names = split_names(value)
            fields.authors.extend(names)
            if names:
                fields.credits.append(rest[m.start() : end].strip(_VALUE_TRIM))
    return fields


# --- people ---------------------------------------------------------------------------------------

# A token with one of these is an office or organisation, not a personal name (政府县长, 县委副书记 ...).
_ROLE_CHARS = frozenset("县市省区镇乡村委局厅办部处科室队站所院校会社报网台司府党组位")
_ROLE_ENDINGS = ("长", "记", "员", "任", "者", "师", "官", "导", "编")
_NAME_SPLIT = re.compile(r"[\s、,，;；/:：]+")
# Two-to-four character words of credit lines that look like names but are not.
_NOT_NAMES = frozenset({
    "单位", "作者", "记者", "编辑", "报道", "供稿", "供图", "整理", "综合", "摄影", "通讯员", "实习生",
    "撰稿", "来源", "审核", "校对", "责编",
})  # fmt: skip
_CREDIT_LABEL_TOKENS = frozenset({
    "本报记者", "本台记者", "本网记者", "特约记者", "见习记者", "实习记者", "记者", "通讯员", "实习生",
    "作者", "撰稿", "撰文", "供稿", "摄影", "摄", "文", "图", "文图", "图文", "报道",
})  # fmt: skip


def _ideographs(s: str, shortest: int, longest: int) -> bool:
    """`s` is `shortest`..`longest` characters, all in U+4E00..U+9FFF (min/max: no regex to compile)."""
    return shortest <= len(s) <= longest and min(s) >= "\u4e00" and max(s) <= "\u9fff"


def is_person_name(token: str) -> bool:
    """A 2-4 character Chinese name (or a minority name with ·), not an office like 政府县长."""
    head, dot, tail = token.partition("·")  # 2-4 ideographs, then maybe ·1-8 more (a minority name)
    if not (_ideographs(head, 2, 4) and (not dot or _ideographs(tail, 1, 8))):
        return False
    return not (set(token) & _ROLE_CHARS) and not token.endswith(_ROLE_ENDINGS)


def split_names(value: str) -> list[str]:
    """Person names in a credit value: `张三 李四`, `张三、李四`; offices and labels are skipped."""
    return [t for t in _NAME_SPLIT.split(value) if t not in _NOT_NAMES and is_person_name(t)]


_BYLINE_RE = re.compile(
    r"^[(（]?\s*(?:(?:本报|本台|本网)?(?:特约|见习|实习)?(?:记者|通讯员)|实习生|作者|撰稿|撰文|供稿|摄影|摄)"
    r"(?:\s*[:：]\s*|\s+)\S.{0,40}$"
    r"|^[(（]?\s*(?:文|图|文图|图文)\s*[/／|:：]\s*\S.{0,40}$"
)


_BYLINE_FIRST_CHARS = frozenset("(（本特见实记通作撰供摄文图")


def byline_authors(line: str) -> list[str] | None:
    """Names of a byline line (`记者 张三`, `本报记者 张三 通讯员 李四`, `文/张三`); None otherwise.

    Every token after the labels must be a person name, so `记者从会上获悉…` stays body text.
    """
    if len(line) > 48 or line[0] not in _BYLINE_FIRST_CHARS or not _BYLINE_RE.match(line):
        return None
    tokens = [t for t in _NAME_SPLIT.split(line.strip("()（） ")) if t]
    names: list[str] = []
    for tok in tokens:
        if tok in _CREDIT_LABEL_TOKENS:
            continue
        for label in sorted(_CREDIT_LABEL_TOKENS, key=len, reverse=True):  # "本报记者张三"
            if tok.startswith(label) and is_person_name(tok[len(label) :]):
                tok = tok[len(label) :]
                break
        if not is_person_name(tok):
            return None
        names.append(tok)
    return names or None


# --- trailing credits in parentheses --------------------------------------------------------------

# A credit closes the paragraph: "(…)" after the last sentence's punctuation, or a whole line.
_CLOSERS = ")）】]"
_CREDIT_AFTER = frozenset("。！？!?…”」』；;.")
_END_MARKS = frozenset({"完", "全文完", "end", "END", "End"})
_CREDIT_LABEL = re.compile(
    r"^(?P<label>本报记者|特约记者|见习记者|记者|通讯员|作者|撰稿|撰文|供稿|摄影|文图|图文|文|图|"
    r"责任编辑|责编|编辑|审核|校对|编审|审校|信息来源|来源)\s*(?P<sep>[:：/]?)\s*(?P<rest>.*)$"
)
# "(作者系县委书记)", "(作者单位：…)": an author credit even without a name in it.
_PERSON_LABELS = frozenset({
    "本报记者", "特约记者", "见习记者", "记者", "通讯员", "作者", "撰稿", "撰文", "供稿",
})  # fmt: skip
_CREDIT_RESTS = ("系", "为", "单位", "是")
_EDITOR_LABELS = frozenset({"责任编辑", "责编", "编辑", "审核", "校对", "编审", "审校"})


class Credit:
    __slots__ = ("authors", "source", "written")

    def __init__(self, authors: list[str] | None = None, source: str | None = None) -> None:
        self.authors = authors if authors is not None else []
        self.source = source
        self.written: list[str] = []  # each credit naming someone, as written


def _credit(content: str) -> Credit | None:
    """What a trailing parenthetical credits, or None when it is ordinary text to keep."""
    content = content.strip()
    if content in _END_MARKS:
        return Credit()
    m = _CREDIT_LABEL.match(content)
    if m:
        label, rest = m.group("label"), m.group("rest")
        if label in _EDITOR_LABELS:
            return Credit()
        if label.endswith("来源"):
            src = _clean_source(rest)
            return Credit(source=src) if src else None
        names = split_names(rest)
        if names or (label in _PERSON_LABELS and (m.group("sep") or rest.startswith(_CREDIT_RESTS))):
            return Credit(authors=names)
        return None
    tokens = [t for t in _NAME_SPLIT.split(content) if t]
    if 1 <= len(tokens) <= 6 and all(is_person_name(t) for t in tokens):
        return Credit(authors=tokens)  # "(张三 李四)" after the last sentence
    return None


def strip_trailing_credits(line: str) -> tuple[str, Credit]:
    """Remove reporter/author/editor credits in parentheses at the end of a paragraph.

    `…圆满完成。(张三 李四)` -> `…圆满完成。` with authors [张三, 李四]. Repeats until the end is no
    longer a credit, so a second pass finds nothing. Parentheticals that are not credits (`(一期)`) stay.
    """
    found = Credit()
    while line and line[-1] in _CLOSERS:
        opened = max(line.rfind("("), line.rfind("（"), line.rfind("【"), line.rfind("["))
        content = line[opened + 1 : -1]
        before = line[:opened].rstrip()
        if (
            opened < 0
            or not 1 <= len(content) <= 60
            or any(c in content for c in _CLOSERS)
            or (before and before[-1] not in _CREDIT_AFTER)
        ):
            break
        credit = _credit(content)
        if credit is None:
            break
        found.authors.extend(credit.authors)
        found.source = found.source or credit.source
        if credit.authors:
            found.written.insert(0, content.strip())  # stripped from the end: keep reading order
        line = before
    return line, found


# --- breadcrumbs ----------------------------------------------------------------------------------

_BREADCRUMB_PREFIX = re.compile(
    r"^(?:当前位置|您的位置|您现在的位置|您当前的位置|所在位置|当前页面|位置)\s*[:：]\s*"
)
_BREADCRUMB_SEP = re.compile(r"\s*(?:>>|»|›|＞＞|>|＞|→)\s*")
_BREADCRUMB_HINT = re.compile(r">|»|›|＞|→|位置|当前页面")
_SITE_NAME = re.compile(r"^\S{1,20}?(?:网|网站|在线|门户|门户网)$")
_HOME = frozenset({"首页", "主页", "网站首页", "返回首页", "home", "Home"})


def parse_breadcrumb(line: str) -> tuple[bool, str | None]:
    """(is the line a breadcrumb, the site it names at its root if that is a 网/site)."""
    if len(line) > 100 or _NOT_META.search(line):
        return False, None
    if not _BREADCRUMB_HINT.search(line):
        return False, None
    prefixed = _BREADCRUMB_PREFIX.match(line)
    body = line[prefixed.end() :] if prefixed else line
    parts = [p for p in _BREADCRUMB_SEP.split(body) if p]
    if len(parts) < 2:
        return (True, None) if prefixed else (False, None)
    if any(len(p) > 24 for p in parts):
        return False, None
    root = parts[0]
    if root in _HOME:
        return True, None
    if not prefixed and len(parts) < 3 and not re.search(r">>|»|›|＞＞", body):
        return False, None  # a lone ">" may be a comparison ("增速>5%")
    root = root.removesuffix("首页")
    return True, (root if _SITE_NAME.match(root) else None)


# --- title ----------------------------------------------------------------------------------------

# = [\u3400-\u9fff\w]: every ideograph there is \w already, except the hexagram symbols U+4DC0..4DFF.
# Written this way it compiles in a tenth of the time (a class with a 27,000-character range is slow).
_CJK_OR_ALNUM = re.compile(r"[\w\u4dc0-\u4dff]")
_HEADLINE_BAD_END = tuple("。，,、；;：:")


def is_headline(line: str) -> bool:
    """A title line: short, no full stop, not ending like a clause."""
    return (
        2 <= len(line) <= 80
        and "。" not in line
        and not line.endswith(_HEADLINE_BAD_END)
        and _CJK_OR_ALNUM.search(line) is not None
    )
