"""SQLAlchemy 2 declarative models. Times are naive UTC (portable across SQLite and PostgreSQL).

Changing a table here needs a new numbered migration in bot/store/migrations.py.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class SchemaVersion(Base):
    __tablename__ = "schema_version"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    description: Mapped[str] = mapped_column(String(200))
    applied: Mapped[datetime] = mapped_column(DateTime)


class Report(Base):
    """One submission. The raw bytes are written first (status pending) so a crash loses nothing."""

    __tablename__ = "reports"
    __table_args__ = (
        # same normalised text in the same scope is stored once; NULLs (pending/failed/duplicate) never clash
        UniqueConstraint("scope", "sha256", name="uq_reports_scope_sha256"),
        Index("ix_reports_scope_received", "scope", "received"),
        Index("ix_reports_status", "status"),
        Index("ix_reports_chat_delivered", "chat_id", "delivered_at"),
        Index("ix_reports_scope_source_url", "scope", "source_url"),  # issue M (migration 6)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(64))  # "public" or "chat:<id>"
    sender: Mapped[str | None] = mapped_column(String(200))
    received: Mapped[datetime] = mapped_column(DateTime)
    filename: Mapped[str | None] = mapped_column(String(500))
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)  # cleared for duplicates (stored once)
    normalized: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending/done/failed/duplicate
    error: Mapped[str | None] = mapped_column(Text)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)  # last time a worker started on it
    processed: Mapped[datetime | None] = mapped_column(DateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)  # outcome sent to its chat (migration 2)
    # the queue (migration 3): the chat the outcome goes to (NULL: nobody to tell, e.g. the CLI), the
    # message to answer, and the worker holding the report until lease_until (renewed while it lives)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    reply_to: Mapped[int | None] = mapped_column(BigInteger)
    worker: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # issue M (migration 6): the link a report was read from (as the user sent it); the same link in a
    # scope is one report
    source_url: Mapped[str | None] = mapped_column(String(2048))
    # issue M (migration 7): the text OCR read from the report's pictures, as laid out, before normalisation
    ocr_text: Mapped[str | None] = mapped_column(Text)


class DigestRow(Base):
    __tablename__ = "digests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), unique=True)
    backend: Mapped[str] = mapped_column(String(100))
    prompt_version: Mapped[str | None] = mapped_column(String(50))
    created: Mapped[datetime] = mapped_column(DateTime)
    data: Mapped[str] = mapped_column(Text)  # Digest.model_dump_json()


class FigureTable(Base):
    __tablename__ = "figures"
    __table_args__ = (
        # the targets query: one county's figures of one kind
        Index("ix_figures_county_kind", "county", "kind", "report_id"),
        Index("ix_figures_report", "report_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # order in the digest
    county: Mapped[str | None] = mapped_column(String(100))  # full name
    # city and province tell apart same-named districts (鼓楼区 of 南京市 and of 徐州市)
    city: Mapped[str | None] = mapped_column(String(100))
    province: Mapped[str | None] = mapped_column(String(100))
    label: Mapped[str | None] = mapped_column(String(200))
    value: Mapped[float] = mapped_column(Double)
    unit: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str | None] = mapped_column(String(10))
    period: Mapped[str | None] = mapped_column(String(100))
    quote: Mapped[str] = mapped_column(Text, default="")
    surface: Mapped[str] = mapped_column(String(100))
    # migration 9 (ktrack): what tracking reads of a result as written
    qualifier: Mapped[str | None] = mapped_column(String(20), nullable=True)  # 突破, 左右, 以上 …
    estimated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # 预计…


class ReportCounty(Base):
    __tablename__ = "report_counties"
    __table_args__ = (Index("ix_report_counties_county", "county"),)

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    county: Mapped[str] = mapped_column(String(100), primary_key=True)
    city: Mapped[str | None] = mapped_column(String(100))
    province: Mapped[str | None] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)


class ChatSettingsRow(Base):
    __tablename__ = "chat_settings"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    script: Mapped[str] = mapped_column(String(16), default="simplified")
    updated: Mapped[datetime] = mapped_column(DateTime)


class LLMQuota(Base):
    """LLM digests used per chat and day (the chat-settings quota)."""

    __tablename__ = "llm_quota"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    used: Mapped[int] = mapped_column(Integer, default=0)


class SubscriptionRow(Base):
    __tablename__ = "subscriptions"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    time: Mapped[str] = mapped_column(String(5))  # "HH:MM"
    timezone: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(DateTime)


class FollowedCounty(Base):
    __tablename__ = "followed_counties"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    county: Mapped[str] = mapped_column(String(100), primary_key=True)
    created: Mapped[datetime] = mapped_column(DateTime)


class SentDigest(Base):
    """A chat's daily digest for one day: claimed (a worker is sending it, or retries after lease_until),
    then delivered, empty (nothing to send) or lost (retries ran out; the admin chat was told)."""

    __tablename__ = "sent_digests"

    # the primary key is the uniqueness that makes claiming a day atomic
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(String(16), default="delivered", server_default="delivered")
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class MessagePart(Base):
    """One incoming message part of a paste, stored on arrival; report_id is set, exactly once, when a
    worker joins the key's parts into a report."""

    __tablename__ = "message_parts"
    __table_args__ = (
        UniqueConstraint("chat_id", "message_id", name="uq_message_parts_chat_message"),
        Index("ix_message_parts_open", "join_key", "report_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    join_key: Mapped[str] = mapped_column(String(200))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    sender: Mapped[str | None] = mapped_column(String(200))
    message_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    received: Mapped[datetime] = mapped_column(DateTime)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))


