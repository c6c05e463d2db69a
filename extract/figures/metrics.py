"""The one metric vocabulary: which labels name the same metric. Used by the finder's merge of a metric stated
twice (`metric_key`), by tracking (bot.track.metric_key folds a label with it) and by the label-aware
matching of
`countybot eval` (`same_metric`).

A label is normalised before comparing:
- brackets, quotes, punctuation and spaces go (新（改）建 = 新(改)建 = 新改建); a bracketed "(GDP)" goes;
- a place that opens it goes: 全县/全市/全省/全区/全旗/全州/全盟, 我县/我市/本县…, and a county-level name
  the gazetteer knows (某某县地区生产总值 -> 地区生产总值);
- comparison words go: 同比, 同口径, 比上年, 较上年; verbs go: 达到/为/控制在/实现/完成/突破… at the end,
  实现/完成/达到 at the start (全市实现地区生产总值 -> 地区生产总值);
- the names in `METRICS` fold to their canonical name (one table: GDP/生产总值 -> 地区生产总值,
规上工业产值 ->
  规模以上工业总产值, 地方一般公共预算收入 -> 一般公共预算收入, 全社会固定资产投资 -> 固定资产投资,
  城镇居民收入 ->
  城镇居民人均可支配收入 …); names the table keeps apart stay apart (see below);
- a change word at the end becomes a direction: 增长/增速/增幅/增长率/涨幅/提高 -> "+",
下降/降低/减少/回落/负增长
  -> "-". The direction says how the change was worded; its size and sign are Figure.value's (下降6.3% =
  -6.3).
Two labels name the same metric when their directions agree and their remaining cores are equal, or one
contains the other (the shorter at least 3 characters), or
their character bigrams overlap highly (Dice >= 0.6) — unless a contrasting pair tells them apart
(城镇 vs 农村, 进口 vs 出口, 收入 vs 支出, 总产值 vs 增加值, 财政总收入 vs 一般公共预算收入,
第一/第二/第三产业,
国家级/省级/市级/县级).

Kept apart on purpose: a total and its growth rate (地区生产总值 286亿元 vs 地区生产总值增长 6%: the
direction);
规模以上工业增加值 vs 规模以上工业总产值 (value added is not output: 规上工业产值 folds to the 总产值);
财政总收入 (全部财政收入, 大口径财政收入, 一般公共预算总收入 — which includes the part passed up to the
centre) vs
一般公共预算收入 (地方一般公共预算收入); 城镇 vs 农村 vs 全体居民 income.
"""

from __future__ import annotations

import re
from functools import lru_cache

from extract.figures.place_names import strip_place

# canonical name -> the names reports use for it (the canonical one included). Order does not matter: the
# longest name found wins, so 单位生产总值能耗 folds as a whole before 生产总值 could.
METRICS: dict[str, tuple[str, ...]] = {
    "地区生产总值": (
        "地区生产总值",
        "国内生产总值",
        "生产总值",
        "县域生产总值",
        "地方生产总值",
        "GDP",
        "gdp",
        "经济总量",
    ),
    "人均地区生产总值": ("人均地区生产总值", "人均生产总值", "人均GDP"),
    "单位地区生产总值能耗": (
        "单位地区生产总值能耗",
        "单位生产总值能耗",
        "单位GDP能耗",
        "万元地区生产总值能耗",
        "万元生产总值能耗",
        "万元GDP能耗",
    ),
    "规模以上工业增加值": (
        "规模以上工业增加值",
        "规上工业增加值",
        "规模工业增加值",
        "规模以上工业企业增加值",
        "规上企业工业增加值",
        "规模以上企业工业增加值",
    ),
    "规模以上工业总产值": (
        "规模以上工业总产值",
        "规模以上工业产值",
        "规上工业总产值",
        "规上工业产值",
        "规模工业总产值",
        "规模工业产值",
    ),
    "一般公共预算收入": (
        "一般公共预算收入",
        "地方一般公共预算收入",
        "地方级一般公共预算收入",
        "财政一般公共预算收入",
        "地方财政一般公共预算收入",
        "一般预算收入",
        "公共财政预算收入",
        "一般公共财政预算收入",
        "地方公共财政预算收入",
    ),
    "财政总收入": ("财政总收入", "全部财政收入", "大口径财政收入", "一般公共预算总收入"),
    "一般公共预算支出": ("一般公共预算支出", "地方一般公共预算支出", "财政一般公共预算支出", "一般预算支出"),
    "固定资产投资": (
        "固定资产投资",
        "全社会固定资产投资",
        "规模以上固定资产投资",
        "500万元以上固定资产投资",
        "固定资产投资不含农户",
        "固投",
    ),
    "社会消费品零售总额": (
        "社会消费品零售总额",
        "全社会消费品零售总额",
        "社会消费品零售额",
        "社零总额",
        "社零额",
    ),
    "城镇居民人均可支配收入": (
        "城镇居民人均可支配收入",
        "城镇常住居民人均可支配收入",
        "城镇居民可支配收入",
        "城镇居民人均收入",
        "城镇居民收入",
    ),
    "农村居民人均可支配收入": (
        "农村居民人均可支配收入",
        "农村常住居民人均可支配收入",
        "农村居民可支配收入",
        "农村居民人均收入",
        "农村居民收入",
        "农民人均可支配收入",
    ),
    # the statistic before 2014's 农村居民人均可支配收入 (not the same metric)
    "农村居民人均纯收入": ("农村居民人均纯收入", "农民人均纯收入", "农村人均纯收入"),
    "全体居民人均可支配收入": ("全体居民人均可支配收入", "居民人均可支配收入"),
    "城镇新增就业": (
        "城镇新增就业",
        "新增城镇就业",
        "城镇新增就业人员",
        "城镇新增就业人数",
        "新增城镇就业人数",
    ),
    "进出口总额": ("进出口总额", "外贸进出口总额", "外贸进出口"),
    "实际利用外资": ("实际利用外资", "实际使用外资"),
    "居民消费价格": ("居民消费价格", "居民消费价格指数", "居民消费价格总水平", "CPI"),
    "粮食产量": ("粮食产量", "粮食总产量"),
    "服务业增加值": ("服务业增加值", "第三产业增加值"),
}
_CANONICAL = {name: canon for canon, names in METRICS.items() for name in names}
_NAMES = re.compile("|".join(re.escape(n) for n in sorted(_CANONICAL, key=len, reverse=True)))

