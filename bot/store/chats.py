"""The chat aggregate: a chat's settings, its LLM quota, its daily-digest subscription, the counties it
follows and the days its digest went out. Atomic steps rely on unique keys, never read-then-write."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.base import Database, clip, utcnow
from bot.store.tables import ChatSettingsRow, FollowedCounty, LLMQuota, SentDigest, SubscriptionRow


@dataclass(frozen=True)
class SubscriptionRecord:
    chat_id: int
    time: str  # "HH:MM"
    timezone: str


class Chats:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def _upsert(self, table: type, chat_id: int, values: dict, created: dict) -> None:
        """Update the chat's row, else insert it; a row created concurrently is updated instead."""
        stmt = update(table).where(table.chat_id == chat_id).values(**values)
        async with self.db.write() as conn:
            if (await conn.execute(stmt)).rowcount:
                return
        try:
            async with self.db.write() as conn:
                await conn.execute(insert(table).values(chat_id=chat_id, **values, **created))
        except IntegrityError:
            async with self.db.write() as conn:
                await conn.execute(stmt)

    # ---- settings and quota --------------------------------------------------------------------

    async def chat_script(self, chat_id: int) -> str | None:
        async with self.db.read() as conn:
            stmt = select(ChatSettingsRow.script).where(ChatSettingsRow.chat_id == chat_id)
            return (await conn.execute(stmt)).scalar()

    async def set_script(self, chat_id: int, script: str) -> None:
        await self._upsert(ChatSettingsRow, chat_id, {"script": script, "updated": utcnow()}, {})

    async def take_quota(self, chat_id: int, day: date, limit: int) -> bool:
        """Atomic, one statement on SQLite and PostgreSQL: insert the day's first use, or add one while
        under the limit (`ON CONFLICT DO UPDATE ... WHERE used < limit RETURNING`); no row back means
        the limit was reached. Other databases: a conditional update, else the first insert."""
        if limit <= 0:
            return False
        dialect = self.db.engine.dialect.name
        if dialect in ("sqlite", "postgresql"):
            if dialect == "sqlite":
                from sqlalchemy.dialects.sqlite import insert as upsert
            else:
                from sqlalchemy.dialects.postgresql import insert as upsert
            stmt = (
                upsert(LLMQuota)
                .values(chat_id=chat_id, day=day, used=1)
                .on_conflict_do_update(
                    index_elements=[LLMQuota.chat_id, LLMQuota.day],
                    set_={"used": LLMQuota.used + 1},
                    where=LLMQuota.used < limit,
                )
                .returning(LLMQuota.used)
            )
            async with self.db.write() as conn:
                return (await conn.execute(stmt)).first() is not None
        return await self._take_quota_portable(chat_id, day, limit)

    async def _take_quota_portable(self, chat_id: int, day: date, limit: int) -> bool:
        for _ in range(2):
            async with self.db.write() as conn:
                res = await conn.execute(
                    update(LLMQuota)
                    .where(LLMQuota.chat_id == chat_id, LLMQuota.day == day, LLMQuota.used < limit)
                    .values(used=LLMQuota.used + 1)
                )
                if res.rowcount == 1:
                    return True
                exists = (
                    await conn.execute(
                        select(LLMQuota.used).where(LLMQuota.chat_id == chat_id, LLMQuota.day == day)
                    )
                ).scalar()
                if exists is not None:
                    return False
            try:
                async with self.db.write() as conn:
                    await conn.execute(insert(LLMQuota).values(chat_id=chat_id, day=day, used=1))
                return True
            except IntegrityError:
                continue  # someone inserted first; the update path decides
        return False

    async def give_back_quota(self, chat_id: int, day: date) -> None:
        """Undo one take_quota (the report it was taken for is processed, and charged, elsewhere)."""
        async with self.db.write() as conn:
            await conn.execute(
                update(LLMQuota)
                .where(LLMQuota.chat_id == chat_id, LLMQuota.day == day, LLMQuota.used > 0)
                .values(used=LLMQuota.used - 1)
            )

    async def quota_used(self, chat_id: int, day: date) -> int:
        async with self.db.read() as conn:
            stmt = select(LLMQuota.used).where(LLMQuota.chat_id == chat_id, LLMQuota.day == day)
            return int((await conn.execute(stmt)).scalar() or 0)

    # ---- subscriptions -------------------------------------------------------------------------

    async def upsert_subscription(self, chat_id: int, time: str, timezone: str) -> None:
        await self._upsert(
            SubscriptionRow, chat_id, {"time": time, "timezone": timezone}, {"created": utcnow()}
        )

    async def delete_subscription(self, chat_id: int) -> bool:
        async with self.db.write() as conn:
            res = await conn.execute(delete(SubscriptionRow).where(SubscriptionRow.chat_id == chat_id))
            return res.rowcount > 0

    async def subscription_rows(self, chat_id: int | None = None) -> list[SubscriptionRecord]:
        stmt = select(SubscriptionRow.chat_id, SubscriptionRow.time, SubscriptionRow.timezone).order_by(
            SubscriptionRow.chat_id
        )
        if chat_id is not None:
            stmt = stmt.where(SubscriptionRow.chat_id == chat_id)
        async with self.db.read() as conn:
            return [SubscriptionRecord(*r) for r in (await conn.execute(stmt)).all()]

    async def add_follow(self, chat_id: int, county: str) -> bool:
        county = clip(FollowedCounty.county, county)
        try:
            async with self.db.write() as conn:
                await conn.execute(
                    insert(FollowedCounty).values(chat_id=chat_id, county=county, created=utcnow())
                )
            return True
        except IntegrityError:
            return False  # already followed

    async def remove_follow(self, chat_id: int, county: str) -> bool:
        county = clip(FollowedCounty.county, county)
        async with self.db.write() as conn:
            res = await conn.execute(
                delete(FollowedCounty).where(
                    FollowedCounty.chat_id == chat_id, FollowedCounty.county == county
                )
            )
            return res.rowcount > 0

    async def follows(self, chat_ids: Iterable[int] | None = None) -> dict[int, list[str]]:
        stmt = select(FollowedCounty.chat_id, FollowedCounty.county).order_by(
            FollowedCounty.chat_id, FollowedCounty.created, FollowedCounty.county
        )
        if chat_ids is not None:
            stmt = stmt.where(FollowedCounty.chat_id.in_(list(chat_ids)))
        out: dict[int, list[str]] = {}
        async with self.db.read() as conn:
            for chat_id, county in (await conn.execute(stmt)).all():
                out.setdefault(chat_id, []).append(county)
        return out

    # ---- daily digests sent --------------------------------------------------------------------

    async def mark_sent(self, chat_id: int, day: date) -> bool:
        try:
            async with self.db.write() as conn:
                await conn.execute(insert(SentDigest).values(chat_id=chat_id, day=day, sent_at=utcnow()))
            return True
        except IntegrityError:
            return False

    async def was_sent(self, chat_id: int, day: date) -> bool:
        """The day's digest went out (or there was nothing to send); a claimed or lost one was not."""
        async with self.db.read() as conn:
            stmt = select(SentDigest.state).where(SentDigest.chat_id == chat_id, SentDigest.day == day)
            return (await conn.execute(stmt)).scalar() in ("delivered", "empty")

    async def digest_state(self, chat_id: int, day: date) -> tuple[str, int] | None:
        async with self.db.read() as conn:
            stmt = select(SentDigest.state, SentDigest.attempts).where(
                SentDigest.chat_id == chat_id, SentDigest.day == day
            )
            row = (await conn.execute(stmt)).first()
        return (row[0], row[1]) if row else None

    async def claim_digest(self, chat_id: int, day: date, lease_s: float, max_attempts: int) -> bool:
        """Claim the day's digest for one sender: the first claim inserts the row; a claim whose lease ran
        out (the sender died, or a failed send waits for its retry) is taken again while attempts last."""
        now = utcnow()
        until = now + timedelta(seconds=lease_s)
        try:
            async with self.db.write() as conn:
                await conn.execute(
                    insert(SentDigest).values(
                        chat_id=chat_id, day=day, sent_at=now, state="claimed", lease_until=until, attempts=1
                    )
                )
            return True
        except IntegrityError:
            pass
        async with self.db.write() as conn:
            res = await conn.execute(
                update(SentDigest)
                .where(SentDigest.chat_id == chat_id, SentDigest.day == day, SentDigest.state == "claimed")
                .where(SentDigest.lease_until < now, SentDigest.attempts < max_attempts)
                .values(lease_until=until, attempts=SentDigest.attempts + 1, sent_at=now)
            )
            return res.rowcount == 1

    async def finish_digest(self, chat_id: int, day: date, state: str) -> None:
        """claimed -> delivered or empty."""
        async with self.db.write() as conn:
            await conn.execute(
                update(SentDigest)
                .where(SentDigest.chat_id == chat_id, SentDigest.day == day, SentDigest.state == "claimed")
                .values(state=state, sent_at=utcnow(), lease_until=None)
            )

    async def retry_digest(self, chat_id: int, day: date, retry_s: float) -> None:
        """A failed send: the claim stays, free for any worker to take again after retry_s."""
        async with self.db.write() as conn:
            await conn.execute(
                update(SentDigest)
                .where(SentDigest.chat_id == chat_id, SentDigest.day == day, SentDigest.state == "claimed")
                .values(lease_until=utcnow() + timedelta(seconds=retry_s))
            )

    async def lose_digest(self, chat_id: int, day: date, *, max_attempts: int | None = None) -> int | None:
        """claimed -> lost once no sender holds it (and, with max_attempts, once they ran out); returns
        the attempts made to the one caller that recorded the loss (it tells the admin), else None."""
        now = utcnow()
        stmt = (
            update(SentDigest)
            .where(SentDigest.chat_id == chat_id, SentDigest.day == day, SentDigest.state == "claimed")
            .where(SentDigest.lease_until < now)
        )
        if max_attempts is not None:
            stmt = stmt.where(SentDigest.attempts >= max_attempts)
        async with self.db.write() as conn:
            if (await conn.execute(stmt.values(state="lost"))).rowcount != 1:
                return None
            return (
                await conn.execute(
                    select(SentDigest.attempts).where(SentDigest.chat_id == chat_id, SentDigest.day == day)
                )
            ).scalar()

    async def subscriptions_created(self) -> dict[int, datetime]:
        async with self.db.read() as conn:
            rows = (await conn.execute(select(SubscriptionRow.chat_id, SubscriptionRow.created))).all()
        return {r[0]: r[1] for r in rows}
