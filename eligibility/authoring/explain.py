"""A rulebook in plain English (Markdown): every series, version, level, path and criterion with citation and reading."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from eligibility.rules.rulebook import LoadedRulebook
from eligibility.rules.schema import (
    CATEGORY,
    CertificationCriterion,
    Citation,
    EducationCriterion,
    EndorsementCriterion,
    Experience,
    Level,
    LicenseCriterion,
    PathDef,
    Performance,
    Series,
    ServiceTime,
    Vacancy,
    Version,
)

ENDORSEMENTS = {"recommendation": "A recommendation", "approval": "Approval", "proficiency": "A finding of proficiency"}
IF_UNMET = {
    "time": "*not yet* — the date it will be met is projected from the current assignments",
    "hard": "*ineligible*",
    "vacancy": "*awaiting vacancy*",
    "endorsement": "*awaiting approval*",
}


def _words(value: str) -> str:
    return value.replace("_", " ")


def _years(n: int) -> str:
    return f"{n} year{'s' if n != 1 else ''}"


def _level_name(version: Version | None, level_id: str) -> str:
    level = next((lv for lv in version.levels if lv.id == level_id), None) if version else None
    return f"level {level_id} ({level.title})" if level else f"level {level_id}"


class _Writer:
    """Renders one loaded rulebook."""

    def __init__(self, book: LoadedRulebook) -> None:
        self.book = book
        self.rules = book.rulebook
        self.out: list[str] = []

    def add(self, *lines: str) -> None:
        self.out.extend(lines)

    # -- sentences ---------------------------------------------------------------------------------
    def sentence(self, crit, series: Series, version: Version, level: Level) -> str:
        vocab = self.rules.vocabulary
        if isinstance(crit, ServiceTime):
            other = crit.series and crit.series != series.id
            where = f"in the `{crit.series}` series" if other else "in this series"
            if crit.level:
                where = f"at {_level_name(None if other else version, crit.level)} " + where
            else:
                where = "at any level " + where
            text = (f"At least {_years(crit.years)} of service with the agency {where}, counted in full-time "
                    f"equivalent days, with unpaid leave not counted.")
            if crit.review_by_years:
                text += (f" The review window runs from {_years(crit.years)} to {_years(crit.review_by_years)} of "
                         f"credited service: eligibility starts at {crit.years}; advancement is expected to be "
                         f"reviewed by {crit.review_by_years}.")
            return text
        if isinstance(crit, Experience):
            if len(crit.kinds) == 1:
                text = f"At least {_years(crit.years)} of {vocab.experience(crit.kinds[0])} experience."
            else:
                kinds = ", ".join(vocab.experience(k) for k in crit.kinds)
                text = f"At least {_years(crit.years)} of experience of these kinds, in any mix: {kinds}."
            if crit.public_utility_only:
                return text + " Only experience in a public utility counts; service with this agency does not."
            counting = [s.id for s in self.rules.series if set(s.experience_kinds) & set(crit.kinds)]
            if counting:
                names = ", ".join(f"`{s}`" for s in counting)
                text += f" Experience outside the agency counts, and so does service with the agency in: {names}."
            else:
                text += " Only experience outside the agency counts: no series of this agency counts as these kinds."
            return text
        if isinstance(crit, EducationCriterion):
            scale = ", ".join(vocab.education.values())
            text = f"Education: {vocab.education_level(crit.minimum)} or higher on the agency's scale ({scale}; lowest first)."
            if crit.or_equivalent and vocab.education_equivalents:
                text += (" The clause says \"or equivalent\": " + ", ".join(
                    f"{e.name} (as {vocab.education_level(e.equivalent_to)})"
                    for e in vocab.education_equivalents.values()) + " also count.")
            return text
        if isinstance(crit, (LicenseCriterion, CertificationCriterion)):
            name = (vocab.license(crit.license) if isinstance(crit, LicenseCriterion)
                    else vocab.certification(crit.certification))
            text = (f"A valid {name} on the decision date: obtained by then, and its expiry date on file and not "
                    f"past (no expiry date on file leaves it for review).")
            if crit.when_not_held == "needs_review":
                text += " A missing or expired one is not a bar: it is left for HR to decide case by case."
            return text
        if isinstance(crit, EndorsementCriterion):
            return (f"{ENDORSEMENTS[crit.endorsement]} by the {vocab.role(crit.by)} toward "
                    f"{level.title} (`{series.id}:{level.id}`), dated on or before the decision date.")
        if isinstance(crit, Performance):
            return (f"Successful service: the years of `{crit.during}` counted again from the day after the latest "
                    f"performance evaluation rated unsatisfactory (an unsatisfactory evaluation restarts the count).")
        if isinstance(crit, Vacancy):
            return (f"A {vocab.vacancy} as {level.title} (`{series.id}:{level.id}`) among the positions on the "
                    f"roster.")
        raise AssertionError(f"no sentence for criterion kind {crit.kind!r}")  # pragma: no cover - schema is closed

    @staticmethod
    def citation(source: Citation) -> str:
        return f"`{source.document}`, {source.section}: “{' '.join(source.quote.split())}”"

    # -- blocks ------------------------------------------------------------------------------------
    def render(self) -> str:
        r = self.rules
        self.add(f"# {r.name} (`{r.agency}`)", "",
                 f"Generated by `eligibility explain-rules {r.agency}` from `{Path(self.book.path).name}`, rules "
                 f"version {r.rules_version}. Do not edit this page by hand: edit the rule file and generate it "
                 f"again.", "",
                 "How to read it: a level lists the *paths* into it. Every criterion of a path must be met; meeting "
                 "any one path is enough. When a criterion is not met, the path's status is the one given under "
                 "*If not met*; a criterion that cannot be decided from the record (missing data) makes it *needs "
                 "review*. Of all paths, the best status wins: eligible, then awaiting approval, awaiting vacancy, "
                 "not yet, needs review, ineligible.", "")
        if r.documents:
            self.add("## Source documents", "", "| File | Title | Date |", "| --- | --- | --- |")
            for doc in r.documents:
                self.add(f"| `{doc.file}` | {doc.title} | {doc.date or 'not stated'} |")
            self.add("")
        for series in r.series:
            self.series(series)
        return "\n".join(self.out).rstrip() + "\n"

    def series(self, series: Series) -> None:
        self.add(f"## Series `{series.id}`", "")
        if series.former_titles:
            self.add(f"Former titles: {', '.join(series.former_titles)}.", "")
        if series.experience_kinds:
            kinds = ", ".join(self.rules.vocabulary.experience(k) for k in series.experience_kinds)
            self.add(f"Service in this series counts as experience of these kinds: {kinds}.", "")
        if series.established:
            self.add(f"Established {series.established.date} ({self.citation(series.established.source)}): service "
                     f"recorded in the series before that day is counted as recorded, with a caveat asking to confirm "
                     f"it was the predecessor class.", "")
        ordered = sorted(series.versions, key=lambda v: v.effective)
        for index, version in enumerate(ordered):
            until = ordered[index + 1].effective - dt.timedelta(days=1) if index + 1 < len(ordered) else None
            self.version(series, version, until)

    def version(self, series: Series, version: Version, until: dt.date | None) -> None:
        span = f"in force from {version.effective}" + (f" to {until}" if until else " (the latest version)")
        self.add(f"### Version {version.id}: {version.title}, {span}", "",
                 f"Source: {self.citation(version.source)}", "",
                 "Levels, lowest first: " + ", ".join(f"{lv.id} ({lv.title})" for lv in version.levels) + ".", "")
        for index, level in enumerate(version.levels):
            self.level(series, version, level, index)
        if version.by_hand:
            self.add("To confirm by hand (no criterion reads them; decisions toward the levels named list them, and "
                     "the status does not change):", "")
            for item in version.by_hand:
                levels = f" (level {', '.join(item.levels)})" if item.levels else " (every level)"
                self.add(f"- {item.what}{levels}. Source: {self.citation(item.source)}")
            self.add("")
        if version.desirable:
            self.add("Desirable, not requirements (read by no criterion):", "")
            for citation in version.desirable:
                self.add(f"- {self.citation(citation)}")
            self.add("")

    def level(self, series: Series, version: Version, level: Level, index: int) -> None:
        self.add(f"#### Level {level.id}: {level.title}", "")
        pay = level.pay
        amount = f"{pay.scale} {pay.value}" if pay.value is not None else f"{pay.scale} not stated"
        line = f"Pay: {amount}"
        if pay.same_as:
            line += f"; the same as `{pay.same_as}`"
        if pay.note:
            line += f" ({pay.note})"
        self.add(line + "." + (f" Source: {self.citation(pay.source)}" if pay.source else ""), "")
        if level.single_position:
            self.add("A single-position class.", "")
        if not level.paths:
            why = "it is the entry level of the series" if index == 0 else "the rules give no way into it"
            self.add(f"No path into this level is encoded ({why}); the evaluator cannot decide advancement to it.",
                     "")
        for path in level.paths:
            self.path(series, version, level, path)
        if level.notes:
            self.add("Notes:", "")
            for note in level.notes:
                self.add(f"- {' '.join(note.split())}")
            self.add("")

    def path(self, series: Series, version: Version, level: Level, path: PathDef) -> None:
        if path.kind == "advancement":
            kind = f"advancement from {_level_name(version, path.from_level)}"
        else:
            kind = "open entry (meeting the class's qualifications)"
        self.add(f"##### Path `{path.id}`: {kind}", "")
        if path.incumbents:
            self.add(f"The advancement clause for incumbents: for someone holding {_level_name(version, path.from_level)}"
                     f", it decides the status; meeting an open-entry path into this level is only reported beside "
                     f"it.", "")
        if path.description:
            self.add(" ".join(path.description.split()), "")
        if path.endorsement_window:
            window = path.endorsement_window
            self.add(f"Endorsements count only if dated no earlier than {window.lead_days} days before the day the "
                     f"time criteria are met. Reading: {' '.join(window.interpretation.split())}", "")
        self.add("All of these must be met:", "")
        for number, crit in enumerate(path.criteria, 1):
            self.add(f"{number}. **`{crit.id}`** ({_words(crit.kind)}): {self.sentence(crit, series, version, level)}",
                     f"   - If not met: {IF_UNMET[CATEGORY[crit.kind]]}.",
                     f"   - Source: {self.citation(crit.source)}")
            if crit.interpretation:
                self.add(f"   - Interpretation: {' '.join(crit.interpretation.split())}")
        self.add("")
        if path.kind == "open_entry" and version.equivalency:
            self.add(f"Equivalency: {self.citation(version.equivalency)} Where this path falls short only on "
                     f"education or experience, the decision flags the clause for HR; the status does not change.", "")


def explain_rulebook(book: LoadedRulebook) -> str:
    """The rulebook as Markdown; the same rule file always gives the same text."""
    return _Writer(book).render()


__all__ = ["explain_rulebook"]
