from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.decide.timeline import (
    Credit,
    Leave,
    Period,
    add_years,
    credited_days,
    days_between,
    service_credit,
)

ONE = Fraction(1)
HALF = Fraction(1, 2)
FAR = date(2040, 1, 1)  # an as-of date after every fact in the worked examples


def full(start, end=None, fte=ONE):
    return Period(start, end, fte)


# ---------------------------------------------------------------- worked examples

def test_example_1_full_time_open():
    c = service_credit([full(date(2013, 3, 4))], [], 4, FAR)
    assert c.first_day == date(2013, 3, 4)
    assert c.required_days == 1461
    assert c.met_on == date(2017, 3, 4)
    assert c.is_met() and not c.projected


def test_example_2_uncounted_leave_pushes_date():
    c = service_credit([full(date(2010, 6, 1))], [Leave(date(2012, 1, 1), date(2012, 12, 31))], 4, FAR)
    assert c.first_day == date(2010, 6, 1)
    assert c.required_days == 1461
    assert c.met_on == date(2015, 6, 2)


def test_example_3_half_time():
    c = service_credit([Period(date(2014, 1, 1), None, HALF)], [], 4, FAR)
    assert c.required_days == 1461
    assert c.met_on == date(2022, 1, 1)


def test_closed_period_only_never_met():
    c = service_credit([full(date(2015, 1, 1), date(2016, 12, 31))], [], 4, date(2017, 6, 1))
    assert c.first_day == date(2015, 1, 1)
    assert c.required_days == 1461
    assert c.credited_days == 731
    assert c.met_on is None
    assert c.projected is False and not c.is_met()


def test_closed_period_exactly_long_enough_is_met_at_its_end():
    c = service_credit([full(date(2015, 1, 1), date(2015, 12, 31))], [], 1, FAR)
    assert c.required_days == 365 and c.met_on == date(2016, 1, 1) and c.is_met()
    # credit runs out exactly at a segment boundary, followed by leave and then more service
    p = [full(date(2015, 1, 1), date(2015, 12, 31)), full(date(2016, 1, 1))]
    lv = [Leave(date(2016, 1, 1), date(2016, 3, 31))]
    assert service_credit(p, lv, 1, FAR).met_on == date(2016, 1, 1)


def test_overlap_is_capped_at_one_per_day():
    p = [Period(date(2015, 1, 1), None, Fraction(3, 4)), Period(date(2015, 1, 1), None, Fraction(3, 4))]
    assert credited_days(p, [], date(2015, 1, 1), date(2015, 1, 11)) == 10
    assert service_credit(p, [], 1, FAR).met_on == date(2016, 1, 1)


def test_overlap_below_cap_adds_up():
    p = [Period(date(2015, 1, 1), None, Fraction(2, 5)), Period(date(2015, 1, 1), None, Fraction(2, 5))]
    assert credited_days(p, [], date(2015, 1, 1), date(2015, 1, 11)) == 8
    # R = 365, 365 / 0.8 = 456.25 -> 457 days after 2015-01-01
    assert service_credit(p, [], 1, FAR).met_on == date(2015, 1, 1) + timedelta(457)


def test_leap_day_start():
    c = service_credit([full(date(2016, 2, 29))], [], 4, FAR)
    assert c.required_days == days_between(date(2016, 2, 29), date(2020, 2, 29)) == 1461
    assert c.met_on == date(2020, 2, 29)
    one = service_credit([full(date(2016, 2, 29))], [], 1, FAR)
    assert one.required_days == 365 and one.met_on == date(2017, 2, 28)


# ---------------------------------------------------------------- as-of view

def test_as_of_before_met_is_projected():
    p = [full(date(2013, 3, 4))]
    c = service_credit(p, [], 4, date(2017, 3, 3))
    assert c.met_on == date(2017, 3, 4) and c.projected and not c.is_met()
    assert c.credited_days == 1460
    on = service_credit(p, [], 4, date(2017, 3, 4))
    assert on.is_met() and not on.projected and on.credited_days == 1461


