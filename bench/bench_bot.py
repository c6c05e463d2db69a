"""Telegram bot bench: `countybot serve` in its own process (the real Application, Service on a temporary
SQLite file, real pipeline), against the fake Bot API and a fake OpenAI-compatible server that answers
after 2 s, both running in this process.

- 50 reports pasted in 50 chats at once: time until all 50 digests are sent (goal ≤ 6 s). A paste shorter
  than COUNTYBOT_JOIN_MIN_CHARS does not wait for the join window.
- one paste at a time: the time from the message to its digest above the LLM's own time (goal ≤ 0.3 s).
- the bot process's resident memory after 100 reports (goal ≤ 150 MB).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHATS = 50
LLM_DELAY_S = 2.0
DIGEST_FOOTER = ("<i>AI 摘要", "<i>规则摘要")  # every digest ends with its backend


def _answer(request: dict[str, Any]) -> Any:
    """A well-formed answer choosing the first few candidate figures: no re-ask, no fallback."""
    from tests.fakes.openai_server import Reply

    user = next((m["content"] for m in reversed(request.get("messages", [])) if m["role"] == "user"), "")
    ids = list(dict.fromkeys(re.findall(r"\[(F\d+)\]", user)))[:6]
    answer = {
        "summary": "报告介绍了县里近期的重点工作和下一步安排。",
        "highlights": ["部署重点项目建设", "推进产业发展", "改善民生"],
        "counties": [],
        "people": [],
        "figures": [{"id": i, "label": "指标", "kind": None, "period": None} for i in ids],
        "added": [],
    }
    return Reply(content=json.dumps(answer, ensure_ascii=False), delay=LLM_DELAY_S)


def _reports(n: int) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    # distinct texts: identical ones would be answered by the duplicate check or the digest cache
    return [f"{texts[i % len(texts)]}\n（编号 {i}）" for i in range(n)]


def _is_digest(text: str) -> bool:
    return any(mark in text for mark in DIGEST_FOOTER)


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.01)


def _wave(tg, texts: list[str], first_chat: int) -> float:
    chats = [first_chat + i for i in range(len(texts))]
    t0 = time.perf_counter()
    for chat, text in zip(chats, texts, strict=True):
        tg.send_text(chat, chat, text)
    _wait(lambda: all(any(_is_digest(t) for t in tg.texts(c)) for c in chats), 120, f"{len(chats)} digests")
    return time.perf_counter() - t0


def main() -> None:
    import psutil

    from tests.fakes.openai_server import FakeOpenAI
    from tests.fakes.telegram_server import FakeTelegram

    with tempfile.TemporaryDirectory() as tmp, FakeTelegram() as tg, FakeOpenAI() as llm:
        llm.default = _answer
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("COUNTYBOT_", "TELEGRAM_", "OPENAI_"))
        }
        env.update(
            {
                "TELEGRAM_BOT_TOKEN": tg.token,
                "TELEGRAM_API_URL": tg.url,
                "OPENAI_BASE_URL": llm.base_url,
                "OPENAI_API_KEY": "sk-bench",
                "COUNTYBOT_DB": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                "COUNTYBOT_DAILY_LLM_LIMIT": "1000",
                "PYTHONPATH": str(ROOT),
            }
        )
        log = open(Path(tmp) / "serve.log", "w")  # noqa: SIM115 (closed below, after the process)
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve"], cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait(lambda: tg.calls_of("getUpdates"), 60, "the bot to poll")
            texts = _reports(2 * CHATS + 1)
            _wave(tg, texts[-1:], 999)  # warm-up: first-use loading (OpenCC, gazetteer, openai)
            rss_start = psutil.Process(bot.pid).memory_info().rss / 2**20
            single = []
            for i in range(5):  # one paste at a time: what the bot adds to the model's own time
                calls_before = len(llm.requests)
                took = _wave(tg, [f"{texts[i]}（单独 {i}）"], 3000 + i)
                single.append(took - LLM_DELAY_S * (len(llm.requests) - calls_before))
            first = _wave(tg, texts[:CHATS], 1000)
            _wave(tg, texts[CHATS : 2 * CHATS], 2000)
            rss = psutil.Process(bot.pid).memory_info().rss / 2**20
        finally:
            bot.send_signal(signal.SIGINT)
            try:
                bot.wait(timeout=30)
            except subprocess.TimeoutExpired:
                bot.kill()
            log.close()
        fallbacks = sum("<i>规则摘要" in t for t in tg.texts())
        calls = len(llm.requests)
    print(
        f"   {CHATS} reports from {CHATS} chats at once, LLM answering after {LLM_DELAY_S:g} s: "
        f"all digests sent in {first:.2f} s (goal ≤ 6 s)"
    )
    single.sort()
    print(
        f"   one paste at a time: message to digest {single[2]:.2f} s above the LLM's own time "
        f"(median of 5, min {single[0]:.2f}, max {single[-1]:.2f}; goal ≤ 0.3 s)"
    )
    print(
        f"   bot RSS after {2 * CHATS} reports: {rss:.0f} MB (goal ≤ 150 MB; {rss_start:.0f} MB after "
        f"the first); {calls} LLM calls, {fallbacks} rules fallbacks"
    )


if __name__ == "__main__":
    main()
