"""Loading rule files: schema validation with positions, cross-references, and lookups (version in force, next level)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from eligibility.errors import RuleFileError
from eligibility.rules.documents import (
    Document,
    decode_text,
    format_loc,
    parse_yaml,
    suggest,
    validate_document,
)
from eligibility.rules.terms import TERM_WHAT, term_fields
from eligibility.rules.schema import (
    Level,
    PathDef,
    Performance,
    Rulebook,
    Series,
    ServiceTime,
    Version,
)


@dataclass(frozen=True)
class LoadedRulebook:
    """A validated rule file with where it came from and a SHA-256 of its bytes."""

    rulebook: Rulebook
    path: str
    sha256: str
    document: Document

    @property
    def agency(self) -> str:
        return self.rulebook.agency

    @cached_property
    def _by_id(self) -> dict[str, tuple[Series, list[Version]]]:
        """Each series by id, with its versions from the earliest effective to the latest."""
        return {s.id: (s, sorted(s.versions, key=lambda v: v.effective)) for s in self.rulebook.series}

    def series(self, series_id: str) -> Series:
        return self._by_id[series_id][0]

    def series_ids(self) -> set[str]:
        return {s.id for s in self.rulebook.series}

    def known(self) -> "AgencyTerms":
        """What a roster of this agency may name: its series, and the terms of its vocabulary and rules."""
        levels = {s.id: frozenset(lv.id for v in s.versions for lv in v.levels) for s in self.rulebook.series}
        return AgencyTerms(self.series_ids(), self.rulebook.terms(), levels)

    def version_in_force(self, series_id: str, on: dt.date) -> Version | None:
        """The version of a series in force on a date: the latest one effective on or before it."""
        chosen = None
        for version in self._by_id[series_id][1]:
            if version.effective <= on:
                chosen = version
        return chosen

    def version_before(self, series_id: str, version: Version) -> Version | None:
        """The version in force the day before ``version`` took effect (None: it is the earliest on file). Versions
        have no end dates: each is in force from its effective date until the next one's."""
        return self.version_in_force(series_id, version.effective - dt.timedelta(days=1))


class AgencyTerms(frozenset):
    """An agency's series ids (the set itself, as readers take it) and, by vocabulary category, its terms."""

    terms: dict[str, frozenset[str]]
    levels: dict[str, frozenset[str]]  # series id -> the level ids of any of its versions

    def __new__(cls, series: set[str], terms: dict[str, frozenset[str]],
                levels: dict[str, frozenset[str]] | None = None) -> "AgencyTerms":
        known = super().__new__(cls, series)
        known.terms = terms
        known.levels = levels or {}
        return known


def level_of(version: Version, level_id: str) -> Level | None:
    return next((lv for lv in version.levels if lv.id == level_id), None)


def next_level(version: Version, level_id: str) -> Level | None:
    """The level after ``level_id`` in the version's level order, None at the top."""
    ids = [lv.id for lv in version.levels]
    if level_id not in ids:
        return None
    index = ids.index(level_id)
    return version.levels[index + 1] if index + 1 < len(ids) else None


def _fail(doc: Document, loc: tuple, message: str) -> RuleFileError:
    line, col = doc.position(loc)
    return RuleFileError(message, file=doc.path, line=line, column=col, field=format_loc(loc))


def _cross_check(book: Rulebook, doc: Document) -> None:
    """References a single model cannot check: levels, series and same_as targets must exist."""
    series_levels = {s.id: {lv.id for v in s.versions for lv in v.levels} for s in book.series}
    scale = book.vocabulary.education
    for credential, found in book.vocabulary.education_equivalents.items():
        where = ("vocabulary", "education_equivalents", credential)
        if credential in scale:
            raise _fail(doc, where, f"education equivalent {credential!r} is also a level of the education scale")
        if found.equivalent_to not in scale:
            raise _fail(doc, where + ("equivalent_to",), f"education equivalent {credential!r}: "
                        f"{found.equivalent_to!r} is not a level of the education scale "
                        f"({', '.join(scale) or 'none declared'})")
    for si, series in enumerate(book.series):
        declared = book.vocabulary.experience_kinds
        for ki, kind in enumerate(series.experience_kinds):
            if declared and kind not in declared:
                error = _fail(doc, ("series", si, "experience_kinds", ki), f"unknown experience kind {kind!r}: not in "
                              f"vocabulary.experience_kinds ({', '.join(declared)})")
                error.suggestion = suggest(kind, declared)
                raise error
        for vi, version in enumerate(series.versions):
            level_ids = [lv.id for lv in version.levels]
            for hi, item in enumerate(version.by_hand):
                for ii, level_id in enumerate(item.levels):
                    if level_id not in level_ids:
                        raise _fail(doc, ("series", si, "versions", vi, "by_hand", hi, "levels", ii),
                                    f"level {level_id!r} does not exist in version {version.id!r} "
                                    f"(levels: {', '.join(level_ids)})")
            for li, level in enumerate(version.levels):
                base = ("series", si, "versions", vi, "levels", li)
                if level.pay.same_as is not None:
                    ref_series, _, ref_level = level.pay.same_as.partition(":")
                    if ref_level not in series_levels.get(ref_series, set()):
                        raise _fail(doc, base + ("pay", "same_as"), f"unknown SERIES:LEVEL {level.pay.same_as!r}")
                for pi, path in enumerate(level.paths):
                    ploc = base + ("paths", pi)
                    if path.from_level is not None and path.from_level not in level_ids:
                        raise _fail(doc, ploc + ("from_level",), f"level {path.from_level!r} does not exist in "
                                    f"version {version.id!r} of {series.id!r}")
                    for ci, crit in enumerate(path.criteria):
                        cloc = ploc + ("criteria", ci)
                        _check_terms(book, doc, crit, cloc)
                        if isinstance(crit, ServiceTime):
                            target_series = crit.series or series.id
                            if target_series not in series_levels:
                                raise _fail(doc, cloc + ("series",), f"unknown series {target_series!r}")
                            if crit.level is not None and crit.level not in series_levels[target_series]:
                                raise _fail(doc, cloc + ("level",),
                                            f"level {crit.level!r} does not exist in series {target_series!r}")


