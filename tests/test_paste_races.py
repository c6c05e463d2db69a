"""Races of a paste whose parts reach the bot out of step (several workers, or a busy one): a tail that
arrives before its first part is stored, and a join made by another worker. A real bot on an SQLite
file and the fake Bot API; the "other worker" is a second Service on the same file."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.service import Service
from bot.settings import get_settings
from bot.store.tables import Report
from bot.telegram.commands import HINT as TG_HINT
from bot.telegram.joiner import join_parts, key_text
from tests.fakes.openai_server import FakeOpenAI
from tests.tgkit import SEED0, USER, bot, digests, env, tg  # noqa: F401 (fixtures)

TAIL = "（完）"


async def _raws(svc: Service) -> list[str]:
    async with svc.store.engine.connect() as conn:
        rows = (await conn.execute(select(Report.raw).order_by(Report.id))).scalars().all()
    return [bytes(r).decode("utf-8") for r in rows]


async def test_a_tail_that_arrives_before_its_first_part_is_stored_joins_it(env, tg) -> None:  # noqa: F811
    env.setenv("COUNTYBOT_JOIN_MIN_CHARS", "1")  # the seed stands for a first part cut at Telegram's limit
    async with bot():
        tg.send_text(USER, USER, TAIL)  # not a report on its own: alone it would get the hint
        await asyncio.sleep(0.1)
        tg.send_text(USER, USER, SEED0)
        await tg.wait_text(USER, "关键数字", timeout=30)
        await asyncio.sleep(0.5)
    assert not any(TG_HINT in t for t in tg.texts(USER))
    assert len(digests(tg, USER)) == 1
    svc = await Service.create(get_settings())
    try:
        [raw] = await _raws(svc)
    finally:
        await svc.close()
    assert TAIL in raw and SEED0.strip()[:50] in raw


async def test_a_join_made_by_another_worker_charges_the_quota_once(env, tg) -> None:  # noqa: F811
    with FakeOpenAI() as llm:
        llm.default = lambda _req: (_ for _ in ()).throw(AssertionError("not processed here"))
        env.setenv("OPENAI_BASE_URL", llm.base_url)
        env.setenv("OPENAI_API_KEY", "sk-test")
        env.setenv("COUNTYBOT_JOIN_WINDOW_S", "1.5")
        env.setenv("COUNTYBOT_JOIN_MIN_CHARS", "1")  # the seed stands for a first part cut at the limit
        other = await Service.create(get_settings())
        name = key_text((USER, USER, None))
        try:
            async with bot():
                tg.send_text(USER, USER, SEED0)
                rid = None
                for _ in range(100):  # the other worker joins the part the moment it is stored
                    if (rid := await other.join_parts(name, 0.0, join_parts, own=True)) is not None:
                        break
                    await asyncio.sleep(0.02)
                assert rid is not None
                await asyncio.sleep(2.0)  # the first handler's window passes: it finds the parts joined
            day = datetime.now(ZoneInfo(get_settings().timezone)).date()
            assert await other.llm_quota_used(USER, day) == 0  # the worker processing it takes it
            assert digests(tg, USER) == []  # nor did this bot process it: it is the other's
        finally:
            await other.close()
