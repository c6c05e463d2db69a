"""What a figure measures (its label) and the quote it stands in; spans come from extract.text.segment
and periods from extract.figures.periods."""

from __future__ import annotations

import re

from extract.figures.lists import shared_metrics, split_subject
from extract.figures.periods import PERIOD_RE, Layout
from extract.figures.place_names import is_place, strip_place

# ---- labels ---------------------------------------------------------------------------------------
# A label is the short metric phrase a figure measures. Three shapes occur in reports:
#   metric before the number:   总投资50亿元, 全年完成地区生产总值80亿元      -> the words before it
#   number before its noun:     12个新建项目…, 抓好某某50兆瓦农光互补光伏发电  -> the noun after it
#   a bare change:              …80亿元,同比增长6%                               -> subject + 同比增长
# Cue words, action verbs, places, period words and comparison bases are kept out of the label.

_MAX_LABEL = 14

# The last cue word ends whatever came before it (某旗将力争新能源装机规模 -> 新能源装机规模).
_LAST_CUE = re.compile(
    r".*(?:力争|确保|预计|计划(?=新|实施|完成)|拟|争取|力促|力推|将|(?<![主重需纲摘提简只必首紧])要|累计|已经|已|"
    r"(?<!项)目前|共有|现有|以来|截至|截止)"
)
_CUE_END = re.compile(
    r"(?:力争|确保|预计|计划|拟|争取|力促|力推|将|要|累计|已经|已|目前|共有|现有|以来|截至|截止)$"
)
_LEAD_WORDS = re.compile(
    r"^(?:[其此]中|此外|另外|同时|计划(?=到)|到(?=(?:19|20)\d{2}年|今年|明年|年底|年末)|总共|共计|共|累计|已经|已|目前|力争|确保|预计|计划(?=新|实施|完成)|拟|争取|力促|"
    r"力推|谋划|将|要|并|和|及|与|在|为|对|把|了|的|、|今年以来|以来|截至|截止|该项目|该|此次|本次|分别|"
    r"全县|全市|全区|全旗|全州|全省|全镇|全乡|全村|我县|我市|我区|我旗|[,，\s])+"
)
# Action verbs that open a metric phrase; dropped only when a metric of two characters or more remains
# (完成投资 -> 投资, but 完成率 stays). Flow words (新增, 新建, 新开工, 净增) are kept: 新增企业 ≠ 企业.
_LEAD_VERB = re.compile(
    r"^(?:完成|实现|达到|抓好|抓实|做好|实施|打造|培育|推广|推动|加快|推进|开展|举办|组织|带动|先后|主动|全力|持续|"
    r"紧盯|谋划|引进落地|成功)"
)
# Verbs that make the words after them an object: the figure then names its own noun after it.
_OBJECT_VERB = re.compile(
    r"^(?:抓好|抓实|加快|推进|建设|实施|谋划|紧盯|引进|打造|争取|推动|开工|签约|力促|确保|力争)"
)
_TAIL_STRIP = re.compile(
    r"(?:达到|达|为|是|突破|迈上|迈过|站上|跨上|跨越|超过|超|逾|约|近|不少于|不低于|不超过|不高于|不足|不到|接近|将近|大约|稳定在|保持在|控制在|恢复到|增至|降至|至|了|共|的|和|及|与|完成|"
    r"(?:提升|提高|上升|下降|降低|减少|扩大|增加)(?:至|到)|"
    r"实现|实际|分别|中有|常年|始终|一直|保持|平均|均|每(?:公斤|千克|斤|吨|亩|人|户|平方米))+$"
)
# 较上年, 比2020年, 比去年全年, 较年初, 是去年同期: the base of a comparison, not part of the metric
_COMPARE = re.compile(
    r"(?:较|比|与|是)(?:去年|上年|前年|上半年|[一二三四]季度|年初|上月|(?:19|20)\d{2}年)(?:同期|末|底|全年)?"
    r"|(?:到|至)(?:去年|上年|(?:19|20)\d{2}年)同期"
)
_CHANGE = re.compile(
    r"^(?:同比|同口径|可比)?(?:负增长|增长|下降|提高|提升|减少|增加|降低|上涨|下跌|下滑|回落|净增|增速)$"
)
# Enumerated modifiers: 省、市、县重点项目 -> 重点项目, 水泥、电力等重点行业 -> 重点行业
_PAIRED = ("城镇", "农村", "城市", "乡村", "国家", "省级", "市级", "县级")

