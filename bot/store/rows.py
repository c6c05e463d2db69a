"""The store's typed results (and the figure row it writes): frozen dataclasses, never raw SQLAlchemy rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from extract.models import County, Figure


@dataclass(frozen=True)
class FigureRow:
    """A figure as the figures table holds it, attributed to the county it is about: what finish_report
    writes and what the targets query reads back (as TargetRow)."""

    position: int  # order in the digest
    county: str | None
    city: str | None
    province: str | None
    label: str | None
    value: float
    unit: str
    kind: str | None
    period: str | None
    quote: str
    surface: str
    # keyword-only (rows built by name): a result as written, for tracking (migration 9)
    qualifier: str | None = field(default=None, kw_only=True)  # 突破, 左右 …
    estimated: bool = field(default=False, kw_only=True)  # a 预计… result

    @classmethod
    def of(cls, f: Figure, position: int, owner: County | None) -> FigureRow:
        return cls(
            position=position,
            county=owner.name if owner else None,
            city=owner.city if owner else None,
            province=owner.province if owner else None,
            label=f.label,
            value=float(f.value),
            unit=f.unit,
            kind=f.kind,
            period=f.period,
            quote=f.quote,
            surface=f.surface,
            qualifier=f.qualifier,
            estimated=f.estimated,
        )


@dataclass(frozen=True)
class TargetRow(FigureRow):
    """A stored target figure with the report it came from."""

    report_id: int
    title: str | None
    published: date | None
    received: datetime | None
    source: str | None


@dataclass(frozen=True)
class CountyLink:
    """A county a report is about, in the digest's order."""

    county: str
    city: str | None
    province: str | None
    position: int = 0


@dataclass(frozen=True)
class ReportInfo:
    id: int
    scope: str
    status: str  # pending/done/failed/duplicate
    error: str | None
    duplicate_of: int | None
    filename: str | None
    received: datetime | None
    title: str | None
    published: date | None
    sha256: str | None
    delivered_at: datetime | None = None


@dataclass(frozen=True)
class PendingReport:
    id: int
    scope: str
    sender: str | None
    filename: str | None
    claimed_at: datetime | None


@dataclass(frozen=True)
class PeriodRow:
    """One (report, county link) of a done report: build_period_digest's input."""

    id: int
    title: str | None
    published: date | None
    source: str | None
    received: datetime | None
    data: str  # Digest JSON
    county: str | None
    city: str | None
    province: str | None
    position: int | None


@dataclass(frozen=True)
class FinishResult:
    status: str  # "done", "duplicate", or the state another worker left it in ("done"/"failed"/...)
    duplicate_of: int | None = None
    by_other: bool = False  # another worker finished this report first


@dataclass(frozen=True)
class ReportDigest:
    """A report's digest as one chat may see it (Reports.report_digest)."""

    report_id: int  # the report whose digest this is (the first one, for a duplicate)
    scope: str
    data: str  # Digest JSON