class WorkerRow(Base):
    """A worker's heartbeat (countybot status: workers seen in the last minute)."""

    __tablename__ = "workers"

    worker_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str | None] = mapped_column(String(200))
    pid: Mapped[int | None] = mapped_column(Integer)
    started: Mapped[datetime] = mapped_column(DateTime)
    seen: Mapped[datetime] = mapped_column(DateTime)


class LLMCall(Base):
    __tablename__ = "llm_calls"
    __table_args__ = (Index("ix_llm_calls_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    model: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str | None] = mapped_column(String(30))  # "ok", "timeout", "invalid", ...
    doc_sha256: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[str] = mapped_column(Text)  # the whole CallRecord as JSON


class LLMCacheRow(Base):
    __tablename__ = "llm_cache"
    __table_args__ = (Index("ix_llm_cache_doc", "doc_sha256"),)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    created: Mapped[datetime] = mapped_column(DateTime)
    data: Mapped[str] = mapped_column(Text)  # Digest JSON
    # the text the entry is about, so deleting a report finds it whatever model made it (migration 5)
    doc_sha256: Mapped[str | None] = mapped_column(String(64))


class CorrectionRow(Base):
    """A person's correction of a report's county and/or date (issue L, migration 4): who, when, what was
    extracted before (JSON: counties and date as the digest had them), what it was set to."""

    __tablename__ = "corrections"
    __table_args__ = (Index("ix_corrections_report", "report_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    by: Mapped[str | None] = mapped_column(String(200))  # "tg:<user id>", "cli:<user>"
    chat_id: Mapped[int | None] = mapped_column(BigInteger)  # the chat it was made in (NULL: the CLI)
    at: Mapped[datetime] = mapped_column(DateTime)
    county: Mapped[str | None] = mapped_column(String(100))  # NULL: the county was not changed
    city: Mapped[str | None] = mapped_column(String(100))
    province: Mapped[str | None] = mapped_column(String(100))
    level: Mapped[str | None] = mapped_column(String(10))
    published: Mapped[date | None] = mapped_column(Date)  # NULL: the date was not changed
    before: Mapped[str] = mapped_column(Text)  # {"counties": [...], "published": "YYYY-MM-DD"|null}


class ReportMessage(Base):
    """Which report a digest message the bot sent shows (migration 4): a reply to a digest (a county
    name, /fix) finds its report, also after a restart."""

    __tablename__ = "report_messages"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))


class ReportImage(Base):
    """Issue M (migration 7): the pictures a report was read from, in page order (an album's photos,
    a photo, an image file): Telegram's file_id to fetch it again, and its name."""

    __tablename__ = "report_images"
    __table_args__ = (UniqueConstraint("report_id", "position", name="uq_report_images_page"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, ... the page
    file_id: Mapped[str | None] = mapped_column(String(300))
    file_unique_id: Mapped[str | None] = mapped_column(String(100))
    file_name: Mapped[str | None] = mapped_column(String(500))


class SourceRow(Base):
    """A page that lists documents, or a feed, checked on its schedule by whichever worker claims it
    (issue O, migration 10). The claim is worker + lease_until, as for reports."""

    __tablename__ = "sources"
    __table_args__ = (Index("ix_sources_due", "paused", "next_check"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    county: Mapped[str | None] = mapped_column(String(100))  # full name; NULL until a page names it
    city: Mapped[str | None] = mapped_column(String(100))
    province: Mapped[str | None] = mapped_column(String(100))
    county_from: Mapped[str | None] = mapped_column(String(10))  # "option" or "page"
    kind: Mapped[str | None] = mapped_column(String(10))  # "page" or "feed" (known after a check)
    every_s: Mapped[int] = mapped_column(Integer)
    added: Mapped[datetime] = mapped_column(DateTime)
    added_by: Mapped[str | None] = mapped_column(String(200))  # "cli", "tg:<user>"
    chat_id: Mapped[int | None] = mapped_column(BigInteger)  # the chat that /watch'ed it
    next_check: Mapped[datetime] = mapped_column(DateTime)
    worker: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_checked: Mapped[datetime | None] = mapped_column(DateTime)
    last_ok: Mapped[datetime | None] = mapped_column(DateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # in a row
    paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_error: Mapped[str | None] = mapped_column(String(500))
    documents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # links taken so far


class SourceDoc(Base):
    """A document link a source listed, taken once (the URL is unique across every source): it became
    the public link report `report_id`."""

    __tablename__ = "source_docs"
    __table_args__ = (Index("ix_source_docs_report", "report_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    seen: Mapped[datetime] = mapped_column(DateTime)


class CrawlHost(Base):
    """Per host, shared by every worker: the next moment a request may start (politeness) and the
    host's robots.txt as last read."""

    __tablename__ = "crawl_hosts"

    host: Mapped[str] = mapped_column(String(255), primary_key=True)
    next_at: Mapped[datetime] = mapped_column(DateTime)
    robots: Mapped[str | None] = mapped_column(Text)  # "" = none (404): everything allowed
    robots_at: Mapped[datetime | None] = mapped_column(DateTime)
    requests: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
