"""What ``rules draft`` prints: the series, levels and sentences of the draft, and, against an existing rule file, what
the new text adds, removes or changes (compared sentence by sentence with the citations of the version it follows)
and how many of the file's criteria citing the text the draft proposes."""

from __future__ import annotations

import difflib

from eligibility.authoring.draft import Draft, continued_series
from eligibility.authoring.sources import STRUCK, fold
from eligibility.rules.schema import Rulebook, Series, Version

_ACCOUNTS = {"encoded": "proposed", "equivalency": "equivalency clause", "by_hand": "to confirm by hand",
             "desirable": "desirable", "lead_in": "introduces a list"}


def _words(text: str) -> str:
    return fold(STRUCK.sub(" ", text)).lower().rstrip(".;:")


def _criterion(c: dict) -> str:
    """A proposed criterion in a line, its settings as the rule file writes them: 'service_time service_at_i
    (years: 4, level: I, review_by_years: 5)'."""
    detail = ", ".join(f"{k}: {_value(v)}" for k, v in c.items() if k not in ("id", "kind", "source", "interpretation"))
    return f"{c['kind']} {c['id']}" + (f" ({detail})" if detail else "")


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def _where(draft: Draft, item) -> str:
    return ",".join(item.levels) if len(item.levels) < len(draft.levels) else "all levels"


def describe(draft: Draft) -> list[str]:
    """The draft in words: series, levels, date, and each qualification sentence with how it is accounted for."""
    out = [f"draft of {draft.document} for agency {draft.agency}",
           f"series {draft.series_id}: {draft.title}, version {draft.effective.year} effective {draft.effective} "
           f"(read from {draft.date_quote!r}: confirm)",
           "levels: " + "; ".join(f"{lv} {draft.level_title(lv)}" for lv in draft.levels)]
    counts = {k: sum(i.account == k for i in draft.items) for k in _ACCOUNTS}
    out.append(f"{len(draft.items)} sentences: " + ", ".join(f"{n} {_ACCOUNTS[k]}" for k, n in counts.items() if n))
    for item in draft.items:
        out.append(f"  line {item.sentence.line} [{_where(draft, item)}] {_ACCOUNTS[item.account]}: "
                   f"{item.quote or item.text!r}")
        seen = set()
        for level, key, c in item.criteria:
            line = f"      {level} {key}: {_criterion(c)}"
            if line not in seen:
                seen.add(line)
                out.append(line)
    return out


def sentence_rows(draft: Draft) -> list[dict]:
    """Each sentence of the draft as a row (what ``describe`` prints, for a page): its line, the levels it is read
    under, how it is accounted for, its verbatim quote and the criteria proposed for it."""
    rows = []
    for item in draft.items:
        criteria = list(dict.fromkeys(f"{level} {key}: {_criterion(c)}" for level, key, c in item.criteria))
        rows.append({"line": item.sentence.line, "section": item.sentence.section, "levels": _where(draft, item),
                     "account": _ACCOUNTS[item.account], "quote": item.quote or item.text, "criteria": criteria})
    return rows


def _old_citations(version: Version) -> list[tuple[str, str]]:
    """(what, quote) of every citation of a version's requirements."""
    out = [("equivalency clause", version.equivalency.quote)] if version.equivalency else []
    for level in version.levels:
        for path in level.paths:
            out += [(f"{level.id} {path.id}/{c.id} ({c.kind})", c.source.quote) for c in path.criteria]
    out += [(f"to confirm by hand: {b.what}", b.source.quote) for b in version.by_hand]
    out += [("desirable", d.quote) for d in version.desirable]
    return out


def _followed(draft: Draft, book: Rulebook) -> tuple[Series, Version] | None:
    """The series of ``book`` the draft continues and its version in force before the draft's date."""
    series = continued_series(draft, book)
    if series is None:
        return None
    before = [v for v in series.versions if v.effective < draft.effective] or series.versions[:1]
    return series, before[-1]