# The noun after a number: up to punctuation or another number, cut at a verb or adverb.
_POST_RAW = re.compile(r"[^\s，,。；;：:！!？?、“”\"‘’（）()《》\d]{1,16}")
_POST_STOP = re.compile(
    r"超序时|超额|超过|超出|顺利|全面|全部|通过|落地|已|正在|均|实现|完成|累计|共|达到|达|获得|获|被|参与|推行|落实|入驻|经营|开放|办理|"
    r"中有|迎来|涵盖|开展|纳入|争取|用于|覆盖|相继|陆续|先后|将|要|的|等|以上|以下|左右|之多|为|是|在|发展|实施|建设"
    r"|打造|推进|进行|提供|带动|惠及|增收|稳定|作为|同比|比|较"
)
# Nouns that head a counted phrase (12个新建项目前期手续办结率60%: the count is of 新建项目)
_HEAD_NOUN = re.compile(
    r"项目|企业|部门|单位|任务|乡镇|社区|学校|基地|园区|景区|合作社|农场|农户|群众|人员|工人|岗位|村民|行政村|"
    r"工作组|专班"
)
_CONNECTOR = re.compile(r"^(?:和|及|与|、|至|到|-|—|~|或)$")
_THRESHOLD_BEFORE = "超过逾"
# 冰柿产能达到1500万枚,产值达到1.5亿元: a bare metric word after a figure is about the same subject
_ELIDED = re.compile(
    r"^(?:产值|总产值|产量|总产量|产能|资金|投资|固投|投产|开工|建成|营收|收入|销售额|面积|规模|数量)$"
)
_METRIC_TAIL = re.compile(
    r"(?:播种面积|种植面积|面积|产能|总产值|产值|总产量|产量|数量|个数|规模|营业收入|营收|收入|投资|开工|投产|建成|"
    r"销售额|交易额|总额)$"
)
_LEAD_QUALIFIER = re.compile(r"^(?:左右|以内|之内|上下|之多|有余)")
_CLOSING_QUALIFIER = re.compile(r"^(?:以上|以下)[ \u3000]?(?=[、，,；;和及与])")
_GAP_QUALIFIER = re.compile(r"^(?:左右|以内|之内|上下|之多|有余|以上|以下)")  # 7%以上、8%以上: a list


def _strip_periods(label: str) -> str:
    # 当年签约当年开工率 names a rate; elsewhere a period word is the figure's period, not its metric
    if label.count("当年") >= 2:
        return label
    return PERIOD_RE.sub("", label)


def _strip_lead(pre: str) -> str:
    while True:
        before = pre
        pre = _LEAD_WORDS.sub("", pre)
        pre = strip_place(pre) if len(pre) > 3 else pre
        m = PERIOD_RE.match(pre)
        if m and m.end() and not (m.group(0) == "当年" and pre.count("当年") >= 2):
            pre = pre[m.end() :]
        v = _LEAD_VERB.match(pre)
        if v and len(_TAIL_STRIP.sub("", pre[v.end() :])) >= 2:
            pre = pre[v.end() :]
        if pre == before:
            return pre


def _drop_enumeration(pre: str) -> str:
    if "等" in pre:
        head, _, tail = pre.rpartition("等")
        if tail.startswith("地"):  # 赴某某、某某等地开展招商活动
            tail = tail[1:]
        if len(tail) >= 2 and head:
            pre = tail
    if "、" in pre:
        head, _, tail = pre.rpartition("、")
        items = head.split("、")
        if all(len(i) == 1 for i in items) and len(tail) >= 3:
            tail = tail[1:]  # 省、市、县重点项目: 县 is the last item of the list
        elif tail.startswith(_PAIRED) and any(i.endswith(_PAIRED) for i in items):
            tail = tail[2:]  # 城镇、农村居民人均可支配收入
        pre = tail if len(tail) >= 2 else head
    return pre


def clean_label(pre: str, *, keep_list: bool = False) -> str:
    """The metric phrase in the words before a number (its clause, after the previous figure).

    keep_list keeps an enumeration whole (工业投资、技改投资增长) for extract.figures.lists to split."""
    pre = re.sub(r"[“”\"‘’《》\s]", "", pre)
    pre = _COMPARE.sub("", pre).replace("同口径", "")
    cut = _LAST_CUE.match(pre)
    after = pre[cut.end() :] if cut else pre
    drop = (lambda x: x) if keep_list else _drop_enumeration
    label = _TAIL_STRIP.sub("", _strip_lead(drop(after)))
    if len(label) < 2 and cut:  # 发电量累计完成52.8亿千瓦时: the metric is before the cue
        before = _CUE_END.sub("", pre[: cut.end()])
        earlier = _LAST_CUE.match(before)
        before = before[earlier.end() :] if earlier else before
        label = _TAIL_STRIP.sub("", _strip_lead(drop(before)))
    label = _strip_periods(label).replace("分别", "")
    label = _TAIL_STRIP.sub("", _strip_lead(label))
    if "的" in label:
        head, _, tail = label.rpartition("的")
        label = tail if len(tail) >= 2 else head
    if len(label) > _MAX_LABEL and not keep_list:
        tail = label[_cut(label) :]
        label = strip_place(tail) if not label.endswith(("率", "额")) else tail
    label = label.strip("、，, ")
    return label if len(label) >= 2 else ""


