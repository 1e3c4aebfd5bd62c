"""A draft (authoring/draft.py) written into the agency's rule file as text: the drafted version goes into the series
it continues (replacing a version with the same id, else after the series' last version), a new series at the end
of the list, the specification into ``documents`` and the terms the draft adds into ``vocabulary``, with a new
``rules_version``. Every other line of the file, comments included, stays as it was, so that a reviewer reads the
change and nothing else."""

from __future__ import annotations

import yaml

from eligibility.rules.rulebook import LoadedRulebook
from eligibility.rules.terms import TERM_CATEGORIES


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content(line: str) -> bool:
    bare = line.strip()
    return bool(bare) and not bare.startswith("#")


def _end(lines: list[str], start: int, stop: int) -> int:
    """The index after the node starting at line index ``start``: the next line holding content indented ``stop``
    or less, less the blank and comment lines just above it (they head what follows)."""
    end = next((i for i in range(start + 1, len(lines)) if _content(lines[i]) and _indent(lines[i]) <= stop),
               len(lines))
    while end - 1 > start and not _content(lines[end - 1]):
        end -= 1
    return end


def _block(value, indent: int) -> list[str]:
    """``value`` (a list item) as YAML lines, its dash at column ``indent`` (0-based)."""
    text = yaml.safe_dump([value], sort_keys=False, allow_unicode=True, width=120)
    return [" " * indent + line for line in text.splitlines()]


class _Edits:
    """Line insertions and replacements on the original text, applied bottom up so positions stay valid."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.edits: list[tuple[int, int, list[str]]] = []

    def item_range(self, loaded: LoadedRulebook, loc: tuple) -> tuple[int, int, int]:
        """(first index, index after, dash column) of the sequence item at ``loc``."""
        line, col = loaded.document.position(loc)
        start = line - 1
        return start, _end(self.lines, start, col - 2), col - 3

    def replace(self, start: int, end: int, new: list[str]) -> None:
        self.edits.append((start, end, new))

    def text(self) -> str:
        lines = list(self.lines)
        order = sorted(range(len(self.edits)), key=lambda i: (self.edits[i][0], self.edits[i][1], i), reverse=True)
        for start, end, new in (self.edits[i] for i in order):  # of two at one place, the first made comes first
            lines[start:end] = new
        return "\n".join(lines) + "\n"


def merge_draft(text: str, loaded: LoadedRulebook, drafted: dict, label: str) -> tuple[str, list[str]]:
    """(the rule file ``text`` with the drafted rule file ``drafted`` (draft.complete's) written into it, what was
    done in words). ``loaded`` is ``text`` loaded; ``label`` the new rules_version."""
    book = loaded.rulebook
    edits = _Edits(text)
    said = []
    series = drafted["series"][0]
    version = series["versions"][0]
    at = next((i for i, s in enumerate(book.series) if s.id == series["id"]), None)
    if at is None:
        start, end, dash = edits.item_range(loaded, ("series", len(book.series) - 1))
        edits.replace(end, end, [""] + _block(series, dash))
        said.append(f"added series {series['id']} with version {version['id']} (effective {version['effective']})")
    else:
        versions = book.series[at].versions
        same = next((i for i, v in enumerate(versions) if v.id == version["id"]), None)
        start, end, dash = edits.item_range(loaded, ("series", at, "versions", len(versions) - 1 if same is None
                                                     else same))
        if same is None:
            edits.replace(end, end, [""] + _block(version, dash))
            said.append(f"added version {version['id']} (effective {version['effective']}) to series {series['id']}")
        else:
            edits.replace(start, end, _block(version, dash))
            said.append(f"replaced version {version['id']} of series {series['id']} with the draft's reading")
    for document in drafted["documents"]:
        if all(d.file != document["file"] for d in book.documents) and book.documents:
            start, end, dash = edits.item_range(loaded, ("documents", len(book.documents) - 1))
            edits.replace(end, end, _block(document, dash))
            said.append(f"listed the document {document['file']}")
    for category in TERM_CATEGORIES:
        terms = drafted.get("vocabulary", {}).get(category) or {}
        have = dict(getattr(book.vocabulary, category))
        added = {k: v for k, v in terms.items() if k not in have}
        if not added:
            continue
        positions = loaded.document.positions
        if ("vocabulary", category) in positions:  # after the category's last term
            line, col = positions[("vocabulary", category)]
            end = _end(edits.lines, line - 1, col - 1)
            edits.replace(end, end, [" " * (col + 1) + yaml.safe_dump({k: v}, allow_unicode=True, width=200).strip()
                                     for k, v in added.items()])
        elif ("vocabulary",) in positions:  # a new category, first under 'vocabulary:'
            line, col = positions[("vocabulary",)]
            block = yaml.safe_dump({category: added}, allow_unicode=True, width=200, sort_keys=False)
            edits.replace(line, line, [" " * (col + 1) + row for row in block.splitlines()])
        else:  # no vocabulary yet: one, above the series
            line, _ = positions[("series",)]
            block = yaml.safe_dump({"vocabulary": {category: added}}, allow_unicode=True, width=200, sort_keys=False)
            edits.replace(line - 1, line - 1, block.splitlines())
        said.append(f"added to vocabulary {category}: {', '.join(added)}")
    line, _ = loaded.document.position(("rules_version",))
    edits.replace(line - 1, line, [f'rules_version: "{label}"'])
    return edits.text(), said


__all__ = ["merge_draft"]