def test_as_of_end_not_yet_known_is_projected_open():
    p = [full(date(2015, 1, 1), date(2016, 12, 31))]
    c = service_credit(p, [], 4, date(2016, 6, 1))
    assert c.met_on == date(2019, 1, 1) and c.projected


def test_as_of_ignores_period_starting_later():
    p = [full(date(2015, 1, 1), date(2015, 12, 31)), full(date(2017, 1, 1))]
    assert service_credit(p, [], 2, date(2016, 6, 1)).met_on is None
    # R = 731 (2016 is leap); 365 credited in 2015, 366 more from 2017-01-01
    assert service_credit(p, [], 2, date(2017, 1, 1)).met_on == date(2018, 1, 2)


def test_as_of_first_day_from_projection():
    c = service_credit([full(date(2020, 5, 1))], [], 1, date(2020, 5, 1))
    assert c.first_day == date(2020, 5, 1) and c.credited_days == 0
    assert c.met_on == date(2021, 5, 1) and c.projected
    assert service_credit([full(date(2020, 5, 2))], [], 1, date(2020, 5, 1)) == Credit(
        None, None, Fraction(0), None, False, date(2020, 5, 1))


def test_as_of_leave_cut_at_as_of_inclusive():
    p = [full(date(2010, 6, 1))]
    lv = [Leave(date(2012, 1, 1), None)]
    c = service_credit(p, lv, 4, date(2012, 1, 10))  # leave covers 2012-01-01..2012-01-10
    assert c.met_on == date(2014, 6, 1) + timedelta(10)
    later = [Leave(date(2012, 1, 1), date(2012, 12, 31))]
    assert service_credit(p, later, 4, date(2012, 1, 10)) == c
    assert service_credit(p, [Leave(date(2012, 1, 11), None)], 4, date(2012, 1, 10)).met_on == date(2014, 6, 1)


def test_leave_before_first_service_moves_first_day():
    c = service_credit([full(date(2020, 1, 1))], [Leave(date(2019, 1, 1), date(2020, 1, 31))], 1, FAR)
    assert c.first_day == date(2020, 2, 1) and c.met_on == date(2021, 2, 1)


def test_adding_an_earlier_period_can_move_met_on_later():
    # Documented consequence of the rules: an earlier F can make R one day longer
    # (the year now spans Feb 29) while the new day credits less than 1.
    base = [full(date(2016, 3, 1))]
    assert service_credit(base, [], 1, FAR).met_on == date(2017, 3, 1)
    more = base + [Period(date(2016, 2, 28), date(2016, 2, 28), Fraction(1, 4))]
    c = service_credit(more, [], 1, FAR)
    assert c.first_day == date(2016, 2, 28) and c.required_days == 366
    assert c.met_on == date(2017, 3, 2)


def test_credited_days_raw_window_and_empty():
    p = [Period(date(2020, 1, 1), date(2020, 1, 10), HALF)]
    lv = [Leave(date(2020, 1, 3), date(2020, 1, 4))]
    assert credited_days(p, lv, date(2019, 12, 1), date(2020, 2, 1)) == 4
    assert credited_days(p, lv, date(2020, 1, 5), date(2020, 1, 5)) == 0
    assert credited_days(p, lv, date(2020, 1, 9), date(2020, 1, 1)) == 0


def test_accepts_generators_and_exact_fte_types():
    c = service_credit((Period(date(2014, 1, 1), None, x) for x in ["1/2"]), iter([]), 4, FAR)
    assert c.met_on == date(2022, 1, 1)
    assert Period(date(2014, 1, 1), None, Decimal("0.5")).fte == HALF
    assert isinstance(Period(date(2014, 1, 1), None, 1).fte, Fraction)


