"""Types shared by the extractors."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Entity:
    """A known entity from facts.yml; ``aliases`` includes every spelling to match, the name too."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = field(default=())
    description: str = ""


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    surface: str
    value: float
    value_max: float | None
    unit: str
    per: str | None
    approx: bool
    qualifier: str | None


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    surface: str
    value: str  # EDTF
    earliest: str | None  # ISO day; None when open
    latest: str | None
    precision: str  # day | month | season | year
    modifier: str | None  # late | early | mid | by | since | before | after


@dataclass(frozen=True)
class Quote:
    start: int  # the span includes the quotation marks
    end: int
    surface: str
    text: str  # inside the marks
    speaker: str | None


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    surface: str
    entity_id: str
    alias: str
