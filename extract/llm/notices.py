"""What a user is told about the model's answer: short, fixed Chinese sentences with counts — never the
model's or the server's own text (that goes to the call log only).

Written in simplified script; the bot converts a whole reply to a chat's traditional script when the
chat asks for it (bot/telegram/reply.convert), so the same notice reads 「AI 給出的 3 處數字…」 there.
"""

from __future__ import annotations

from collections import Counter

# per-answer drops (counted across chunks)
_DROPPED = {
    "numbers": "AI 给出的 {n} 处数字在原文中找不到，已删除",
    "people": "AI 给出的 {n} 个人名在原文中找不到，已删除",
    "roles": "AI 写错了 {n} 处人物职务，相关句子已删除",
    "counties": "AI 给出的 {n} 个县名与报告不符，已删除",
    "language": "AI 给出的 {n} 句不是中文，已删除",
}
# parts of the digest the rules filled in
_FILLED = {
    "summary": "摘要",
    "figures": "关键数字",
    "people": "人物",
    "counties": "县名",
}
# why no LLM digest at all (the reason category, never the upstream text)
FALLBACK = {
    "unreachable": "AI 服务连不上，已改用规则摘要",
    "timeout": "AI 服务响应超时，已改用规则摘要",
    "auth": "AI 服务拒绝了密钥，已改用规则摘要",
    "quota": "AI 服务额度不足或限流，已改用规则摘要",
    "refused": "AI 拒绝处理这份报告，已改用规则摘要",
    "invalid": "AI 的回答无法使用，已改用规则摘要",
    "breaker": "AI 服务近期连续失败，暂停调用，已改用规则摘要",
    "empty": "报告没有正文，已改用规则摘要",
    "error": "AI 摘要失败，已改用规则摘要",
}
FALLBACK_SUFFIX = "已改用规则摘要"


def dropped(counts: Counter[str]) -> list[str]:
    return [_DROPPED[k].format(n=counts[k]) for k in _DROPPED if counts.get(k)]


def source_note(sources: dict[str, str]) -> str:
    """The parts the rules filled in, for the backend line: 「关键数字、人物由规则补上」, or ""."""
    names = [_FILLED[p] for p in _FILLED if sources.get(p) == "rules"]
    return f"{'、'.join(names)}由规则补上" if names else ""


def fallback(reason: str) -> str:
    return FALLBACK.get(reason, FALLBACK["error"])


def is_fallback_notice(text: str) -> bool:
    return text in FALLBACK.values()