def _check_terms(book: Rulebook, doc: Document, crit, cloc: tuple) -> None:
    """A term of a category the vocabulary declares must be one of its terms (a typo is not a new term)."""
    for category, loc, term in term_fields(crit):
        declared = getattr(book.vocabulary, category)
        if category == "education" and not declared:  # the scale ranks the levels: without it nothing compares
            raise _fail(doc, cloc + loc, f"education level {term!r} cannot be compared: the rule file declares no "
                                         f"education scale (vocabulary.education, its levels lowest first)")
        if declared and term not in declared:
            error = _fail(doc, cloc + loc, f"unknown {TERM_WHAT[category]} {term!r}: not in "
                                           f"vocabulary.{category} ({', '.join(declared)})")
            error.suggestion = suggest(term, declared)
            raise error


def rulebook_from_document(doc: Document, sha256: str = "") -> LoadedRulebook:
    book = validate_document(doc, Rulebook, RuleFileError, "a rule file", "agency, name, rules_version, series")
    _cross_check(book, doc)
    return LoadedRulebook(rulebook=book, path=doc.path, sha256=sha256, document=doc)


def load_rulebook(path: str | Path) -> LoadedRulebook:
    """A rule file, read once: the bytes hashed (the SHA-256 every decision records) are the bytes parsed."""
    return rulebook_from_bytes(_read_bytes(path), path)


def rulebook_from_bytes(data: bytes, path: str | Path) -> LoadedRulebook:
    """A rule file's bytes, decoded as every reader decodes a file, validated, and hashed as they are."""
    doc = parse_yaml(decode_text(data, path, RuleFileError), path, RuleFileError)
    return rulebook_from_document(doc, hashlib.sha256(data).hexdigest())


def _read_bytes(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise RuleFileError(f"cannot read file: {exc.strerror or exc}", file=path) from exc


_AGENCY_LINE = re.compile(rb"^agency:[ \t]*([A-Za-z0-9_.-]+)[ \t]*(?:#.*)?\r?$", re.M)


class RulesDir(Mapping[str, LoadedRulebook]):
    """The rule files of a folder, keyed by agency; each file is parsed and validated the first time its agency is
    asked for (a command about one agency does not pay for the others; ``lint`` and ``load_all`` read every one)."""

    def __init__(self, index: dict[str, Path], loaded: dict[str, LoadedRulebook] | None = None) -> None:
        self._index = index
        self._loaded: dict[str, LoadedRulebook] = dict(loaded or {})

    def __getitem__(self, agency: str) -> LoadedRulebook:
        if agency not in self._loaded:
            path = self._index[agency]
            loaded = load_rulebook(path)
            if loaded.agency != agency:  # the quick scan misread the file: say so rather than guess
                raise RuleFileError(f"agency {loaded.agency!r} does not match the top-level 'agency: {agency}' line",
                                    file=path, line=loaded.document.position(("agency",))[0], field="agency")
            self._loaded[agency] = loaded
        return self._loaded[agency]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def path_of(self, agency: str) -> Path:
        """The file the agency's rules are read from (without reading it)."""
        return self._index[agency]

    def load_all(self) -> "RulesDir":
        for agency in self._index:
            self[agency]
        return self


class KnownTerms(Mapping[str, "AgencyTerms"]):
    """Per agency, what its rosters may name (``LoadedRulebook.known``), worked out when first asked for."""

    def __init__(self, books: Mapping[str, LoadedRulebook]) -> None:
        self._books = books
        self._known: dict[str, AgencyTerms] = {}

    def __getitem__(self, agency: str) -> "AgencyTerms":
        if agency not in self._known:
            self._known[agency] = self._books[agency].known()
        return self._known[agency]

    def __iter__(self) -> Iterator[str]:
        return iter(self._books)

    def __len__(self) -> int:
        return len(self._books)


def load_rules_dir(directory: str | Path, *, lazy: bool = False) -> RulesDir:
    """Every rules/*.yaml, keyed by agency; two files for one agency is an error.

    Each file's agency is found by its top-level ``agency:`` line; a file where that line is not plain is loaded
    at once. With ``lazy``, the other files are loaded when first asked for; without it, every file is loaded now.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise RuleFileError("rules directory not found", file=directory)
    index: dict[str, Path] = {}
    eager: dict[str, LoadedRulebook] = {}
    for path in sorted(directory.glob("*.yaml")):
        data = _read_bytes(path) if lazy else b""
        found = list(_AGENCY_LINE.finditer(data))
        if len(found) == 1:
            agency = found[0].group(1).decode("ascii")
            line = data.count(b"\n", 0, found[0].start()) + 1
        else:
            loaded = load_rulebook(path)
            agency, line = loaded.agency, loaded.document.position(("agency",))[0]
            eager[agency] = loaded
        if agency in index:
            raise RuleFileError(f"agency {agency!r} is already defined in {index[agency]}",
                                file=path, line=line, field="agency")
        index[agency] = path
    if not index:
        raise RuleFileError("no rule files (*.yaml) in the rules directory", file=directory)
    return RulesDir(index, eager)


def criteria_of(path: PathDef) -> list:
    return list(path.criteria)


def performance_targets(path: PathDef) -> dict[str, str]:
    return {c.id: c.during for c in path.criteria if isinstance(c, Performance)}