def _overlap(old: str, new: str) -> float:
    """The share of the old quote's words found, in order, in the new sentence."""
    a, b = old.split(), new.split()
    matched = sum(block.size for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return matched / len(a) if a else 0.0


def compare(draft: Draft, book: Rulebook, path: str) -> list[str]:
    """What the draft's text adds, removes or changes against the version of ``book`` it follows."""
    followed = _followed(draft, book)
    if followed is None:
        return [f"against {path}: no series of it is titled {draft.title!r} or has id {draft.series_id!r}: "
                f"everything above is new"]
    series, version = followed
    out = [f"against {path}: series {series.id}, version {version.id} (effective {version.effective})"]
    if version.title != draft.title:
        out.append(f"  changed title: {version.title!r} -> {draft.title!r}")
    old_levels = {lv.id: lv.title for lv in version.levels}
    for lv in draft.levels:
        if lv not in old_levels:
            out.append(f"  added level {lv}: {draft.level_title(lv)!r}")
        elif old_levels[lv] != draft.level_title(lv):
            out.append(f"  changed level {lv} title: {old_levels[lv]!r} -> {draft.level_title(lv)!r}")
    out += [f"  removed level {lv}: {title!r}" for lv, title in old_levels.items() if lv not in draft.levels]
    old = _old_citations(version)
    used = [False] * len(old)
    items = [i for i in draft.items if i.account != "lead_in"]
    fresh = []
    for item in items:
        new = _words(item.text)
        kept = [i for i, (_, q) in enumerate(old) if _words(q) and (_words(q) in new or new in _words(q))]
        for i in kept:
            used[i] = True
        if not kept:
            fresh.append(item)
    lines: list[str] = []
    for i, (what, quote) in enumerate(old):
        if used[i]:
            continue
        scored = sorted((-_overlap(_words(quote), _words(item.text)), n) for n, item in enumerate(items))
        if scored and -scored[0][0] >= 0.7:
            item = items[scored[0][1]]
            used[i] = True
            lines.append(f"  changed: {fold(quote)!r} ({what}) -> {item.quote or item.text!r}")
            fresh = [f for f in fresh if f is not item]
    changed = len(lines)
    lines += [f"  added ({_ACCOUNTS[item.account]}, {_where(draft, item)}): {item.quote or item.text!r}"
              for item in fresh]
    for i, (what, quote) in enumerate(old):
        if not used[i]:
            reading = draft.source.find(quote)
            note = " (struck through in the new text)" if reading in ("original", "literal") else ""
            lines.append(f"  removed{note}: {fold(quote)!r} ({what})")
    out += lines
    out.append(f"  unchanged: {sum(used) - changed} citations")
    return out


def recognised_share(draft: Draft, book: Rulebook) -> tuple[int, list[str]]:
    """How many criteria of ``book`` citing the draft's document the draft proposes: the same kind, on the same level
    and kind of path (for an advancement, from the same level), with the same years and level of service, read
    from the sentence the criterion quotes. With a line for each one it does not propose."""
    proposed = [(t, key, c, fold(item.text).lower().rstrip(".;"))
                for item in draft.items for t, key, c in item.criteria]

    def same_path(key: str, path) -> bool:
        wanted = "open_entry" if path.kind == "open_entry" else f"advancement:{path.from_level}"
        return key in ("level", wanted)

    hits, misses = 0, []
    for series in book.series:
        for version in series.versions:
            for level in version.levels:
                for path in level.paths:
                    for c in path.criteria:
                        if c.source.document != draft.document:
                            continue
                        quote = fold(STRUCK.sub(" ", c.source.quote)).lower().rstrip(".;")
                        if any(t == level.id and same_path(key, path) and p["kind"] == c.kind
                               and (quote in text or text in quote) and p.get("years") == getattr(c, "years", None)
                               and p.get("level") == getattr(c, "level", None) for t, key, p, text in proposed):
                            hits += 1
                        else:
                            misses.append(f"{series.id} {version.id} {level.id} {path.id}/{c.id} ({c.kind}): "
                                          f"{fold(c.source.quote)!r}")
    return hits, misses


__all__ = ["compare", "describe", "recognised_share", "sentence_rows"]
