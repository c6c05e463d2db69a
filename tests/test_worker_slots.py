"""COUNTYBOT_WORKER_REPORTS: one worker processes at most that many reports at once; the others wait
(in the database, where any worker with room claims them). Slots themselves, then a real bot whose LLM
calls are counted by the loopback fake LLM."""

from __future__ import annotations

import asyncio

from bench.bench_bot import _answer, _is_digest, _reports
from bot.telegram.state import Slots
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.tgkit import bot, env, tg  # noqa: F401 (fixtures)


async def test_slots_bound_the_holders_and_hand_a_freed_slot_on() -> None:
    slots = Slots(2)
    inside, most = 0, 0

    async def work() -> None:
        nonlocal inside, most
        async with slots.hold():
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(work() for _ in range(7)))
    assert most == 2 and slots.used == 0
    woken: list[int] = []
    slots.on_free = lambda: woken.append(slots.free)
    assert slots.take() and slots.take() and not slots.take()  # the queue runner's way: never past n
    slots.give()
    assert woken == [1]  # nobody waiting: the runner is woken to claim
    slots.give(unused=True)
    assert woken == [1]  # a slot the runner had no work for: waking it would make it spin


async def test_a_waiter_cancelled_after_being_woken_passes_the_slot_on() -> None:
    slots = Slots(1)
    assert slots.take()
    first = asyncio.create_task(slots.hold().__aenter__())
    entered = asyncio.Event()

    async def second() -> None:
        async with slots.hold():
            entered.set()

    other = asyncio.create_task(second())
    await asyncio.sleep(0.01)  # both wait
    slots.give()  # wakes `first`...
    first.cancel()  # ...which is cancelled before it runs
    await asyncio.wait_for(entered.wait(), 1)  # the slot went to the next waiter
    await other
    assert slots.used == 0


def _slow_answer(request: dict) -> Reply:
    reply = _answer(request)
    return Reply(content=reply.content, delay=0.4)


async def test_a_worker_sends_no_more_llm_calls_at_once_than_its_slots(env, tg) -> None:  # noqa: F811
    with FakeOpenAI() as llm:
        llm.default = _slow_answer
        env.setenv("OPENAI_BASE_URL", llm.base_url)
        env.setenv("OPENAI_API_KEY", "sk-test")
        env.setenv("COUNTYBOT_WORKER_REPORTS", "2")
        chats = list(range(7001, 7007))
        async with bot():
            for chat, text in zip(chats, _reports(len(chats)), strict=True):
                tg.send_document(chat, chat, f"{chat}.txt", text.encode())
            for chat in chats:
                await tg.wait_for("sendMessage", 2, chat_id=chat, timeout=30)  # the ack, then the digest
        assert len(llm.requests) >= len(chats)
        assert llm.max_in_flight == 2  # six reports arrived at once: two at a time, and two did overlap
    assert all(any(_is_digest(t) for t in tg.texts(c)) for c in chats)