@pytest.mark.parametrize("kwargs, exc", [
    (dict(start=date(2020, 1, 1), end=None, fte=0.5), TypeError),
    (dict(start=date(2020, 1, 1), end=None, fte=0), ValueError),
    (dict(start=date(2020, 1, 1), end=None, fte=Fraction(3, 2)), ValueError),
    (dict(start=date(2020, 1, 2), end=date(2020, 1, 1), fte=1), ValueError),
    (dict(start=datetime(2020, 1, 1), end=None, fte=1), TypeError),
])
def test_period_validation(kwargs, exc):
    with pytest.raises(exc):
        Period(**kwargs)


def test_zero_years_is_met_on_first_day():
    c = service_credit([full(date(2020, 1, 1))], [Leave(date(2020, 1, 1), date(2020, 1, 5))], 0, FAR)
    assert c.first_day == c.met_on == date(2020, 1, 6) and c.required_days == 0


def test_no_periods_credits_nothing():
    assert service_credit([], [Leave(date(2020, 1, 1), None)], 1, FAR) == Credit(None, None, Fraction(0), None, False, FAR)


def test_service_credit_rejects_negative_years():
    with pytest.raises(ValueError):
        service_credit([full(date(2020, 1, 1))], [], -1, FAR)


def test_days_between():
    assert days_between(date(2016, 2, 29), date(2020, 2, 29)) == 1461
    assert days_between(date(2020, 1, 2), date(2020, 1, 1)) == -1


# ---------------------------------------------------------------- properties

BASE = date(2019, 1, 1)  # drawn dates cover 2019..2026, including 2020-02-29 and 2024-02-29
FTES = st.sampled_from([Fraction(1, 4), Fraction(1, 3), Fraction(1, 2), Fraction(2, 3), Fraction(3, 4), ONE])
offsets = st.integers(0, 1500)


@st.composite
def periods_st(draw):
    s = draw(st.integers(0, 1200))
    n = draw(st.none() | st.integers(0, 700))
    return Period(BASE + timedelta(s), None if n is None else BASE + timedelta(s + n), draw(FTES))


@st.composite
def leaves_st(draw):
    s = draw(st.integers(0, 1200))
    n = None if draw(st.integers(0, 5)) == 0 else draw(st.integers(0, 300))
    return Leave(BASE + timedelta(s), None if n is None else BASE + timedelta(s + n))


scenarios = st.tuples(
    st.lists(periods_st(), min_size=1, max_size=4), st.lists(leaves_st(), max_size=3),
    st.integers(1, 3), (st.integers(0, 2800) | st.integers(1400, 2800)).map(lambda n: BASE + timedelta(n)),
)


def ref_rate(periods, leaves, d, a):
    """Day-by-day credit of day d, straight from the written rules (as of a)."""
    for lv in leaves:
        end = a if lv.end is None or lv.end > a else lv.end
        if lv.start <= a and lv.start <= d <= end:
            return Fraction(0)
    total = sum((p.fte for p in periods
                 if p.start <= a and p.start <= d and (p.end is None or p.end > a or d <= p.end)), Fraction(0))
    return min(total, ONE)


def reference(periods, leaves, years, a):
    facts = [a] + [x.start for x in periods + leaves] + [x.end for x in periods + leaves if x.end]
    horizon = max(facts) + timedelta(2)  # the daily rate is constant from here on
    d, first = min(facts), None
    while d <= horizon:
        if ref_rate(periods, leaves, d, a) > 0:
            first = d
            break
        d += timedelta(1)
    if first is None:
        return Credit(None, None, Fraction(0), None, False, a)
    pf = pendulum.date(first.year, first.month, first.day).add(years=years)
    required = (date(pf.year, pf.month, pf.day) - first).days
    done, d = Fraction(0), first
    while d < a:
        done += ref_rate(periods, leaves, d, a)
        d += timedelta(1)
    total, d, met = Fraction(0), first, None
    while True:
        if total >= required:
            met = d
            break
        r = ref_rate(periods, leaves, d, a)
        if d > horizon and r == 0:
            break
        total += r
        d += timedelta(1)
    return Credit(first, required, done, met, met is not None and met > a, a)


