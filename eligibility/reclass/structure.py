"""Comparing two versions of a class specification: limits, levels, paths and requirements added, removed, tightened or relaxed."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from eligibility.decide.wording import DESCRIBE, Words
from eligibility.rules.schema import (
    Citation,
    Level,
    PathDef,
    Version,
    Vocabulary,
)

NoteKind = Literal["level_added", "level_removed", "limit_added", "limit_removed", "path_added", "path_removed",
                   "tightened", "relaxed", "changed", "pay_changed"]


class StructuralNote(BaseModel):
    """One structural difference between the version in force before a proposal and the one it adopts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    action_id: str
    series: str
    level: str | None = None
    path: str | None = None
    kind: NoteKind
    text: str
    before_version: str
    after_version: str
    before: Citation | None = None
    after: Citation | None = None


def _semantic(criterion) -> dict:
    """What a criterion requires, without its id, citation or reading (``during`` names an id too)."""
    return criterion.model_dump(mode="json", exclude={"id", "source", "interpretation", "during"})


def _pair(old: list, new: list) -> tuple[list[tuple], list, list]:
    """Match criteria: same id and kind first, then by kind where a kind is left once on each side."""
    pairs, rest_old, rest_new = [], list(old), list(new)
    for b in list(rest_new):
        a = next((a for a in rest_old if a.id == b.id and a.kind == b.kind), None)
        if a is not None:
            pairs.append((a, b))
            rest_old.remove(a)
            rest_new.remove(b)
    for b in list(rest_new):
        same_old = [a for a in rest_old if a.kind == b.kind]
        same_new = [x for x in rest_new if x.kind == b.kind]
        if len(same_old) == 1 and len(same_new) == 1:
            pairs.append((same_old[0], b))
            rest_old.remove(same_old[0])
            rest_new.remove(b)
    pairs.sort(key=lambda p: [c.id for c in new].index(p[1].id))
    return pairs, rest_old, rest_new


def _criterion_change(a, b, vocab: Vocabulary) -> tuple[str, str] | None:
    """(tightened|relaxed|changed, why) for two criteria of one kind, or None when they require the same."""
    if _semantic(a) == _semantic(b):
        return None
    found: list[tuple[str, str]] = []
    if a.kind in ("service_time", "experience") and a.years != b.years:
        found.append(("tightened" if b.years > a.years else "relaxed", f"{a.years} to {b.years} years"))
    if a.kind == "experience":
        old, new = set(a.kinds), set(b.kinds)
        if new < old:
            found.append(("tightened", "fewer kinds of experience count"))
        elif new > old:
            found.append(("relaxed", "more kinds of experience count"))
        elif new != old:
            found.append(("changed", "different kinds of experience"))
        if a.public_utility_only != b.public_utility_only:
            found.append(("tightened" if b.public_utility_only else "relaxed",
                          "public utility experience " + ("now" if b.public_utility_only else "no longer") + " required"))
    if a.kind == "service_time":
        if (a.series, a.level) != (b.series, b.level):
            found.append(("changed", "counted in a different class or level"))
        if a.review_by_years != b.review_by_years:
            found.append(("changed", f"review window {a.review_by_years or a.years} to {b.review_by_years or b.years}"
                          " years"))
    if a.kind == "education":
        ranks = vocab.education_rank(a.minimum), vocab.education_rank(b.minimum)
        kind = "changed" if None in ranks else "tightened" if ranks[1] > ranks[0] else "relaxed"
        found.append((kind, f"{a.minimum} to {b.minimum}"))
    if not found:
        found.append(("changed", "different requirement"))
    kinds = {k for k, _ in found}
    return (kinds.pop() if len(kinds) == 1 else "changed"), "; ".join(why for _, why in found)


def _path_label(path: PathDef) -> str:
    return "minimum qualifications" if path.kind == "open_entry" else f"advancement from level {path.from_level}"


def _limit_citation(level: Level, version: Version) -> Citation:
    """The clause stating a single-position limit when a criterion quotes it, else the version's own citation."""
    for path in level.paths:
        for criterion in path.criteria:
            quote = criterion.source.quote.lower().replace("-", " ")
            if "single position" in quote:
                return criterion.source
    return version.source


