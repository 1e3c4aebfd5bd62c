"""Exact service-credit arithmetic: FTE-weighted credited days and the date N years of service is reached."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import MAXYEAR, date, datetime
from fractions import Fraction
from typing import Iterable


__all__ = ["Period", "Leave", "Credit", "ServiceView", "service_credit", "credited_days", "add_years", "days_between", "day_span",
           "all_met_on"]

_ZERO = Fraction(0)
_ONE = Fraction(1)
_MAX_ORDINAL = date.max.toordinal()

# A span is (start_ordinal, end_ordinal_inclusive_or_None); a segment list is
# [(ordinal, rate), ...] sorted by ordinal: `rate` (an int, in units of 1/scale of a day's
# credit) applies from `ordinal` up to the next entry's ordinal, the last rate applies
# forever, and the rate before the first entry is 0.
_Segments = list[tuple[int, int]]


def _check_date(value: object, name: str) -> None:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a datetime.date, got {type(value).__name__}")


def _check_span(start: object, end: object) -> None:
    _check_date(start, "start")
    if end is not None:
        _check_date(end, "end")
        if end < start:  # type: ignore[operator]
            raise ValueError(f"end {end} is before start {start}")


@dataclass(frozen=True)
class Period:
    """A period of service, start and end inclusive; end None means open-ended."""

    start: date
    end: date | None
    fte: Fraction  # 0 < fte <= 1; int, Fraction, Decimal or str accepted, float rejected

    def __post_init__(self) -> None:
        _check_span(self.start, self.end)
        if isinstance(self.fte, (float, bool)):
            raise TypeError("fte must be exact (Fraction, int, Decimal or str), not float/bool")
        fte = Fraction(self.fte)
        if not _ZERO < fte <= _ONE:
            raise ValueError(f"fte must satisfy 0 < fte <= 1, got {fte}")
        object.__setattr__(self, "fte", fte)


@dataclass(frozen=True)
class Leave:
    """An uncounted leave, start and end inclusive; end None means open-ended."""

    start: date
    end: date | None

    def __post_init__(self) -> None:
        _check_span(self.start, self.end)


@dataclass(frozen=True)
class Credit:
    """Result of service_credit() evaluated as of `as_of`."""

    first_day: date | None  # F: first credited day in the as-of view (with projection)
    required_days: int | None  # R: days from F to F + N years; None when F is None
    credited_days: Fraction  # credit over days d with F <= d < as_of
    met_on: date | None  # D: first date with credit over [F, D) >= R; None if never reached
    projected: bool  # met_on is after as_of, i.e. relies on projection
    as_of: date

    def is_met(self) -> bool:
        return self.met_on is not None and self.met_on <= self.as_of


def add_years(d: date, years: int) -> date:
    """d plus `years` calendar years (pendulum rules: Feb 29 -> Feb 28 in non-leap years).

    Every date but 29 February keeps its month and day, which is what pendulum does; that case is
    answered directly (this is the hot path of every time criterion). 29 February goes to pendulum, imported
    only then (importing it is a tenth of a cold ``eligibility check``).
    tests/decide/test_timeline.py checks the two agree on every date.
    """
    _check_date(d, "d")
    if d.month != 2 or d.day != 29:
        return d.replace(year=d.year + years)
    import pendulum

    p = pendulum.date(d.year, d.month, d.day).add(years=years)
    return date(p.year, p.month, p.day)


def all_met_on(dates: list[date | None]) -> date | None:
    """The day every one of some requirements is (or will be) met, from their met dates: the latest; None when one
    can never be (or there are none). A path's time criteria are all met on this day."""
    if any(d is None for d in dates):
        return None
    return max(dates, default=None)