@settings(max_examples=200, deadline=None)
@given(scenarios)
def test_matches_day_by_day_reference(sc):
    periods, leaves, years, a = sc
    got = service_credit(periods, leaves, years, a)
    assert got == reference(periods, leaves, years, a)
    if got.required_days is not None:
        assert (got.credited_days >= got.required_days) == got.is_met()


@settings(max_examples=200, deadline=None)
@given(scenarios, offsets, st.integers(0, 400))
def test_credited_days_matches_reference(sc, lo, width):
    periods, leaves, _, _ = sc
    start, end = BASE + timedelta(lo), BASE + timedelta(lo + width)
    far = date(9000, 1, 1)  # as of a far date the view is the raw facts
    expected = sum((ref_rate(periods, leaves, start + timedelta(i), far) for i in range(width)), Fraction(0))
    assert credited_days(periods, leaves, start, end) == expected


@settings(max_examples=200, deadline=None)
@given(scenarios, st.randoms(use_true_random=False))
def test_input_order_does_not_matter(sc, rnd):
    periods, leaves, years, a = sc
    expected = service_credit(periods, leaves, years, a)
    p2, l2 = list(periods), list(leaves)
    rnd.shuffle(p2)
    rnd.shuffle(l2)
    assert service_credit(p2, l2, years, a) == expected


def not_later(old, new):
    if old.met_on is not None:
        assert new.met_on is not None and new.met_on <= old.met_on
    if old.is_met():
        assert new.is_met()


@settings(max_examples=200, deadline=None)
@given(scenarios, st.data())
def test_raising_fte_never_makes_met_on_later(sc, data):
    periods, leaves, years, a = sc
    if not periods:
        return
    i = data.draw(st.integers(0, len(periods) - 1))
    p = periods[i]
    raised = data.draw(FTES.filter(lambda f: f >= p.fte))
    new = periods[:i] + [Period(p.start, p.end, raised)] + periods[i + 1:]
    not_later(service_credit(periods, leaves, years, a), service_credit(new, leaves, years, a))


@settings(max_examples=200, deadline=None)
@given(scenarios, periods_st())
def test_adding_period_from_first_day_on_never_makes_met_on_later(sc, extra):
    periods, leaves, years, a = sc
    old = service_credit(periods, leaves, years, a)
    if old.first_day is not None and extra.start < old.first_day:
        extra = Period(old.first_day, max(extra.end or old.first_day, old.first_day), extra.fte)
    not_later(old, service_credit(periods + [extra], leaves, years, a))


@settings(max_examples=200, deadline=None)
@given(scenarios, periods_st())
def test_adding_any_period_never_later_for_whole_leap_cycles(sc, extra):
    # With years a multiple of 4 (within 1901..2099) R does not depend on F.
    periods, leaves, _, a = sc
    not_later(service_credit(periods, leaves, 4, a), service_credit(periods + [extra], leaves, 4, a))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([y for y in range(1904, 2400, 4) if y % 100 or y % 400 == 0]), st.integers(-8, 60))
def test_add_years_feb_29_matches_pendulum(year, n):
    got = add_years(date(year, 2, 29), n)
    p = pendulum.date(year, 2, 29).add(years=n)
    assert got == date(p.year, p.month, p.day) and type(got) is date
    target = year + n
    leap = target % 4 == 0 and (target % 100 != 0 or target % 400 == 0)
    assert got == date(target, 2, 29 if leap else 28)


@settings(max_examples=200, deadline=None)
@given(st.dates(date(1900, 1, 1), date(2200, 12, 31)), st.integers(-50, 50))
def test_add_years_general(d, n):
    got = add_years(d, n)
    p = pendulum.date(d.year, d.month, d.day).add(years=n)
    assert got == date(p.year, p.month, p.day)
    assert (got.year, got.month) == (d.year + n, d.month)
    assert got.day == d.day or (d.month, d.day, got.day) == (2, 29, 28)
