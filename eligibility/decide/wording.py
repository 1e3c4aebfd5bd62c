"""The words a criterion's result is written in, shared by both deciders: descriptions, numbers and phrases.

Nothing here decides anything: both deciders (criteria.py for the plain-Python oracle, findings.py for
durable_rules) phrase their results with these helpers, so their decisions read the same byte for byte.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

from eligibility.rules.schema import CATEGORY, Vocabulary

_NO_WORDS = Vocabulary()


@dataclass
class Words:
    """The words a criterion is described in: the target series and level, the agency's vocabulary, level titles."""

    series_id: str
    level_id: str = ""
    vocab: Vocabulary = _NO_WORDS  # the agency's words for people
    titles: dict[str, str] = field(default_factory=dict)  # level id -> title, in the target's version

    def level_name(self, level: str, series: str | None = None) -> str:
        """'Customer Service Specialist I' for a level of the target series, else 'level I of SERIES'."""
        if (series is None or series == self.series_id) and level in self.titles:
            return self.titles[level]
        return f"level {level} of {series or self.series_id}"

    @property
    def target_name(self) -> str:
        return self.level_name(self.level_id)


def exact(value: Fraction) -> str:
    """An exact decimal rendering of a credited-days Fraction (FTEs are decimals, so it terminates)."""
    if value.denominator == 1:
        return str(value.numerator)
    whole, rest = divmod(value.numerator, value.denominator)
    digits = ""
    for _ in range(12):
        rest *= 10
        digit, rest = divmod(rest, value.denominator)
        digits += str(digit)
        if rest == 0:
            break
    return f"{whole}.{digits}"


def article(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def years_text(n: int) -> str:
    return f"{n} year{'s' if n != 1 else ''}"


def service_where(words: Words, crit) -> str:
    """'as Customer Service Specialist I' (a level) or 'in SERIES' (any level) for a service_time criterion."""
    return f"as {words.level_name(crit.level, crit.series)}" if crit.level else f"in {crit.series or words.series_id}"


def kinds_words(words: Words, crit) -> str:
    return " / ".join(words.vocab.experience(k) for k in crit.kinds)


def credit_missing(crit, what: str, met_on: dt.date | None, as_of: dt.date) -> str:
    """What an unmet time criterion still needs: the day it will be met, or that it cannot be reached."""
    if met_on is not None:
        # calendar days until the date, not service still owed (they differ for part-time staff)
        return f"{years_text(crit.years)} {what}: met on {met_on} (in {(met_on - as_of).days} calendar days)"
    return f"{years_text(crit.years)} {what}: not reachable from the current assignments"


def restart_what(restart: dt.date, bad: dt.date) -> str:
    """The service a restarted performance criterion counts."""
    return f"of successful service counted from {restart} (the day after the unsatisfactory evaluation of {bad})"


def document_missing(name: str, expired_on: str | None, when_not_held: str) -> str:
    """What a missing or expired license or certification leaves to do."""
    missing = f"valid {name}"
    if expired_on:
        missing += f" (expired {expired_on})"
    if when_not_held == "needs_review":
        missing += ": HR to decide case by case"
    return missing


def endorsement_missing(who: str, stale: list[str], opens: dt.date | None) -> str:
    """An endorsement not given (or only given too early), with the stale one said."""
    if stale and opens is not None:
        return f"{who} (the one of {stale[-1]} is older than the window opening {opens})"
    if stale:
        return f"{who} (the one of {stale[-1]} counts only once the time requirement can be met)"
    return who


def vacancy_missing(words: Words) -> str:
    return f"{article(words.vocab.vacancy)} as {words.target_name} (none is vacant)"


def education_missing(need: str, words: Words) -> str:
    return f"education {words.vocab.education_level(need)} or higher"


def education_unknown(have: str | None) -> str:
    """Why an education criterion is undecided: no education on file, or one the agency's scale does not rank."""
    return "education not on file" if have is None else f"education {have!r} is not on the agency's education scale"


DESCRIBE: dict[str, Callable] = {
    "service_time": lambda c, w: f"{years_text(c.years)} of service {service_where(w, c)}"
    + (f" (review window {c.years} to {c.review_by_years} years)" if c.review_by_years else ""),
    "experience": lambda c, w: f"{years_text(c.years)} of {kinds_words(w, c)} experience"
    + (" in a public utility" if c.public_utility_only else ""),
    "education": lambda c, w: f"education: {w.vocab.education_level(c.minimum)} or higher",
    "license": lambda c, w: f"a valid {w.vocab.license(c.license)} on the as-of date",
    "certification": lambda c, w: f"a current {w.vocab.certification(c.certification)}",
    "endorsement": lambda c, w: f"{c.endorsement} by the {w.vocab.role(c.by)}",
    "performance": lambda c, w: "successful service: the years counted again after any unsatisfactory evaluation",
    "vacancy": lambda c, w: f"{article(w.vocab.vacancy)} as {w.target_name}",
}

_STATIC: dict[tuple[int, str], tuple[object, tuple]] = {}


def static(crit, words: Words) -> tuple:
    """What a criterion's result says whoever is decided: id, kind, category, description, citation, reading.

    Computed once per criterion and target series, not per employee; the criterion is kept beside its
    entry, so an entry is never taken for another criterion that reuses a freed object's id.
    """
    key = (id(crit), words.series_id)
    hit = _STATIC.get(key)
    if hit is None or hit[0] is not crit:
        if len(_STATIC) >= 4096:
            _STATIC.clear()
        hit = _STATIC[key] = (crit, (crit.id, crit.kind, CATEGORY[crit.kind], DESCRIBE[crit.kind](crit, words),
                                     crit.source, crit.interpretation))
    return hit[1]