# Words a long label's cut must not split (规模以上工业企业…, not 模以上工业企业…; 大口径…, not 口径…)
_WHOLE_WORDS = re.compile(
    r"规模以上|规上|限额以上|一般公共预算|地方一般|大口径|全口径|固定资产|地区生产总值|生产总值|社会消费品|"
    r"城镇居民|农村居民|城乡居民|全体居民|人均可支配|财政收入|税收收入|工业增加值|高新技术|战略性新兴"
)


_WORD_END = set("内的中和及与、在")


def _cut(label: str) -> int:
    """Where a label longer than _MAX_LABEL starts: its last _MAX_LABEL characters, moved back to the
    start of a word the cut would split."""
    cut = len(label) - _MAX_LABEL
    for m in _WHOLE_WORDS.finditer(label):
        if m.start() < cut < m.end():
            return m.start()
    if cut and label[cut - 1] not in _WORD_END:  # mid-word: start after the next 内/的/和 … instead
        ends = [k + 1 for k in range(cut, min(cut + 8, len(label) - 2)) if label[k] in _WORD_END]
        if ends:
            return ends[0]
    return cut


def post_noun(text: str, end: int) -> str:
    """The noun right after a number (组建19个工作专班和3个工作组 -> 工作专班), or "" when a verb follows."""
    m = _POST_RAW.match(text, end)
    if not m:
        return ""
    raw = m.group(0)
    stop = _POST_STOP.search(raw)
    if stop and stop.start() == 0:
        return ""
    if stop:
        raw = raw[: stop.start()]
    raw = re.sub(r"(?:和|及|与|或)$", "", raw)
    if len(raw) > 6 or (m.end() < len(text) and text[m.end()].isdigit()):
        head = _HEAD_NOUN.search(raw)
        if head and head.end() >= 2:
            raw = raw[: head.end()]
    return raw if len(raw) >= 2 else ""


