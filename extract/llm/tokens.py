"""Token estimates without a tokenizer download (no tiktoken): a fair upper bound, not an exact count.

Measured tokenizers put one CJK character at ~0.6-0.7 tokens; ASCII prose, JSON and digits run at
roughly 3-4 characters a token. We count CJK at 0.7 and everything else at 0.3 so estimates err high.
"""

from __future__ import annotations

import re

CJK_TOKENS = 0.7
OTHER_TOKENS = 0.3
MESSAGE_OVERHEAD = 4  # role and separators per chat message

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def estimate_tokens(text: str) -> int:
    cjk = len(_CJK.findall(text))
    other = len(text) - cjk - text.count(" ")
    return int(cjk * CJK_TOKENS + max(other, 0) * OTHER_TOKENS + 0.999)


def estimate_messages(messages: list[dict[str, str]]) -> int:
    return sum(estimate_tokens(m.get("content") or "") + MESSAGE_OVERHEAD for m in messages)
