"""Synthetic rosters for load tests: realistic, deterministic per (agency, seed), written as YAML, JSONL, CSV or Parquet.

Records are built from the agency's rule file, so every shipped agency gets employees in its own class
series and levels, with the experience kinds, licenses, certifications and endorsements its criteria
ask for: mixed tenure, part-time assignments, leaves (counted, uncounted, still open), outside
experience, endorsements toward the next level, expired or undated licenses, unknown education, and
a few malformed records (about 1 in 200) that the loaders must reject one by one. Nothing depends on
the clock: dates are drawn relative to ``as_of`` (default 2026-11-24), the only randomness is a
``random.Random`` seeded with the agency and the seed, and the same arguments give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Iterator

from eligibility.errors import InputError
from eligibility.records.writers import PARQUET_ROW_GROUP, write_roster
from eligibility.rules.rulebook import LoadedRulebook, next_level
from eligibility.rules.schema import (
    CertificationCriterion,
    EducationCriterion,
    EndorsementCriterion,
    Experience,
    LicenseCriterion,
    Version,
)

ANCHOR = dt.date(2026, 11, 24)
MALFORMED_RATE = 0.005
NOTE = "Synthetic roster written by `eligibility generate`: invented people, for load tests only."
FIRST = ["Avery", "Bela", "Corin", "Dalia", "Emrys", "Farah", "Galen", "Hollis", "Inez", "Jora", "Kellan", "Liora",
         "Marek", "Nadia", "Orrin", "Priya", "Quill", "Rosalind", "Soren", "Tamsin", "Ulric", "Vesna", "Wren", "Yara"]
LAST = ["Ashdown", "Brightwater", "Calloway", "Dunmore", "Everly", "Fairbanks", "Greyson", "Hallowell", "Ivers",
        "Jessup", "Kettering", "Lindqvist", "Marchetti", "Northcott", "Okafor", "Pellegrino", "Quintana", "Rasmussen",
        "Stanwick", "Thorne", "Underhill", "Valdivia", "Whitlock", "Yamashiro"]
EMPLOYERS = ["Harborview Utilities (fictional)", "Pinecrest Billing Co. (fictional)", "Lakeside Mutual Water (fictional)",
             "Summit Office Services (fictional)", "Redwood Call Center (fictional)", "Bayline Accounting (fictional)"]
# places on the agency's education scale (0 its lowest level; past its top, its top): most people at the second
# level or just above it
EDUCATION_SPREAD = [0, 1, 1, 1, 2, 2, 3, 4, 5]
MALFORMED = ["fte_over_one", "end_before_start", "unknown_class", "bad_date", "unknown_education", "missing_id",
             "duplicate_id", "not_a_mapping"]


class _Agency:
    """What a roster for one agency can contain, read off its rule file once."""

    def __init__(self, book: LoadedRulebook, as_of: dt.date) -> None:
        self.book = book
        self.prefix = book.agency.upper().replace("-DISTRICT", "").replace("-", "")
        self.series: list[tuple[str, Version, float]] = []
        kinds: set[str] = set()
        for series in book.rulebook.series:
            kinds |= set(series.experience_kinds)
            version = book.version_in_force(series.id, as_of)
            if version is None:
                continue
            with_paths = sum(1 for lv in version.levels if lv.paths)
            self.series.append((series.id, version, 1.0 + 4.0 * with_paths))
        words = book.rulebook.vocabulary
        self.experience_kinds = sorted(kinds | {k for s, v, _ in self.series for lv in v.levels
                                                for p in lv.paths for c in p.criteria if isinstance(c, Experience)
                                                for k in c.kinds}) or sorted(words.experience_kinds)
        self.licenses = sorted({c.license for _, v, _ in self.series for lv in v.levels for p in lv.paths
                                for c in p.criteria if isinstance(c, LicenseCriterion)}) or sorted(words.licenses)
        self.certifications = sorted({c.certification for _, v, _ in self.series for lv in v.levels for p in lv.paths
                                      for c in p.criteria if isinstance(c, CertificationCriterion)})
        self.education = list(words.education)
        self.needs_education = any(isinstance(c, EducationCriterion) for _, v, _ in self.series for lv in v.levels
                                    for p in lv.paths for c in p.criteria)

    def positions(self, rng: random.Random) -> list[dict]:
        out = []
        for series_id, version, _ in self.series:
            for level in version.levels:
                for n in range(1, rng.randint(2, 4) + 1):
                    out.append({"id": f"{self.prefix}-POS-{series_id.upper()}-{level.id}-{n}",
                                "class": series_id, "level": level.id, "vacant": rng.random() < 0.3})
        return out


def _date(d: dt.date) -> str:
    return d.isoformat()


def _fte(rng: random.Random) -> float | None:
    """None (full time, the default) most of the time; otherwise a part-time FTE."""
    return None if rng.random() < 0.82 else rng.choice([0.5, 0.6, 0.75, 0.8, 0.9])


def _span(rng: random.Random, latest: dt.date, min_days: int, max_days: int) -> tuple[dt.date, dt.date]:
    end = latest - dt.timedelta(days=rng.randint(0, 400))
    return end - dt.timedelta(days=rng.randint(min_days, max_days)), end


def _employee(agency: _Agency, rng: random.Random, n: int, as_of: dt.date) -> dict:
    series_id, version, _ = rng.choices(agency.series, weights=[w for *_, w in agency.series])[0]
    levels = version.levels
    # most people sit at a level that has a next level with paths; some at the top or an entry level
    weights = [3.0 if next_level(version, lv.id) is not None and next_level(version, lv.id).paths else 0.6
               for lv in levels]
    current_index = rng.choices(range(len(levels)), weights=weights)[0]
    record: dict = {"id": f"{agency.prefix}-{n:06d}", "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}"}
    if rng.random() >= 0.04:
        place = rng.choice(EDUCATION_SPREAD)
        if agency.education:
            record["education"] = agency.education[min(place, len(agency.education) - 1)]

    # career in the series: level 0 .. current, newest last; tenure at each level 0.3 to 7 years
    assignments = []
    end: dt.date | None = None
    start = as_of
    for index in range(current_index, -1, -1):
        days = int(rng.triangular(120, 7 * 365, 3 * 365))
        start = (end or as_of) - dt.timedelta(days=days)
        item = {"class": series_id, "level": levels[index].id, "start": _date(start)}
        if end is not None:
            item["end"] = _date(end)
        fte = _fte(rng)
        if fte is not None:
            item["fte"] = fte
        if index == current_index and rng.random() < 0.5:
            item["position"] = f"{agency.prefix}-POS-{series_id.upper()}-{levels[index].id}-1"
        assignments.append(item)
        end = start - dt.timedelta(days=1)
        if rng.random() < 0.15:  # a gap between levels (left and came back)
            end -= dt.timedelta(days=rng.randint(30, 500))
    hired = start
    if len(agency.series) > 1 and rng.random() < 0.1:  # earlier service in another series
        other_id, other_version, _ = rng.choice(agency.series)
        if other_id != series_id:
            o_start, o_end = _span(rng, hired - dt.timedelta(days=1), 200, 1500)
            assignments.append({"class": other_id, "level": other_version.levels[0].id, "start": _date(o_start),
                                "end": _date(min(o_end, hired - dt.timedelta(days=1)))})
    record["assignments"] = list(reversed(assignments))

    if rng.random() < 0.55:
        record["experience"] = []
        latest = hired - dt.timedelta(days=rng.randint(1, 700))
        for _ in range(rng.randint(1, 2)):
            e_start, e_end = _span(rng, latest, 180, 6 * 365)
            entry = {"employer": rng.choice(EMPLOYERS),
                     "kinds": sorted(rng.sample(agency.experience_kinds, k=min(len(agency.experience_kinds),
                                                                                rng.randint(1, 3)))),
                     "start": _date(e_start), "end": _date(e_end)}
            fte = _fte(rng)
            if fte is not None:
                entry["fte"] = fte
            if rng.random() < 0.4:
                entry["public_utility"] = True
            record["experience"].append(entry)
            latest = e_start - dt.timedelta(days=rng.randint(1, 300))

    roll = rng.random()
    if roll < 0.22 and (as_of - hired).days > 200:
        l_start = hired + dt.timedelta(days=rng.randint(30, max(31, (as_of - hired).days - 30)))
        leave = {"start": _date(l_start), "counts_toward_service": roll < 0.05}
        if roll > 0.02:  # the rest have ended
            leave["end"] = _date(min(as_of, l_start + dt.timedelta(days=rng.randint(14, 270))))
        record["leaves"] = [leave]

    licenses = []
    for kind in agency.licenses:
        if rng.random() < 0.88:
            lic: dict = {"kind": kind, "issued": _date(hired - dt.timedelta(days=rng.randint(100, 4000)))}
            r = rng.random()
            if r < 0.08:
                lic["expires"] = _date(as_of - dt.timedelta(days=rng.randint(1, 900)))  # expired
            elif r >= 0.04 + 0.08:  # about 4% have no expiry date on file (undecided)
                lic["expires"] = _date(as_of + dt.timedelta(days=rng.randint(1, 1800)))
            licenses.append(lic)
    if licenses:
        record["licenses"] = licenses
    certifications = []
    for kind in agency.certifications:
        if rng.random() < 0.8:
            cert = {"kind": kind, "obtained": _date(as_of - dt.timedelta(days=rng.randint(30, 2000)))}
            if rng.random() < 0.85:
                cert["expires"] = _date(as_of + dt.timedelta(days=rng.randint(-500, 1100)))
            certifications.append(cert)
    if certifications:
        record["certifications"] = certifications

    evaluations = []
    day = hired + dt.timedelta(days=365)
    while day <= as_of:
        r = rng.random()
        evaluations.append({"date": _date(day),
                            "rating": "unsatisfactory" if r < 0.03 else ("exceeds" if r < 0.25 else "satisfactory")})
        day += dt.timedelta(days=365)
    if evaluations:
        record["evaluations"] = evaluations

    target = next_level(version, levels[current_index].id)
    if target is not None:
        wanted = sorted({(c.endorsement, c.by) for p in target.paths for c in p.criteria
                         if isinstance(c, EndorsementCriterion)})
        endorsements = [{"kind": kind, "by": by, "date": _date(as_of - dt.timedelta(days=rng.randint(-20, 700))),
                         "toward": f"{series_id}:{target.id}"} for kind, by in wanted if rng.random() < 0.55]
        if endorsements:
            record["endorsements"] = endorsements
    return record


def _malform(record: dict, kind: str, previous_id: str | None, scale: list[str]) -> dict | list:
    """Break a record in one realistic way (a loader must reject it, and only it)."""
    first = record["assignments"][0]
    if kind == "fte_over_one":
        first["fte"] = 1.5
    elif kind == "end_before_start":
        first["end"] = _date(dt.date.fromisoformat(first["start"]) - dt.timedelta(days=31))
    elif kind == "unknown_class":
        first["class"] = first["class"][:-1] + "x"
    elif kind == "bad_date":
        first["start"] = first["start"][:5] + "02-30"
    elif kind == "unknown_education":  # not on the agency's scale; with no scale, not even shaped like a level
        record["education"] = "doctorate" if scale else "Doctorate"
    elif kind == "missing_id":
        del record["id"]
    elif kind == "duplicate_id" and previous_id is not None:
        record["id"] = previous_id
    elif kind == "not_a_mapping":
        return [record.get("id", "?"), "not an employee record"]
    return record


def generate(book: LoadedRulebook, count: int, seed: int, as_of: dt.date = ANCHOR) -> tuple[dict, Iterator]:
    """The roster header (agency, positions) and an iterator of ``count`` raw employee records."""
    if count < 0:
        raise InputError("count must be 0 or more", field="--count")
    rng = random.Random(f"eligibility-generate:{book.agency}:{seed}")
    agency = _Agency(book, as_of)
    if not agency.series:
        raise InputError(f"no class series of agency {book.agency!r} is in force on {as_of}", file=book.path)
    header = {"agency": book.agency, "positions": agency.positions(rng)}

    def records() -> Iterator:
        previous: str | None = None
        for n in range(1, count + 1):
            record = _employee(agency, rng, n, as_of)
            if rng.random() < MALFORMED_RATE:
                yield _malform(record, rng.choice(MALFORMED), previous, agency.education)
                continue
            previous = record["id"]
            yield record
    return header, records()


# -- writing -----------------------------------------------------------------------------------------
def write(path: str | Path, header: dict, records: Iterator, fmt: str | None = None,
          row_group: int = PARQUET_ROW_GROUP) -> int:
    """Write a generated roster incrementally, through the roster writer of its format; returns the number of
    records written. ``row_group``: rows per Parquet row group (the partitions of the Dask backend)."""
    return write_roster(path, header, records, fmt, comment=[NOTE], row_group=row_group)