class Labeller:
    """Labels for the candidate figures of one text, in order (a label may borrow from earlier figures)."""

    def __init__(self, layout: Layout, spans: list[tuple[int, int]], counts: list[bool]) -> None:
        self.layout = layout
        self.text = layout.text
        self.spans = spans
        self.counts = counts
        self.labels: list[str | None] = []
        self.subjects: list[str | None] = []  # what a figure is about: its label, or a change's subject
        self._forced: dict[int, tuple[str, str]] = {}  # (label, subject) decided by an earlier list
        self.shared: dict[int, list[str]] = {}  # a rate shared by a list of metrics: one label each

    def label(self, i: int) -> str | None:
        """Label of candidate i; call for i = 0, 1, 2 ... in order."""
        label, subject = self._label(i)
        self.labels.append(label or None)
        self.subjects.append(subject or label or None)
        return label or None

    def _label(self, i: int) -> tuple[str, str]:
        text = self.text
        s, e = self.spans[i]
        clause = self.layout.span("clause", s)
        prev = self.spans[i - 1] if i else None
        adjacent = prev is not None and prev[1] > clause[0]
        lo = prev[1] if adjacent and prev else clause[0]
        raw = text[lo:s].strip()
        if i in self._forced:
            return self._forced[i]
        if adjacent:  # 4.5%左右和6%左右: the qualifier belongs to the number before
            raw = _LEAD_QUALIFIER.sub("", raw)
            # 增长12%以上、规上工业产值增长9%以上: 以上 closed the figure before (not 以上工业产值)
            raw = _CLOSING_QUALIFIER.sub("", raw)
        listed = self._listed(i, raw)
        if listed is not None:
            return listed
        post = post_noun(text, e)
        if not post and self.counts[i] and i + 1 < len(self.spans) and self.spans[i + 1][0] == e:
            post = post_noun(text, self.spans[i + 1][1])  # 修订12项240条措施: both count 措施
        if self.counts[i] and post:
            return self._yearly(raw, post), ""
        if adjacent and _CONNECTOR.match(raw) and self.labels[i - 1]:
            return self.labels[i - 1] or "", self.subjects[i - 1] or ""  # 4.5元至6元, 5.5%和7.5%
        # 其中5亿元以上项目6个 / 超10亿元项目3个: the earlier number is a size class of the noun
        near = adjacent and prev is not None and len(raw) <= 8 and "、" not in raw
        money_before = prev is not None and self.counts[i] and text[prev[1] - 1] == "元"
        if near and prev and (raw.startswith(("以上", "以下")) or money_before):
            threshold = text[prev[0] - 1 : prev[0]] in _THRESHOLD_BEFORE and prev[0] > clause[0]
            raw = text[prev[0] - 1 if threshold else prev[0] : s]
        label = clean_label(raw)
        if is_place(label):  # 会理市58万亩石榴: a place says where, not what (a later mention will)
            return "", ""
        if post and (not label or _OBJECT_VERB.match(raw)):
            return self._yearly(raw, post), ""
        if post and re.search(r"年(?:产|处理|加工)$", label):
            return self._yearly(raw, post), ""
        bare = label.replace("分别", "")
        if _CHANGE.match(bare):
            return self._change(i, raw, bare)
        if any(w in raw for w in "、均和") and "分别" not in raw and not self.counts[i]:
            shared = shared_metrics(clean_label(raw, keep_list=True))
            group = self.group(i)
            if shared and len(group) == len(shared):  # 刑事发案率、治安受案率同比下降39.41%、23.38%: one each
                for j, metric in zip(group[1:], shared[1:], strict=True):
                    self._forced[j] = (metric, metric)
                return shared[0], ""
            if shared:
                self.shared[i] = shared
        if _ELIDED.match(label):
            return self._elided(i, label), ""
        return label, ""

    def _elided(self, i: int, label: str) -> str:
        """产量 after 粮食播种面积…: 粮食产量; 投资 after 17个省市重点项目: 省市重点项目投资."""
        if not i or not self.labels[i - 1]:
            return label
        sentence = self.layout.span("sentence", self.spans[i][0])
        if self.spans[i - 1][0] < sentence[0]:
            return label
        prev = self.labels[i - 1] or ""
        tail = _METRIC_TAIL.search(prev)
        if tail and tail.start() >= 2:
            subject = prev[: tail.start()]
        elif self.counts[i - 1] and prev.endswith(("项目", "企业")):  # what has investment or output
            subject = prev
        else:
            return label
        return subject + label if not subject.endswith(label) else label

    def group(self, i: int) -> list[int]:
        """Candidate i and the ones joined to it by 、/和/及 only (5.3%、8%和13.4%)."""
        group = [i]
        while group[-1] + 1 < len(self.spans):
            nxt = group[-1] + 1
            gap = _GAP_QUALIFIER.sub("", self.text[self.spans[group[-1]][1] : self.spans[nxt][0]].strip())
            if not _CONNECTOR.match(gap):
                break
            group.append(nxt)
        return group

    def _listed(self, i: int, raw: str) -> tuple[str, str] | None:
        """城乡居民人均可支配收入分别增长5%、7%: one metric of the subject per figure of the list."""
        k = raw.rfind("分别")
        if k < 0:
            return None
        group = self.group(i)
        subject = clean_label(raw[:k], keep_list=True)
        items = split_subject(subject, len(group))
        if not items:
            return None
        verb = re.sub(r"^同比", "", raw[k + 2 :].strip())
        labels = [self._join(x, verb) for x in items] if _CHANGE.match(verb) else items
        for j, label, item in zip(group[1:], labels[1:], items[1:], strict=True):
            self._forced[j] = (label, item)
        return labels[0], items[0]

    @staticmethod
    def _yearly(raw: str, post: str) -> str:
        m = re.search(r"年(?:产|处理|加工)$", raw)
        return m.group(0) + post if m else post

    def _change(self, i: int, raw: str, bare: str) -> tuple[str, str]:
        """同比增长 after a figure: the change of that figure's metric (…80亿元,同比增长6%)."""
        part = self.layout.span("part", self.spans[i][0])
        before = [j for j in range(i) if self.spans[j][0] >= part[0]]
        group = self.group(i)
        if "分别" in raw or len(group) > 1:
            # 分别增长4.6%、7.3% / 分别完成25600元和12100元，增长10%和12%: one earlier figure per figure of
            # the group (without 分别, only when those earlier figures are of as many different subjects)
            subjects = [self.subjects[j] for j in before[-len(group) :]]
            distinct = "分别" in raw or len(set(subjects)) == len(group)
            if len(subjects) == len(group) and all(subjects) and distinct:
                for j, subj in zip(group[1:], subjects[1:], strict=True):
                    self._forced[j] = (self._join(subj, bare), subj or "")
                return self._join(subjects[0], bare), subjects[0] or ""
        # 占年度计划的22.8%,同比增长16.5%: a share is not what grew
        before = [j for j in before if not (self.labels[j] or "").startswith("占")]
        subject = self.subjects[before[-1]] if before else None
        if subject:
            return self._join(subject, bare), subject
        return bare, ""

    @staticmethod
    def _join(subject: str | None, change: str) -> str:
        subject = re.sub(r"(?:同比)?(?:增长|下降|提高|提升|增速)$", "", subject or "")
        return subject + change if subject else change


def quote_for(text: str, clause: tuple[int, int]) -> str:
    return text[clause[0] : clause[1]].strip()


