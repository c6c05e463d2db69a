"""The LLM call log for people (`countybot llm log`, `--show N`): one line per call, and one call whole —
its prompt, the model's answer and what of the answer was not taken, and why. Times in the configured
zone with the zone written; outcomes and reasons in Chinese (the record keeps the codes)."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from extract.llm.calllog import CallRecord

OUTCOMES = {
    "ok": "成功",
    "invalid": "答案不合格",
    "empty": "空答案",
    "refusal": "拒绝回答",
    "length": "答案被截断",
    "format_rejected": "不支持该格式",
    "param_rejected": "不支持该参数",
    "context_exceeded": "输入过长",
    "timeout": "超时",
    "connection_error": "连接失败",
    "rate_limited": "限流",
    "server_error": "服务器错误",
    "client_error": "请求错误",
}
WHAT = {
    "figure": "数字",
    "added": "补充的数字",
    "summary": "摘要句",
    "highlight": "要点",
    "person": "人物",
    "county": "县",
    "label": "标签",
    "kind": "目标/实际",
}
REASONS = {
    "unknown_id": "不是给出的候选编号，已删除",
    "not_in_text": "原文中没有，已删除",
    "not_a_number": "不是带单位的数字，已删除",
    "date_or_duration": "是日期或时长，不是关键数字，已删除",
    "empty": "没有写出数字，已删除",
    "numbers_not_in_text": "含原文没有的数字，已删除",
    "people_not_in_text": "提到原文没有的人，已删除",
    "role_not_given": "给人加了原文没有给的职务，已删除",
    "county_not_named": "原文没有提到这个县，已删除",
    "label_unsupported": "所在分句不支持这个说法，改用规则的标签",
    "label_says_growth": "把下降说成增长，改用规则的标签",
    "kind_flipped": "与所在分句的说法相反，保留规则的判断",
    "not_chinese": "不是中文，已删除",
}


def when(rec: CallRecord, zone: tzinfo) -> str:
    return f"{rec.time.astimezone(zone):%Y-%m-%d %H:%M:%S %Z}"


def latency(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def tokens(rec: CallRecord) -> str:
    if rec.prompt_tokens is None:
        return "-"
    return f"{rec.prompt_tokens or 0}+{rec.completion_tokens or 0}"


def not_taken(rec: CallRecord) -> int:
    """How many parts of the answer were not taken (records older than `rejected` count overrides)."""
    return len(rec.rejected) or len(rec.overrides)


HEADER = "编号  时间                     模型  模式         token（输入+输出）  耗时      结果"


def call_row(n: int, rec: CallRecord, zone: tzinfo) -> str:
    line = (
        f"{n:>4}  {when(rec, zone)}  {rec.model}  {rec.mode:<11}  {tokens(rec):>17}  "
        f"{latency(rec.latency_ms):>8}  {OUTCOMES.get(rec.outcome, rec.outcome)}"
    )
    return line + (f"（{not_taken(rec)} 处未采用）" if not_taken(rec) else "")


def call_text(n: int, rec: CallRecord, zone: tzinfo) -> str:
    """One call whole: what was sent, what came back, what was not taken and why."""
    lines = [
        f"调用 {n} · {when(rec, zone)} · {rec.model} · {rec.mode} · {OUTCOMES.get(rec.outcome, rec.outcome)}",
        f"服务器 {rec.base_url} · token {tokens(rec)} · 耗时 {latency(rec.latency_ms)} · "
        f"提示版本 {rec.prompt_version} · 报告 sha256 {rec.doc_sha256[:12]}",
    ]
    if rec.error:
        lines.append(f"问题：{rec.error}")
    if rec.forgotten:
        lines += ["", "（报告已删除：这次调用的提示、回答和引文随之删除）"]
    elif not rec.messages:
        lines += ["", "（这次调用没有记录提示和回答：记录早于这项功能）"]
    else:
        lines += ["", f"── 提示（{len(rec.messages)} 条消息）──"]
        for m in rec.messages:
            lines += [f"[{m.get('role', '?')}]", m.get("content", ""), ""]
        lines.append("── 模型的回答 ──")
        outcome = OUTCOMES.get(rec.outcome, rec.outcome)
        lines.append(rec.response if rec.response else f"（没有回答：{outcome}）")
    if rec.rejected:
        lines += ["", f"── 未采用（{len(rec.rejected)} 处）──"]
        for r in rec.rejected:
            item = f"「{r.item}」" if r.what in ("summary", "highlight") else f" {r.item}"
            lines.append(f"· {WHAT.get(r.what, r.what)}{item}：{REASONS.get(r.reason, r.reason)}")
            if r.detail:
                lines.append(f"    记录：{r.detail}")
    elif rec.overrides:  # a record from before `rejected`: the override lines as logged
        lines += ["", f"── 未采用（{len(rec.overrides)} 处）──", *(f"· {o}" for o in rec.overrides)]
    elif rec.messages and rec.outcome == "ok":
        lines += ["", "答案全部采用。"]
    return "\n".join(lines)