def compare_versions(action_id: str, series_id: str, old: Version, new: Version,
                     vocab: Vocabulary | None = None) -> list[StructuralNote]:
    """Every structural difference between two versions of a series, level by level, in the new version's order."""
    titles = {lv.id: lv.title for lv in new.levels}
    base = dict(action_id=action_id, series=series_id, before_version=old.id, after_version=new.id)
    notes: list[StructuralNote] = []
    old_levels = {lv.id: lv for lv in old.levels}
    for level in new.levels:
        before = old_levels.get(level.id)
        if before is None:
            notes.append(StructuralNote(**base, level=level.id, kind="level_added", before=old.source, after=new.source,
                                        text=f"{level.title}: level {level.id} added in version {new.id}."))
            continue
        name = level.title
        if before.single_position != level.single_position:
            added = level.single_position
            notes.append(StructuralNote(
                **base, level=level.id, kind="limit_added" if added else "limit_removed",
                before=_limit_citation(before, old), after=_limit_citation(level, new),
                text=f"{name}: single-position limit {'added' if added else 'removed'} ({before.title} was "
                     f"{'not ' if added else ''}a single-position class in version {old.id}; version {new.id} "
                     f"{'makes it one' if added else 'allows more than one position'})."))
        old_pay = (before.pay.scale, before.pay.value, before.pay.same_as)
        new_pay = (level.pay.scale, level.pay.value, level.pay.same_as)
        if old_pay != new_pay:
            notes.append(StructuralNote(**base, level=level.id, kind="pay_changed", before=before.pay.source or old.source,
                                        after=level.pay.source or new.source,
                                        text=f"{name}: pay {_pay_text(old_pay)} -> {_pay_text(new_pay)}."))
        old_paths = {p.id: p for p in before.paths}
        for path in level.paths:
            prior = old_paths.get(path.id)
            if prior is None:
                what = f" ({path.description.rstrip('.')})" if path.description else ""
                notes.append(StructuralNote(**base, level=level.id, path=path.id, kind="path_added", before=old.source,
                                            after=path.criteria[0].source,
                                            text=f"{name}: path {path.id} ({_path_label(path)}) added{what}."))
                continue
            notes += _criteria_notes(base, Words(series_id, level.id, vocab or Vocabulary(), titles), name, level.id, prior, path,
                                         old, new)
        for path in before.paths:
            if path.id not in {p.id for p in level.paths}:
                notes.append(StructuralNote(**base, level=level.id, path=path.id, kind="path_removed",
                                            before=path.criteria[0].source, after=new.source,
                                            text=f"{name}: path {path.id} ({_path_label(path)}) removed."))
    for level in old.levels:
        if level.id not in {lv.id for lv in new.levels}:
            notes.append(StructuralNote(**base, level=level.id, kind="level_removed", before=old.source,
                                        after=new.source, text=f"{level.title}: level {level.id} removed in version "
                                                               f"{new.id}."))
    return notes


def _criteria_notes(base: dict, ctx, name: str, level_id: str, old_path: PathDef, new_path: PathDef, old: Version,
                    new: Version) -> list[StructuralNote]:
    pairs, removed, added = _pair(list(old_path.criteria), list(new_path.criteria))
    label = f"{name} {_path_label(new_path)} ({new_path.id})"
    where = dict(**base, level=level_id, path=new_path.id)
    notes = []
    for a, b in pairs:
        change = _criterion_change(a, b, ctx.vocab)
        if change is not None:
            kind, why = change
            notes.append(StructuralNote(**where, kind=kind, before=a.source, after=b.source,
                                        text=f"{label}: {b.kind.replace('_', ' ')} {kind}: "
                                             f"{DESCRIBE[a.kind](a, ctx)} -> {DESCRIBE[b.kind](b, ctx)} ({why})."))
    for b in added:
        notes.append(StructuralNote(**where, kind="tightened", before=old.source, after=b.source,
                                    text=f"{label}: {b.kind.replace('_', ' ')} added: {DESCRIBE[b.kind](b, ctx)}."))
    for a in removed:
        notes.append(StructuralNote(**where, kind="relaxed", before=a.source, after=new.source,
                                    text=f"{label}: {a.kind.replace('_', ' ')} removed: {DESCRIBE[a.kind](a, ctx)}."))
    return notes


def _pay_text(pay: tuple) -> str:
    scale, value, same_as = pay
    if value is not None:
        return f"{scale} {value}"
    return f"same {scale} as {same_as}" if same_as else f"{scale} not stated"


__all__ = ["StructuralNote", "compare_versions"]
