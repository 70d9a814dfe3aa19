"""The subset of EDTF (ISO 8601-2) the dataset uses, and the days it covers.

``2023-02-03`` (day), ``2022-02`` (month), ``2022-22`` (summer 2022; 21-24 are
spring, summer, autumn, winter), ``2014`` (year), and an interval of two of them,
``2023-01-09/2023-01-15`` (a week, a quarter, "from Feb. 1 to Feb. 14"). Seasons are
meteorological, northern hemisphere; winter 2022 runs from December 2022 to February 2023.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_EDTF = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
SEASON_MONTHS = {21: (3, 5), 22: (6, 8), 23: (9, 11), 24: (12, 14)}  # month 14 = February of the next year
PRECISIONS = ("day", "month", "season", "year", "interval")  # the extractor calls a Monday-Sunday interval "week"
MODIFIERS = ("late", "early", "mid", "by", "since", "before", "after")


def parse(value: str) -> tuple[str, dt.date, dt.date]:
    """Precision and first and last day of an EDTF value; ValueError if it is not one we use."""
    if value.count("/") == 1:
        (_, first, _), (_, _, last) = (parse(end) for end in value.split("/"))
        if last < first:
            raise ValueError(f"'{value}': an interval ends after it starts")
        return "interval", first, last
    m = _EDTF.match(value)
    if not m:
        raise ValueError(
            f"'{value}' is not an EDTF date of the form YYYY, YYYY-MM, YYYY-MM-DD, YYYY-21..24 or an interval A/B"
        )
    year, month, day = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
    if not month:
        return "year", dt.date(year, 1, 1), dt.date(year, 12, 31)
    if month in SEASON_MONTHS and not day:
        first, last = SEASON_MONTHS[month]
        return "season", _month_start(year, first), _month_end(year, last)
    if not 1 <= month <= 12:
        raise ValueError(f"'{value}': month must be 01-12, or 21-24 for a season")
    if not day:
        return "month", _month_start(year, month), _month_end(year, month)
    try:
        d = dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{value}' is not a real day") from None
    return "day", d, d


def bounds(value: str, modifier: str | None = None) -> tuple[dt.date | None, dt.date | None]:
    """Earliest and latest day meant by ``value`` with a modifier (None where open-ended)."""
    precision, first, last = parse(value)
    if modifier in ("early", "mid", "late"):
        first, last = _third(precision, first, last, ("early", "mid", "late").index(modifier))
    elif modifier == "by":
        first = None
    elif modifier == "since":
        last = None
    elif modifier == "before":
        first, last = None, first - dt.timedelta(days=1)
    elif modifier == "after":
        first, last = last + dt.timedelta(days=1), None
    elif modifier is not None:
        raise ValueError(f"unknown date modifier '{modifier}'; use one of {', '.join(MODIFIERS)}")
    return first, last


def _third(precision: str, first: dt.date, last: dt.date, k: int) -> tuple[dt.date, dt.date]:
    if precision == "month":  # days 1-10, 11-20, 21-end
        start = first.replace(day=1 + 10 * k)
        return start, (last if k == 2 else first.replace(day=10 * (k + 1)))
    if precision == "season":  # one month each
        m = first.month + k
        return _month_start(first.year, m), _month_end(first.year, m)
    if precision == "year":  # four months each
        return _month_start(first.year, 1 + 4 * k), _month_end(first.year, 4 + 4 * k)
    return first, last


def _month_start(year: int, month: int) -> dt.date:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return dt.date(year, month, 1)


def _month_end(year: int, month: int) -> dt.date:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])
