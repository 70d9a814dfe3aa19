"""Find every figure, date, quote and entity mention in an English news article.

Each extractor is a pure function from text to spans. ``extract`` runs them
over an article with its site chrome blanked out (same length, so offsets
stay exact) and dates first, so a date's day and year never count as figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from etl.extract.base import DateMention, Entity, Mention, Quantity, Quote
from etl.extract.dates import find_dates
from etl.extract.entities import find_mentions
from etl.extract.quantities import find_quantities
from etl.extract.quotes import find_quotes

if TYPE_CHECKING:  # etl.segment and etl.text stand on etl.extract.english: imported when used
    from etl.segment import Segment

__all__ = ["DateMention", "Entity", "Extraction", "Mention", "Quantity", "Quote", "extract"]


@dataclass(frozen=True)
class Extraction:
    quantities: list[Quantity]
    dates: list[DateMention]
    quotes: list[Quote]
    entities: list[Mention]

    def to_json(self) -> dict:
        return asdict(self)


def extract(
    text: str,
    published: dt.date,
    entities: Sequence[Entity] = (),
    segments: Sequence[Segment] | None = None,
    day_first: bool = True,
) -> Extraction:
    """Extract from ``text``, skipping chrome segments (computed when not given). ``day_first``: numeric
    dates read 3/2/2023 as 3 February (False for US copy)."""
    from etl.segment import segment
    from etl.text import mask

    segments = segment(text) if segments is None else segments
    content = mask(text, [(s.start, s.end) for s in segments if s.kind == "chrome"])
    dates = find_dates(content, published, day_first)
    return Extraction(
        quantities=find_quantities(content, exclude=[(d.start, d.end) for d in dates]),
        dates=dates,
        quotes=find_quotes(content, entities),
        entities=find_mentions(content, entities),
    )
