"""The qualification sentences of a specification, and how a rule file accounts for each (encoded by a criterion,
declared to be confirmed by a person, or declared desirable): ``lint --sources`` measures the coverage, and later
tools (``rules draft``) can start from the same sentences.

A qualification sentence is one sentence of a bullet or line of: the experience, education and training lines of the
minimum (or desirable) qualifications, every line under licences and certificates and under special requirements,
an "Other:" line that says must, required or possession; and, anywhere in the document, an advancement sentence ("is
eligible to advance") or one stating a measurable requirement ("45 words per minute"). Knowledge, skill and ability
lists are out of scope, and so are struck-through passages of a redline (the amended text is read).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from eligibility.authoring.sources import STRUCK, fold
from eligibility.rules.schema import Citation, Rulebook

# where qualification lines are listed, and where such a listing ends (headings, case-insensitive, at a line's start)
_QUALIFYING = re.compile(r"^(minimum qualifications|desirable qualifications|minimum education and experience|"
                         r"education and experience|special requirements?|licen[cs]e|licenses and/or certifications|"
                         r"certificates, licenses)", re.I)
_SECTION_END = re.compile(r"^(definition|distinguishing characteristics|examples of duties|essential functions|"
                          r"physical|typical physical|environmental factors|work environment|working conditions|"
                          r"performance expectations|employee acknowledgement|job standards|summary|"
                          r"supervision received)", re.I)
_KSA = re.compile(r"^(knowledge of|knowledge and|ability|abilities|skill|skills)\b", re.I)
_RESUME = re.compile(r"^(experience|education|training|certificates|licen[cs]es?|other:|special)", re.I)
_OTHER = re.compile(r"^other:", re.I)
_OBLIGING = re.compile(r"\b(must|required|requires|possession|possess)\b", re.I)
_ANYWHERE = re.compile(r"\b(is|are) eligible to advance\b|\bwords per minute\b", re.I)
_BOILERPLATE = re.compile(r"^(the following are representative|in addition to the knowledge)", re.I)
_LABEL = re.compile(r"^(-|\*|•|experience:|other:|training and experience:)\s*", re.I)


@dataclass(frozen=True)
class Sentence:
    """One qualification sentence: its document, line (1-based), the heading it sits under, and its words."""

    document: str
    line: int
    section: str
    text: str


def _is_heading(line: str) -> bool:
    letters = [c for c in line.replace("*", "") if c.isalpha()]
    return len(letters) >= 6 and all(c.isupper() for c in letters)


def _words(line: str) -> str:
    """A line without its bullet and its label ('Experience:', 'Other:')."""
    text = line.strip()
    while True:
        stripped = _LABEL.sub("", text, count=1).strip()
        if stripped == text:
            return text
        text = stripped


def qualification_sentences(document: str, text: str) -> list[Sentence]:
    """The qualification sentences of one source document (its amended text), in document order: one per bullet or
    line (a line may hold more than one grammatical sentence; it is accounted for as one)."""
    amended = STRUCK.sub(lambda m: "\n" * m.group(0).count("\n"), text)  # struck passages out, lines kept
    out: list[Sentence] = []
    section, listing, ksa = "", False, False
    for number, raw in enumerate(amended.splitlines(), 1):
        line = fold(raw).strip()
        if not line:
            continue
        bare = line.lstrip("-*• ").strip()
        if _QUALIFYING.match(bare):
            section, listing, ksa = bare.split(":", 1)[0], True, False
            rest = bare.split(":", 1)[1].strip() if ":" in bare else ""
            if not rest or rest.lower() == "none":
                continue
        elif _SECTION_END.match(bare) or (_is_heading(bare) and not listing):
            section, listing, ksa = bare.rstrip(":"), False, False
            continue
        elif _is_heading(bare):  # a page header inside a listing (CLASS SPECIFICATION, a class title)
            continue
        if listing and _KSA.match(bare):
            ksa = True
            continue
        if listing and ksa and _RESUME.match(bare):
            ksa = False
        takes = listing and not ksa and not _BOILERPLATE.match(bare)
        if takes and _OTHER.match(bare) and not _OBLIGING.search(bare):
            takes = False
        if takes and "." not in bare and ";" not in bare and len(bare.split()) <= 8:  # a sub-heading: a level's name
            takes = False
        words = _words(line)
        if (takes or _ANYWHERE.search(words)) and len(words.split()) >= 3:
            out.append(Sentence(document, number, section, words))
    return out


@dataclass
class Coverage:
    """How the qualification sentences of the sources are accounted for, over every rule file checked."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACCOUNTS, 0))
    unaccounted: list[tuple[str, Sentence]] = field(default_factory=list)  # (rule file, sentence)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        c = self.counts
        return (f"{self.total} qualification sentences: {c['encoded']} encoded, {c['by_hand']} to confirm by hand, "
                f"{c['desirable']} desirable, {c['unaccounted']} unaccounted")


ACCOUNTS = ("encoded", "by_hand", "desirable", "unaccounted")


def _quotes(citations: Iterable[Citation], document: str) -> list[str]:
    return [fold(STRUCK.sub(" ", c.quote)).lower() for c in citations if c.document == document]


def _matches(sentence: str, quotes: list[str]) -> bool:
    """A sentence is read by a citation whose quote is part of it, or of which it is part."""
    words = fold(sentence.replace("~~", "")).lower().rstrip(".;")
    return any(q and (q.rstrip(".;") in words or words in q) for q in quotes)


def declared(book: Rulebook) -> tuple[list[Citation], list[Citation], list[Citation]]:
    """The rule file's citations by account: criteria and version clauses (encoded), by hand, desirable."""
    encoded: list[Citation] = []
    by_hand: list[Citation] = []
    desirable: list[Citation] = []
    for series in book.series:
        if series.established is not None:
            encoded.append(series.established.source)
        for version in series.versions:
            encoded += [version.source] + ([version.equivalency] if version.equivalency else [])
            by_hand += [x.source for x in version.by_hand]
            desirable += list(version.desirable)
            encoded += [c.source for level in version.levels for p in level.paths for c in p.criteria]
    return encoded, by_hand, desirable


def account(sentences: list[Sentence], book: Rulebook) -> Iterator[tuple[Sentence, str]]:
    """Each sentence with how the rule file accounts for it: by hand and desirable declarations first (a sentence a
    criterion reads in part, with a requirement it does not, is declared), then the criteria, or unaccounted."""
    encoded, by_hand, desirable = declared(book)
    for s in sentences:
        for name, citations in (("by_hand", by_hand), ("desirable", desirable), ("encoded", encoded)):
            if _matches(s.text, _quotes(citations, s.document)):
                yield s, name
                break
        else:
            yield s, "unaccounted"


__all__ = ["ACCOUNTS", "Coverage", "Sentence", "account", "declared", "qualification_sentences"]