_GDP_NOTE = re.compile(r"[（(]\s*GDP\s*[)）]", re.IGNORECASE)
_PUNCT = re.compile(r"[\s“”\"‘’'《》〈〉()（）\[\]【】,，。、；;：:·．.\-—]")
_PLACE = re.compile(r"^(?:全|我|本)(?:县|市|省|区|旗|州|盟|镇|乡)(?:域)?")
_COMPARE = re.compile(r"同比|同口径|可比|(?:比|较)(?:上年|去年)(?:同期)?|按可比价(?:格)?计算")
_TAIL = re.compile(r"(?:调整为|调整到|达到|达|为|实现|完成|控制在|保持在|稳定在|突破|超过|目标|预期|预计)+$")
_LEAD = re.compile(r"^(?:累计|全年)?(?:实现|完成|达到)")  # 全市实现地区生产总值 names 地区生产总值
_UP = re.compile(r"(?:年均)?(?:增长率|增长幅度|增幅|增速|增长|涨幅|上涨|提高|提升|增加|上升)$")
_DOWN = re.compile(r"(?:年均)?(?:负增长|下降|降低|减少|降幅|回落|下滑|下跌|压减)$")
_CONTRASTS = (
    ("城镇", "农村", "城乡", "城市", "乡村", "全体居民"),
    ("进口", "出口"),
    ("收入", "支出"),
    ("总产值", "增加值"),
    ("第一产业", "第二产业", "第三产业"),
    ("国家级", "省级", "市级", "县级"),
    ("一般公共预算", "政府性基金", "税收", "财政总收入"),
    ("纯收入", "可支配收入"),  # 农民人均纯收入 (before 2014) is another statistic than 可支配收入
)
_DICE = 0.6


def canonical_name(core: str) -> str:
    """Fold the names of `METRICS` inside a normalised core: 规上工业产值 -> 规模以上工业总产值."""
    return _NAMES.sub(lambda m: _CANONICAL[m.group(0)], core)


@lru_cache(maxsize=4096)
def metric_key(label: str | None) -> tuple[str, str]:
    """(direction, core) of a label: direction "+" (增长…), "-" (下降…) or ""; core the normalised metric."""
    if not label:
        return "", ""
    text = _PUNCT.sub("", _GDP_NOTE.sub("", label))
    text = _COMPARE.sub("", text)
    text = _TAIL.sub("", text)
    direction = ""
    for sign, pattern in (("-", _DOWN), ("+", _UP)):  # falls first: 负增长 ends with 增长
        m = pattern.search(text)
        if m and m.start() > 0:
            direction, text = sign, text[: m.start()]
            break
        if m and m.start() == 0:  # a bare 增长: direction only
            return sign, ""
    text = _TAIL.sub("", _COMPARE.sub("", text))
    while True:
        before = text
        text = _PLACE.sub("", text)
        text = _strip_county(text)
        text = _LEAD.sub("", text) if len(text) > 4 else text
        if text == before:
            break
    return direction, canonical_name(text)


def _strip_county(text: str) -> str:
    if len(text) <= 3:
        return text
    return strip_place(text)


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)] or [text]


def _dice(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    pool = list(y)
    common = 0
    for g in x:
        if g in pool:
            pool.remove(g)
            common += 1
    return 2 * common / (len(x) + len(y))


def _contrast(a: str, b: str) -> bool:
    for group in _CONTRASTS:
        in_a = {w for w in group if w in a}
        in_b = {w for w in group if w in b}
        if in_a and in_b and in_a != in_b and not (in_a & in_b):
            return True
    return False


def same_metric(a: str | None, b: str | None) -> bool:
    """Whether labels `a` and `b` name the same metric (see the module docstring for the rule)."""
    (da, ca), (db, cb) = metric_key(a), metric_key(b)
    if da != db or not ca or not cb:
        return False
    if ca == cb:
        return True
    if _contrast(ca, cb):
        return False
    short, long_ = sorted((ca, cb), key=len)
    if short in long_ and len(short) >= 3:
        return True
    return _dice(ca, cb) >= _DICE