def run_starts(held: list[tuple[int | None, int | None]], as_of: int) -> list[int | None]:
    """For documents held from their first to their last valid day (day ordinals, both inclusive: a licence's issue
    and expiry dates), the first day of the unbroken run of them each belongs to, among those started on or before
    ``as_of``. Two documents are in one run when the second starts no later than the day after the first ends
    (an on-time renewal); a lapse of a day or more starts a new run. A document with no start or no end date on file
    is in no run (None), and so is one started after ``as_of``: neither can be placed. In the input's order."""
    dated = sorted((s, e, i) for i, (s, e) in enumerate(held) if s is not None and e is not None and s <= as_of)
    out: list[int | None] = [None] * len(held)
    first = reach = None
    for start, end, i in dated:
        if reach is None or start > reach + 1:
            first, reach = start, end
        else:
            reach = max(reach, end)
        out[i] = first
    return out


def days_between(a: date, b: date) -> int:
    """Number of days from a to b (b - a; negative if b is before a)."""
    return b.toordinal() - a.toordinal()


def _segments(periods: Iterable[tuple[int, int | None, Fraction]],
              leaves: Iterable[tuple[int, int | None]],
              outside: Iterable[tuple[int, int | None, Fraction]] = ()) -> tuple[_Segments, int]:
    """Piecewise-constant daily credit, min(1, sum of covering FTE), in integer units of 1/scale (scale: the
    least common multiple of the FTE denominators, so every rate is exact). A leave from the agency zeroes
    the agency ``periods`` only: ``outside`` periods (experience elsewhere) are credited through it."""
    periods, outside = list(periods), list(outside)
    scale = math.lcm(*(fte.denominator for _, _, fte in periods + outside)) if periods or outside else 1
    fte_delta: dict[int, int] = {}
    out_delta: dict[int, int] = {}
    leave_delta: dict[int, int] = {}
    for spans, delta in ((periods, fte_delta), (outside, out_delta)):
        for start, end, fte in spans:
            units = fte.numerator * (scale // fte.denominator)
            delta[start] = delta.get(start, 0) + units
            if end is not None:
                delta[end + 1] = delta.get(end + 1, 0) - units
    for start, end in leaves:
        leave_delta[start] = leave_delta.get(start, 0) + 1
        if end is not None:
            leave_delta[end + 1] = leave_delta.get(end + 1, 0) - 1
    segments: _Segments = []
    total, elsewhere, on_leave, previous = 0, 0, 0, 0
    for x in sorted(fte_delta.keys() | out_delta.keys() | leave_delta.keys()):
        total += fte_delta.get(x, 0)
        elsewhere += out_delta.get(x, 0)
        on_leave += leave_delta.get(x, 0)
        rate = min((0 if on_leave else total) + elsewhere, scale)
        if rate != previous:
            segments.append((x, rate))
            previous = rate
    return segments, scale


def _credit_between(segments: _Segments, lo: int, hi: int) -> int:
    """Credit over ordinals lo <= d < hi, in the segments' units."""
    total = 0
    for i, (x, rate) in enumerate(segments):
        end = segments[i + 1][0] if i + 1 < len(segments) else hi
        a, b = max(x, lo), min(end, hi)
        if rate and b > a:
            total += rate * (b - a)
    return total


def _first_credited(segments: _Segments) -> int | None:
    """Index of the first segment with a positive rate (its start is F), or None."""
    return next((i for i, (_, rate) in enumerate(segments) if rate > 0), None)


def _reach(segments: _Segments, first: int, needed: int) -> int | None:
    """First ordinal D with credit from segments[first] start up to D >= needed (in the segments' units),
    or None if never."""
    remaining = needed  # segments[first] has a positive rate, so needed == 0 gives its start
    for i in range(first, len(segments)):
        d, rate = segments[i]
        if not rate:
            continue
        end = segments[i + 1][0] if i + 1 < len(segments) else None
        if end is None or rate * (end - d) >= remaining:
            return d - (-remaining // rate)  # d + ceil(remaining / rate)
        remaining -= rate * (end - d)
    return None  # the final rate is 0: nothing is credited any more


def day_span(start: date, end: date | None) -> tuple[int, int | None]:
    """A span of days as ordinals: start, and end inclusive (None: open-ended)."""
    return start.toordinal(), None if end is None else end.toordinal()


def _raw_spans(periods: Iterable[Period], leaves: Iterable[Leave]):
    ps = [(*day_span(p.start, p.end), p.fte) for p in periods]
    ls = [day_span(lv.start, lv.end) for lv in leaves]
    return ps, ls


def _known(ps: list, as_of: int) -> list:
    """Periods known on as_of: later starts ignored, ends after as_of unknown (the period continues)."""
    return [(s, None if e is None or e > as_of else e, fte) for s, e, fte in ps if s <= as_of]


def _as_of(ps: list, ls: list, as_of: int):
    """Facts known on as_of: periods as _known, leaves cut at as_of inclusive (no further leave is projected)."""
    ls = [(s, as_of if e is None or e > as_of else e) for s, e in ls if s <= as_of]
    return _known(ps, as_of), ls


def credited_days(periods: Iterable[Period], leaves: Iterable[Leave],
                  start: date, end_exclusive: date) -> Fraction:
    """Raw credit over days start <= d < end_exclusive (no as-of view applied)."""
    _check_date(start, "start")
    _check_date(end_exclusive, "end_exclusive")
    segments, scale = _segments(*_raw_spans(periods, leaves))
    return Fraction(_credit_between(segments, start.toordinal(), end_exclusive.toordinal()), scale)


def service_credit(periods: Iterable[Period], leaves: Iterable[Leave],
                   years: int, as_of: date) -> Credit:
    """Evaluate an N-year requirement as of `as_of`, using only facts known on that date.

    Daily credit is min(1, sum of covering FTE), 0 inside a leave. F is the first
    credited day, R = days from F to add_years(F, years), and the requirement is met
    on the first date D whose credit over [F, D) reaches R; past as_of, open periods
    are projected to continue forever and no further leave is assumed.
    """
    return ServiceView.of_periods(periods, leaves, as_of).credit(years)


class ServiceView:
    """The daily credit of some periods and leaves as known on an as-of date, asked for any number of years."""

    def __init__(self, spans: list[tuple[int, int | None, Fraction]], leaves: list[tuple[int, int | None]],
                 as_of: date, outside: list[tuple[int, int | None, Fraction]] = ()) -> None:
        """From spans of day ordinals (end inclusive or None), already checked: records give them so.
        ``spans`` are agency service, which ``leaves`` suspend; ``outside`` spans are credited through leaves."""
        self.as_of = as_of
        a = as_of.toordinal()
        self._segments, self._scale = _segments(*_as_of(spans, leaves, a), _known(list(outside), a))
        self._first = _first_credited(self._segments)
        self._done = None if self._first is None else _credit_between(self._segments, self._segments[self._first][0], a)

    @classmethod
    def of_periods(cls, periods: Iterable[Period], leaves: Iterable[Leave], as_of: date) -> "ServiceView":
        _check_date(as_of, "as_of")
        return cls(*_raw_spans(periods, leaves), as_of)

    def credit(self, years: int) -> Credit:
        """The N-year requirement (see service_credit)."""
        if isinstance(years, bool) or not isinstance(years, int) or years < 0:
            raise ValueError(f"years must be a non-negative int, got {years!r}")
        if self._first is None:
            return Credit(None, None, _ZERO, None, False, self.as_of)
        first = date.fromordinal(self._segments[self._first][0])
        # N years from a day whose Nth anniversary is past 9999-12-31 last as long as from the same day 400k years
        # earlier (the Gregorian calendar repeats every 400 years); such a requirement is then never reached
        shift = 400 * -(-max(first.year + years - MAXYEAR, 0) // 400)
        then = first.replace(year=first.year - shift) if shift else first
        required = days_between(then, add_years(then, years))
        d = _reach(self._segments, self._first, required * self._scale)
        # A date past 9999-12-31 cannot be represented: treated as never reached.
        met_on = date.fromordinal(d) if d is not None and d <= _MAX_ORDINAL else None
        return Credit(first, required, Fraction(self._done, self._scale), met_on,
                      met_on is not None and met_on > self.as_of, self.as_of)
