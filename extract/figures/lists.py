"""Several metrics named in one phrase: the subjects of a 分别 list and a rate shared by a list.

- 城镇和农村居民人均可支配收入分别增长5%、7% / 城乡居民人均可支配收入分别增长5%和7%
  -> 城镇居民人均可支配收入增长, 农村居民人均可支配收入增长 (城乡 and 进出口 name two metrics; a short first
  item takes the last item's tail);
- 工业投资、技改投资增长20%以上 -> 工业投资增长, 技改投资增长 (one rate of change, one figure per metric);
  so is 全部财政收入和一般预算收入均增长17%以上 (均: each of them).
"""

from __future__ import annotations

import re

from extract.figures.metrics import METRICS

_SEP = re.compile(r"以及|、|和|及|与")
# A compound naming two metrics, in the order reports list them (城乡 = 城镇 then 农村)
_PAIRS = {"城乡": ("城镇", "农村"), "进出口": ("进口", "出口")}
_CHANGE_END = re.compile(r"(?:同比)?(?:负增长|增长|增速|增幅|下降|提高|提升|降低|减少|下滑|回落)$")
_SHORT = 3  # a first item this short is a modifier of the last item's noun (城镇、农村居民…)


def _distribute(items: list[str]) -> list[str]:
    """城镇 + 农村居民人均可支配收入 -> 城镇居民人均可支配收入; 国家级 + 省级科技企业 -> 国家级科技企业."""
    last = items[-1]
    out = []
    for item in items[:-1]:
        if len(item) <= _SHORT and len(last) > len(item) + 1:
            head = last.index("级") + 1 if item.endswith("级") and "级" in last[:4] else len(item)
            out.append(item + last[head:])
        else:
            out.append(item)
    return [*out, last]


_COUNTED = re.compile(r"^(?P<list>.+?)(?:两|二|三|四|五|六|七|八|九|十)(?:个|项|大|类|家)(?P<noun>.{2,})$")


def split_subject(subject: str, n: int) -> list[str] | None:
    """The n metrics a 分别 list's subject names, or None when it does not name n of them."""
    if n < 2 or not subject:
        return None
    counted = _COUNTED.match(subject)  # 绿色建材、绿色食品两个产业集群年营收 -> 绿色建材产业集群年营收 …
    if counted:
        items = [t for t in _SEP.split(counted.group("list")) if t]
        if len(items) == n:
            return [t + counted.group("noun") for t in items]
    items = [t for t in _SEP.split(subject) if t]
    if len(items) == n and all(len(t) >= 2 for t in items):
        return _distribute(items)
    if n == 2 and len(items) == 1:
        for word, (a, b) in _PAIRS.items():
            k = subject.find(word)
            if k >= 0:
                head, tail = subject[:k], subject[k + len(word) :]
                return [head + a + tail, head + b + tail]
    return None


def _named(item: str) -> bool:
    return any(item in names for names in METRICS.values())


def shared_metrics(label: str) -> list[str]:
    """工业投资、技改投资增长 -> [工业投资增长, 技改投资增长]; [] when the label is one metric."""
    m = _CHANGE_END.search(label)
    body = label[: m.start()] if m else ""
    both = body.endswith("均")  # 全部财政收入和一般预算收入均增长17%: 均 says each of them
    # …和… without 均: only when every item is a metric of the vocabulary (全部财政收入和一般预算收入增长17%)
    parts = _SEP.split(body)
    known = not both and "、" not in body and len(parts) > 1 and all(map(_named, _distribute(parts)))
    if not m or ("、" not in label and not both and not known) or "等" in label:
        return []
    change = m.group(0)
    items = _SEP.split(body[:-1] if both else body) if both or known else body.split("、")
    if len(items) < 2 or any(len(t) < 2 for t in items) or len(items[-1]) < _SHORT:
        return []
    return [t + change for t in _distribute(items)]
