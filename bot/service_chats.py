"""The Service's chat side (mixed into bot.service.Service): settings, quota, subscriptions, follows and
the days a daily digest went out."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.models import ChatSettings, Subscription
from bot.settings import format_clock, parse_clock
from extract.models import Script

if TYPE_CHECKING:
    from bot.store.repo import Store


class ChatSteps:
    store: Store

    # ---- chats ---------------------------------------------------------------------------------

    async def chat_settings(self, chat_id: int) -> ChatSettings:
        script = await self.store.chats.chat_script(chat_id)
        return ChatSettings(chat_id=chat_id, script=script or "simplified")  # type: ignore[arg-type]

    async def set_script(self, chat_id: int, script: Script) -> None:
        if script not in ("simplified", "traditional"):
            raise ValueError(f"unknown script {script!r}")
        await self.store.chats.set_script(chat_id, script)

    async def take_llm_quota(self, chat_id: int, day: date, limit: int) -> bool:
        return await self.store.chats.take_quota(chat_id, day, limit)

    async def give_back_llm_quota(self, chat_id: int, day: date) -> None:
        await self.store.chats.give_back_quota(chat_id, day)

    async def llm_quota_used(self, chat_id: int, day: date) -> int:
        return await self.store.chats.quota_used(chat_id, day)

    # ---- subscriptions -------------------------------------------------------------------------

    async def subscribe(self, chat_id: int, time: str, timezone: str) -> Subscription:
        """Create or move the chat's daily digest. ValueError for a bad time or an unknown time zone."""
        time = format_clock(parse_clock(time))
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {timezone!r}") from exc
        await self.store.chats.upsert_subscription(chat_id, time, timezone)
        follows = await self.store.chats.follows([chat_id])
        return Subscription(chat_id=chat_id, time=time, timezone=timezone, counties=follows.get(chat_id, []))

    async def unsubscribe(self, chat_id: int) -> bool:
        """Stops the daily digest; followed counties are kept for a later subscribe."""
        return await self.store.chats.delete_subscription(chat_id)

    async def follow(self, chat_id: int, county: str) -> None:
        await self.store.chats.add_follow(chat_id, county.strip())

    async def unfollow(self, chat_id: int, county: str) -> bool:
        return await self.store.chats.remove_follow(chat_id, county.strip())

    async def followed(self, chat_id: int) -> list[str]:
        return (await self.store.chats.follows([chat_id])).get(chat_id, [])

    async def subscription(self, chat_id: int) -> Subscription | None:
        found = await self.subscriptions(chat_id)
        return found[0] if found else None

    async def subscriptions(self, chat_id: int | None = None) -> list[Subscription]:
        """Every chat's subscription (or one chat's), with the counties each follows."""
        rows = await self.store.chats.subscription_rows(chat_id)
        follows = await self.store.chats.follows([r.chat_id for r in rows]) if rows else {}
        return [
            Subscription(
                chat_id=r.chat_id, time=r.time, timezone=r.timezone, counties=follows.get(r.chat_id, [])
            )
            for r in rows
        ]

    async def mark_digest_sent(self, chat_id: int, day: date) -> bool:
        """False when that day was already marked sent (atomic: a unique key, not read-then-write)."""
        return await self.store.chats.mark_sent(chat_id, day)

    async def digest_sent(self, chat_id: int, day: date) -> bool:
        return await self.store.chats.was_sent(chat_id, day)
