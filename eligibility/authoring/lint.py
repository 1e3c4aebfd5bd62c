"""Static checks of a rules folder: loader errors as findings, plus reachability, impossible paths, versions and citations."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Iterator, Literal

from pydantic import BaseModel, ConfigDict

from eligibility.authoring.sentences import Coverage, account, qualification_sentences
from eligibility.authoring.sources import AttachedSources, SourceLibrary, SourceText, fold, plain_name
from eligibility.errors import RuleFileError
from eligibility.rules.documents import format_loc
from eligibility.rules.rulebook import LoadedRulebook, load_rulebook, rulebook_from_bytes
from eligibility.rules.schema import Citation, Performance, ServiceTime, Version

Severity = Literal["error", "warning"]


class Finding(BaseModel):
    """One problem found in a rule file, at a file, line and column."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    severity: Severity
    code: str
    file: str
    line: int | None = None
    col: int | None = None
    field: str | None = None
    message: str

    def render(self) -> str:
        where = ":".join([self.file] + [str(x) for x in (self.line, self.col) if x is not None])
        return f"{where}: {self.severity}: {self.message} [{self.code}]"


def _order(f: Finding) -> tuple:
    return (f.file, f.line or 0, f.col or 0, f.code, f.message)


# -- checks ------------------------------------------------------------------------------------------
class _Checker:
    """Semantic checks of one loaded rulebook; every finding is positioned through the loader's document."""

    def __init__(self, loaded: LoadedRulebook, sources: SourceLibrary | None) -> None:
        self.loaded = loaded
        self.book = loaded.rulebook
        self.sources = sources
        self.findings: list[Finding] = []

    def add(self, severity: Severity, code: str, loc: tuple, message: str) -> None:
        line, col = self.loaded.document.position(loc)
        self.findings.append(Finding(severity=severity, code=code, file=self.loaded.path, line=line, col=col,
                                     field=format_loc(loc), message=message))

    def run(self) -> list[Finding]:
        for si, series in enumerate(self.book.series):
            self.check_versions(si)
            for vi, version in enumerate(series.versions):
                self.check_reachability(si, vi)
                self.check_paths(si, vi)
        self.check_citations()
        self.check_vocabulary()
        return self.findings

    def check_vocabulary(self) -> None:
        """Every agency term the rules use has a display name, so people read words, not codes."""
        for what, term in self.book.unlabelled():
            self.add("warning", "unlabelled-term", ("vocabulary",),
                     f"no display name for the {what} {term!r}: add it under vocabulary")
        for si, series in enumerate(self.book.series):
            for vi, version in enumerate(series.versions):
                for li, level in enumerate(version.levels):
                    for pi, path in enumerate(level.paths):
                        if path.lacks_endorsement_window():
                            self.add("warning", "endorsement-window",
                                     ("series", si, "versions", vi, "levels", li, "paths", pi),
                                     f"path {path.id!r} has endorsement and time criteria but no "
                                     f"endorsement_window: an endorsement of any age counts toward it")

    # versions ---------------------------------------------------------------------------------------
    def check_versions(self, si: int) -> None:
        series = self.book.series[si]
        versions = series.versions
        for vi in range(1, len(versions)):
            if versions[vi].effective < versions[vi - 1].effective:
                self.add("warning", "version-order", ("series", si, "versions", vi, "effective"),
                         f"version {versions[vi].id!r} of {series.id!r} takes effect {versions[vi].effective}, before "
                         f"version {versions[vi - 1].id!r} listed above it ({versions[vi - 1].effective}); list "
                         f"versions oldest first")
        ordered = sorted(range(len(versions)), key=lambda i: versions[i].effective)
        for before, after in zip(ordered, ordered[1:]):
            kept = {lv.id for lv in versions[after].levels}
            for li, level in enumerate(versions[before].levels):
                if level.id not in kept:
                    self.add("warning", "level-dropped", ("series", si, "versions", after, "levels"),
                             f"level {level.id!r} of {series.id!r} exists in version {versions[before].id!r} but not in "
                             f"version {versions[after].id!r}: employees still at that level cannot be decided from "
                             f"{versions[after].effective}")

    # reachability -------------------------------------------------------------------------------------
    def check_reachability(self, si: int, vi: int) -> None:
        series = self.book.series[si]
        version = series.versions[vi]
        ids = [lv.id for lv in version.levels]
        reachable = {ids[0]} | {lv.id for lv in version.levels if any(p.kind == "open_entry" for p in lv.paths)}
        changed = True
        while changed:
            changed = False
            for level in version.levels:
                if level.id not in reachable and any(
                        p.kind == "advancement" and p.from_level in reachable for p in level.paths):
                    reachable.add(level.id)
                    changed = True
        for li, level in enumerate(version.levels):
            if level.id in reachable:
                continue
            where = f"level {level.id!r} ({level.title}) of {series.id!r} version {version.id!r}"
            loc = ("series", si, "versions", vi, "levels", li)
            if not level.paths:
                self.add("error", "unreachable-level", loc + ("id",),
                         f"{where} has no path into it; only the entry level ({ids[0]}) may have none")
            else:
                froms = sorted({p.from_level for p in level.paths if p.from_level})
                self.add("error", "unreachable-level", loc + ("paths",),
                         f"{where} can only be reached by advancement from {', '.join(froms)}, which cannot itself be "
                         f"reached")

    # impossible paths ---------------------------------------------------------------------------------
    def check_paths(self, si: int, vi: int) -> None:
        series = self.book.series[si]
        version = series.versions[vi]
        ids = [lv.id for lv in version.levels]
        for li, level in enumerate(version.levels):
            for pi, path in enumerate(level.paths):
                ploc = ("series", si, "versions", vi, "levels", li, "paths", pi)
                what = f"path {path.id!r} into level {level.id!r} ({series.id} {version.id})"
                if path.kind == "advancement" and path.from_level in ids and ids.index(path.from_level) >= li:
                    relation = "itself" if path.from_level == level.id else f"{path.from_level!r}, a higher level"
                    self.add("error", "advancement-direction", ploc + ("from_level",),
                             f"{what} advances from {relation}; advancement must come from a lower level "
                             f"(levels are listed lowest first)")
                if path.kind == "open_entry" and path.from_level is not None:
                    self.add("warning", "from-level-ignored", ploc + ("from_level",),
                             f"{what} is open_entry, so from_level {path.from_level!r} has no effect")
                for ci, crit in enumerate(path.criteria):
                    cloc = ploc + ("criteria", ci)
                    if isinstance(crit, ServiceTime):
                        self.check_service_time(crit, cloc, series.id, version, li, what)
                    if isinstance(crit, Performance):
                        reviewed = next(c for c in path.criteria if c.id == crit.during)
                        if getattr(reviewed, "public_utility_only", False):
                            self.add("warning", "performance-outside", cloc + ("during",),
                                     f"criterion {crit.id!r} of {what} reviews evaluations during {crit.during!r}, "
                                     f"which counts only outside (public utility) experience the agency never rated")

    def check_service_time(self, crit: ServiceTime, cloc: tuple, series_id: str, version: Version, li: int,
                           what: str) -> None:
        if crit.level is None:
            return
        target_series = crit.series or series_id
        ids = [lv.id for lv in version.levels]
        if target_series != series_id:
            return
        if crit.level not in ids:
            self.add("warning", "level-not-in-version", cloc + ("level",),
                     f"criterion {crit.id!r} of {what} counts service at level {crit.level!r}, which does not exist in "
                     f"version {version.id!r}: only service under another version of the series can count")
        elif crit.level == ids[li]:
            self.add("error", "impossible-path", cloc + ("level",),
                     f"criterion {crit.id!r} of {what} counts service at level {crit.level!r}, the level the path leads "
                     f"into: only someone already there could meet it")
        elif ids.index(crit.level) > li:
            self.add("warning", "service-above-target", cloc + ("level",),
                     f"criterion {crit.id!r} of {what} counts service at level {crit.level!r}, which is above the "
                     f"target level {ids[li]!r}")

    # citations ----------------------------------------------------------------------------------------
    def citations(self) -> Iterator[tuple[tuple, Citation, str]]:
        """Every citation with its loc and a phrase naming what it supports."""
        for si, series in enumerate(self.book.series):
            if series.established is not None:
                yield ("series", si, "established", "source"), series.established.source, \
                    f"the established date of {series.id!r}"
            for vi, version in enumerate(series.versions):
                vloc = ("series", si, "versions", vi)
                yield vloc + ("source",), version.source, f"version {version.id!r} of {series.id!r}"
                for li, level in enumerate(version.levels):
                    lloc = vloc + ("levels", li)
                    if level.pay.source is not None:
                        yield lloc + ("pay", "source"), level.pay.source, f"the pay of level {level.id!r} ({series.id} " \
                                                                          f"{version.id})"
                    for pi, path in enumerate(level.paths):
                        for ci, crit in enumerate(path.criteria):
                            yield (lloc + ("paths", pi, "criteria", ci, "source"), crit.source,
                                   f"criterion {crit.id!r} (level {level.id!r}, path {path.id!r}, {series.id} "
                                   f"{version.id})")
                for hi, item in enumerate(version.by_hand):
                    yield vloc + ("by_hand", hi, "source"), item.source, f"the requirement to confirm by hand " \
                                                                         f"{item.what!r} ({series.id} {version.id})"
                for di, citation in enumerate(version.desirable):
                    yield vloc + ("desirable", di), citation, f"a desirable qualification ({series.id} {version.id})"

    def check_citations(self) -> None:
        listed = [d.file for d in self.book.documents]
        cited: set[str] = set()
        for loc, citation, what in self.citations():
            cited.add(citation.document)
            for key in ("document", "section", "quote"):
                if not getattr(citation, key).strip():
                    self.add("error", "blank-citation", loc + (key,), f"{what}: citation {key} is blank")
            if listed and citation.document not in listed:
                close = difflib.get_close_matches(citation.document, listed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.add("error", "unknown-document", loc + ("document",),
                         f"{what} cites {citation.document!r}, which is not in the documents list{hint}")
            if self.sources is not None and citation.quote.strip():
                self.check_quote(loc, citation, what)
        if not listed:
            self.add("warning", "no-documents", ("agency",), "the rule file lists no source documents")
        for di, doc in enumerate(self.book.documents):
            if not plain_name(doc.file):
                self.add("error", "document-not-a-file-name", ("documents", di, "file"),
                         f"source document {doc.file!r} is not a plain file name (no folders: the sources folder "
                         f"holds every document)")
            if doc.file not in cited:
                self.add("warning", "unused-document", ("documents", di, "file"),
                         f"source document {doc.file!r} is listed but no citation uses it")

    def check_quote(self, loc: tuple, citation: Citation, what: str) -> None:
        outside = self.sources.outside(citation.document)
        if outside:  # nothing is read, so nothing of such a file can be printed
            self.add("error", "source-outside-folder", loc + ("document",),
                     f"{what} cites {citation.document!r}, which {outside}; a document is a file name inside "
                     f"the sources folder {self.sources.folder}")
            return
        text = self.sources.get(citation.document)
        if text is None and getattr(self.sources, "partial", False):
            return  # attached texts (the service's): the caller names the documents it could not check
        if text is None:
            self.add("error", "source-missing", loc + ("document",),
                     f"{what} cites {citation.document!r}, which is not in the sources folder {self.sources.folder}")
            return
        if text.find(citation.quote) is None:
            self.add("error", "quote-not-found", loc + ("quote",),
                     f"{what}: quote not found in {citation.document}: {fold(citation.quote)!r} "
                     f"(closest passage: {text.closest(citation.quote)!r})")


def lint_rulebook(loaded: LoadedRulebook, sources: SourceLibrary | None = None,
                  coverage: Coverage | None = None) -> list[Finding]:
    """Semantic findings of one rule file that loaded; with sources, every qualification sentence of its documents
    must be accounted for (counted into ``coverage``)."""
    findings = _Checker(loaded, sources).run()
    if sources is not None:
        findings += _sentence_findings(loaded, sources, coverage if coverage is not None else Coverage())
    return sorted(findings, key=_order)


def _sentence_findings(loaded: LoadedRulebook, sources: SourceLibrary, coverage: Coverage) -> list[Finding]:
    """An ``unaccounted-sentence`` error for each qualification sentence of the rule file's documents that no
    criterion encodes and no declaration (by_hand, desirable) names."""
    findings = []
    for di, doc in enumerate(loaded.rulebook.documents):
        text = sources.get(doc.file) if plain_name(doc.file) else None
        if text is None:
            continue  # source-missing says so
        line, col = loaded.document.position(("documents", di))
        for sentence, how in account(qualification_sentences(doc.file, text.text), loaded.rulebook):
            coverage.counts[how] += 1
            if how == "unaccounted":
                coverage.unaccounted.append((loaded.path, sentence))
                words = sentence.text if len(sentence.text) <= 120 else sentence.text[:117] + "..."
                findings.append(Finding(
                    severity="error", code="unaccounted-sentence", file=loaded.path, line=line, col=col,
                    field=format_loc(("documents", di)),
                    message=f"{doc.file}:{sentence.line}: a qualification sentence no criterion encodes and no "
                            f"declaration names: {words!r} (encode it, or declare it under the version's by_hand "
                            f"or desirable)"))
    return findings


def _error_finding(exc: RuleFileError) -> Finding:
    """The loader's error (YAML, duplicate key, schema or cross-reference) as a finding."""
    message = (f"{exc.field}: " if exc.field else "") + exc.message
    if exc.suggestion:
        message += f" (did you mean {exc.suggestion!r}?)"
    return Finding(severity="error", code="schema", file=exc.file or "<input>", line=exc.line, col=exc.column,
                   field=exc.field, message=" ".join(message.split()))


def lint_rules_dir(rules_dir: str | Path, sources: str | Path | None = None,
                   coverage: Coverage | None = None) -> list[Finding]:
    """Every finding in every rules/*.yaml: a file that does not load gives one ``schema`` finding. With sources,
    ``coverage`` counts how the qualification sentences are accounted for."""
    directory = Path(rules_dir)
    if not directory.is_dir():
        raise RuleFileError("rules directory not found", file=directory)
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise RuleFileError("no rule files (*.yaml) in the rules directory", file=directory)
    library = SourceLibrary(sources) if sources is not None else None
    findings: list[Finding] = []
    agencies: dict[str, str] = {}
    for path in files:
        try:
            loaded = load_rulebook(path)
        except RuleFileError as exc:
            findings.append(_error_finding(exc))
            continue
        if loaded.agency in agencies:
            line, col = loaded.document.position(("agency",))
            findings.append(Finding(severity="error", code="duplicate-agency", file=loaded.path, line=line, col=col,
                                    field="agency", message=f"agency {loaded.agency!r} is already defined in "
                                                            f"{agencies[loaded.agency]}"))
        agencies.setdefault(loaded.agency, loaded.path)
        findings += lint_rulebook(loaded, library, coverage)
    return sorted(findings, key=_order)


def lint_bytes(data: bytes, name: str, sources: SourceLibrary | AttachedSources | None = None
               ) -> tuple[LoadedRulebook | None, list[Finding]]:
    """One rule file's bytes linted as ``lint`` lints a file of the folder: (the loaded file, its findings), or
    (None, the one ``schema`` finding) when it does not load."""
    try:
        loaded = rulebook_from_bytes(data, name)
    except RuleFileError as exc:
        return None, [_error_finding(exc)]
    return loaded, lint_rulebook(loaded, sources)


def summary(findings: list[Finding], files: int) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if not findings:
        return f"{files} rule file{'s' if files != 1 else ''} checked: no findings"
    return (f"{files} rule file{'s' if files != 1 else ''} checked: {errors} error{'s' if errors != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''}")


def exit_code(findings: list[Finding], strict: bool = False) -> int:
    """0 clean, 1 when there is an error (or, with ``strict``, any finding)."""
    if any(f.severity == "error" for f in findings) or (strict and findings):
        return 1
    return 0


__all__ = ["Finding", "SourceLibrary", "SourceText", "fold", "lint_bytes", "lint_rulebook", "lint_rules_dir",
           "summary",
           "exit_code"]
