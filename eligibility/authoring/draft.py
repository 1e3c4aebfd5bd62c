"""``rules draft``: a rule file proposed from a class specification's text. It reads the series, its levels and
titles and the date of the text, then every qualification sentence the extractor (authoring/sentences.py) finds, and
proposes a criterion for each recognised form (authoring/draft_forms.py); every other sentence is declared to be
confirmed by hand, or desirable, with its verbatim quote. Every quote is checked against the text it came from, so
the draft always passes lint's quote check, and every qualification sentence is accounted for.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from eligibility.authoring import draft_forms as forms
from eligibility.authoring.sentences import Sentence, account, qualification_sentences
from eligibility.authoring.sources import STRUCK, SourceText, fold
from eligibility.errors import InputError
from eligibility.rules.terms import TERM_CATEGORIES
from eligibility.rules.schema import Rulebook, Series

_HEAD = re.compile(
    rf"^(?P<prefix>(?i:class title|job classification|position)\s*:?\s*)?"
    rf"(?P<title>[A-Z][A-Za-z'&-]*(?:[ /-][A-Z][A-Za-z'&-]*){{0,6}}?)\s+(?:\([A-Z]+\)\s+)?"
    rf"(?P<levels>{forms.LEVEL}(?:\s*(?:/|,|&|and)\s*{forms.LEVEL})*)\s*(?:(?:[:–]|-\s)\s*(?P<rest>.*))?$")
_SECTION = re.compile(r"^(licen[cs]e|certificates?, licen|licenses and/or|minimum qualifications|minimum education|"
                      r"desirable qualifications|special requirements?)", re.I)
_MONTH_DAY_YEAR = r"[A-Z][a-z]+ \d{1,2}, \d{4}|\d{1,2}/\d{1,2}/\d{4}"
_DATES = [re.compile(p, re.I) for p in (
    rf"effective date:?\s*(?P<d>{_MONTH_DAY_YEAR})", rf"agenda:?\s*(?P<d>{_MONTH_DAY_YEAR})",
    rf"established date:?\s*(?P<d>{_MONTH_DAY_YEAR})", rf"revision date\(?s?\)?:?\s*(?P<d>{_MONTH_DAY_YEAR})",
    r"(?:approved|last revision):?\s*(?P<y>(?:19|20)\d\d)\b", r"(?<![\d/])(?P<m>\d{1,2})/(?P<yy>\d\d)(?![\d/])")]
_MAX_QUOTE_WORDS = 40


@dataclass
class Item:
    """One grammatical sentence of a qualification sentence, and how the draft accounts for it."""

    sentence: Sentence
    text: str
    levels: list[str]  # the levels it is read under (every level when the text does not say)
    account: str  # encoded, equivalency, by_hand, desirable, lead_in
    criteria: list[tuple[str, str, dict]] = field(default_factory=list)  # (level, path key, criterion)
    quote: str = ""
    inherits: list[str] = field(default_factory=list)  # 'in addition to the qualifications for' these levels


@dataclass
class Draft:
    """The proposal for one specification: what was found, and the rule file it makes."""

    document: str
    agency: str
    series_id: str
    title: str
    levels: list[str]
    effective: dt.date
    date_quote: str
    items: list[Item]
    terms: forms.Terms
    source: SourceText
    incumbents: set[tuple[str, str]] = field(default_factory=set)  # (level, path key)

    def level_title(self, level: str) -> str:
        return f"{self.title} {level}"


def _title(words: str) -> str:
    return words.title() if words.isupper() else words


def verbatim(quote: str, source: SourceText) -> str:
    """The quote, or the longest run of its words the source holds verbatim (at most 40 words)."""
    words = fold(quote).split()[:_MAX_QUOTE_WORDS]
    if words and source.find(" ".join(words)) is not None:
        return " ".join(words)
    for size in range(len(words) - 1, 2, -1):
        for start in range(len(words) - size + 1):
            candidate = " ".join(words[start:start + size])
            if source.find(candidate) is not None:
                return candidate
    return ""


def _headings(lines: list[str]) -> list[tuple[int, str, list[str], bool, str]]:
    """(line, title, levels, class heading?, rest of the line) of every line naming a class level."""
    out = []
    for number, raw in enumerate(lines, 1):
        bare = fold(raw).lstrip("-*• ").strip()
        m = _HEAD.match(bare)
        if m:
            levels = re.findall(forms.LEVEL, m["levels"])
            levels = ["Senior" if lv == "SENIOR" else "Lead" if lv == "LEAD" else lv for lv in levels]
            is_class = bool(m["prefix"]) or (bare.isupper() and not m["rest"])
            out.append((number, m["title"].strip(" /-"), levels, is_class, m["rest"] or ""))
    return out


def _series(name: str, headings: list, amended: str) -> tuple[str, list[str]]:
    """The series title (the heading title of two words or more the text uses most) and its levels, in order."""
    low = fold(amended).lower()
    titles = {h[1] for h in headings if len(h[1].split()) >= 2}
    if not titles:
        raise InputError("no class title with a level (such as 'TITLE I' or 'Title II') found", file=name,
                         field="series")
    best = max(titles, key=lambda t: (low.count(t.lower()), len(t), t))
    last = best.split()[-1].lower()
    levels: list[str] = []
    for _, title, found, _, _ in headings:
        if title.split()[-1].lower() == last:
            levels += [lv for lv in dict.fromkeys(found) if lv not in levels]
    order = {lv: i for i, lv in enumerate(forms.LEVEL_ORDER)}
    return _title(best), sorted(levels, key=lambda lv: order.get(lv, len(order)))


def _date(source: SourceText) -> tuple[dt.date, str] | None:
    for pattern in _DATES:
        m = pattern.search(source.current)
        if not m:
            continue
        found = m.groupdict()
        if found.get("d"):
            words = found["d"]
            for fmt in ("%B %d, %Y", "%m/%d/%Y"):
                try:
                    return dt.datetime.strptime(words, fmt).date(), m.group(0)
                except ValueError:
                    continue
        elif found.get("y"):
            return dt.date(int(found["y"]), 1, 1), m.group(0)
        elif found.get("m") and 1 <= int(found["m"]) <= 12:
            return dt.date(2000 + int(found["yy"]), int(found["m"]), 1), m.group(0)
    return None


def _contexts(headings: list, levels: list[str], count: int, lines: list[str]) -> dict[int, list[str]]:
    """The levels each line is read under: a class heading holds until the next one, a sub-heading (a level's name
    over a list) until the next heading or qualification section (every level when neither is in force)."""
    by_line = {h[0]: h for h in headings}
    klass: list[str] = []
    sub: list[str] = []
    out: dict[int, list[str]] = {}
    for number in range(1, count + 1):
        bare = fold(lines[number - 1]).lstrip("-*• ").strip()
        letters = [c for c in bare if c.isalpha()]
        if _SECTION.match(bare) or (len(letters) >= 6 and all(c.isupper() for c in letters)):
            sub = []
        h = by_line.get(number)
        if h is not None and set(h[2]) <= set(levels):
            if h[3]:
                klass, sub = list(h[2]), []
            else:
                sub = list(h[2])
        out[number] = sub or klass or list(levels)
    return out


def _extra_sentences(name: str, lines: list[str], have: set[int]) -> list[Sentence]:
    """Sentences outside the qualification listings that a recognised form makes a requirement (a level 'only
    available upon promotional opportunity')."""
    out = []
    for number, raw in enumerate(lines, 1):
        if number in have:
            continue
        for piece in forms.sentences_of(fold(raw)):
            if any(p.search(piece) for p in forms.ANYWHERE):
                out.append(Sentence(name, number, "class levels", piece))
    return out


def read_specification(name: str, text: str, agency: str, terms: forms.Terms,
                       effective: dt.date | None = None) -> Draft:
    """The draft of one specification's text (``name`` is its file name, as citations give it)."""
    source = SourceText.from_text(name, text)
    lines = STRUCK.sub(lambda m: "\n" * m.group(0).count("\n"), text).splitlines()
    headings = _headings(lines)
    title, levels = _series(name, headings, "\n".join(lines))
    contexts = _contexts(headings, levels, len(lines), lines)
    dated = _date(source)
    if effective is None and dated is None:
        raise InputError("no date found in the text: give --effective DATE", file=name, field="effective")
    heading = next(h[1] for h in headings if h[1].lower() == title.lower())
    date_quote = dated[1] if dated else verbatim(heading, source) or " ".join(source.current.split()[:8])
    sentences = qualification_sentences(name, text)
    sentences += _extra_sentences(name, lines, {s.line for s in sentences})
    draft = Draft(name, agency, "-".join(forms.slug(title).split("_")), title, levels,
                  effective or dated[0], date_quote, [], terms, source)
    for sentence in sorted(sentences, key=lambda s: s.line):
        _read_sentence(draft, sentence, contexts.get(sentence.line, levels))
    _inherit(draft)
    return draft


def _inherit(draft: Draft) -> None:
    """'In addition to the qualifications for level I': level I's own open-entry criteria, cited by that sentence."""
    own = [(t, c) for item in draft.items if not item.inherits for t, key, c in item.criteria if key == "open_entry"]
    for item in draft.items:
        for lv in item.inherits:
            for target in item.levels:
                item.criteria += [(target, "open_entry", dict(
                    c, id=f"level_{forms.slug(lv)}_{c['id']}", source=dict(c["source"], quote=item.quote,
                                                                             section=item.sentence.section),
                    interpretation=f"Brought in from level {lv} by {item.quote!r}.")) for t, c in own if t == lv]


def _read_sentence(draft: Draft, sentence: Sentence, context: list[str]) -> None:
    pieces = forms.sentences_of(sentence.text)
    heading = _HEAD.match(sentence.text)
    if heading and heading["rest"]:  # 'Title Senior – Is the journey level ...': read under that level
        context = [lv for lv in re.findall(forms.LEVEL, heading["levels"]) if lv in draft.levels] or context
    items = []
    for piece in pieces:
        item = Item(sentence, piece, context, "by_hand")
        only = context[0] if len(context) == 1 else None
        found = forms.recognise(piece, only, draft.levels, draft.title, draft.terms)
        for key, criterion, quote in found.criteria:
            quoted = verbatim(quote, draft.source)
            if not quoted:
                continue
            criterion = dict(criterion, source={"document": draft.document, "section": sentence.section,
                                                "quote": quoted})
            if key.startswith("advancement:"):
                frm = key.split(":", 1)[1]
                targets = draft.levels[draft.levels.index(frm) + 1:][:1]
                if key in found.incumbents:
                    draft.incumbents.update((t, key) for t in targets)
            else:
                targets = context
            item.criteria += [(t, key, criterion) for t in targets]
        item.inherits = found.inherits
        if item.criteria or item.inherits:
            item.account = "encoded"
        elif found.equivalency:
            item.account = "equivalency"
        elif forms.desirable(piece):
            item.account = "desirable"
        elif piece.endswith(":") and len(pieces) > 1:
            item.account = "lead_in"
        item.quote = verbatim(piece, draft.source)
        items.append(item)
        for residue in found.residue:
            quoted = verbatim(residue, draft.source)
            if quoted:
                items.append(Item(sentence, residue, context, "by_hand", quote=quoted))
    draft.items += [i for i in items if i.quote or i.criteria]


def continued_series(draft: Draft, book: Rulebook) -> Series | None:
    """The series of ``book`` the draft continues: the same id, or a version title or former title equal to the
    text's title."""
    title = draft.title.lower()
    for series in book.series:
        names = {t.lower() for t in series.former_titles} | {v.title.lower() for v in series.versions}
        if series.id == draft.series_id or title in names:
            return series
    return None


def draft_specification(name: str, text: str, agency: str, base: Rulebook | None = None,
                        effective: dt.date | None = None) -> Draft:
    """The draft of a specification's text, continuing ``base`` (the agency's rule file) when given: its terms are
    reused and its series continued."""
    terms = forms.Terms({c: dict(getattr(base.vocabulary, c)) for c in TERM_CATEGORIES} if base else {})
    draft = read_specification(name, text, agency, terms, effective)
    series = continued_series(draft, base) if base is not None else None
    if series is not None:
        draft.series_id = series.id
    return draft


# -- the rule file ---------------------------------------------------------------------------------------
def _add_unique(criteria: list[dict], criterion: dict) -> None:
    same = [c for c in criteria if c["id"] == criterion["id"] or c["id"].startswith(criterion["id"] + "_")]
    bare = {k: v for k, v in criterion.items() if k not in ("id", "source", "interpretation")}
    if any({k: v for k, v in c.items() if k not in ("id", "source", "interpretation")} == bare for c in same):
        return
    criteria.append(dict(criterion, id=criterion["id"] + (f"_{len(same) + 1}" if same else "")))


def _paths(draft: Draft, level: str) -> list[dict]:
    keyed: dict[str, list[dict]] = {}
    shared: list[dict] = []
    for item in draft.items:
        for target, key, criterion in item.criteria:
            if target == level:
                _add_unique(shared if key == "level" else keyed.setdefault(key, []), criterion)
    if not keyed and shared and level != draft.levels[0]:
        keyed["open_entry"] = []
    paths = []
    for key in sorted(keyed, key=lambda k: (k == "open_entry", k)):
        criteria = list(keyed[key])
        for criterion in shared:
            _add_unique(criteria, criterion)
        timed = {c["id"] for c in criteria if c["kind"] in ("service_time", "experience")}
        criteria = [c for c in criteria if c["kind"] != "performance" or c["during"] in timed]
        if not criteria:
            continue
        path: dict = {"id": key.replace(":", "_from_").lower() if key != "open_entry" else "open_entry",
                      "kind": "open_entry" if key == "open_entry" else "advancement"}
        if key != "open_entry":
            path["from_level"] = key.split(":", 1)[1]
            if (level, key) in draft.incumbents:
                path["incumbents"] = True
        path["criteria"] = criteria
        paths.append(path)
    if not paths and shared:
        paths.append({"id": "open_entry", "kind": "open_entry", "criteria": shared})
    return paths


def _citation(draft: Draft, item: Item) -> dict:
    section = item.sentence.section
    if len(item.levels) == 1:
        section = f"{draft.level_title(item.levels[0])}: {section}"
    return {"document": draft.document, "section": section, "quote": item.quote}


def _what(text: str) -> str:
    words = text.rstrip(".;:").split()
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > 117:
            return out + "..."
        out = f"{out} {word}".strip()
    return out


def rule_file(draft: Draft, base: Rulebook | None = None) -> dict:
    """The draft as a rule file: the agency (and vocabulary) of ``base`` when given, one series, one version."""
    version: dict = {"id": str(draft.effective.year), "effective": draft.effective, "title": draft.title,
                     "source": {"document": draft.document, "section": "date of the text",
                                "quote": draft.date_quote}}
    equivalency = next((i for i in draft.items if i.account == "equivalency"), None)
    if equivalency is not None:
        version["equivalency"] = _citation(draft, equivalency)
    by_hand = [i for i in draft.items
               if i.account == "by_hand" or (i.account == "equivalency" and i is not equivalency)]
    desirable = [i for i in draft.items if i.account == "desirable"]
    version["levels"] = [{"id": lv, "title": draft.level_title(lv), "paths": _paths(draft, lv)} for lv in draft.levels]
    for lv in version["levels"]:
        if not lv["paths"]:
            del lv["paths"]
    if by_hand:
        version["by_hand"] = [dict({"what": _what(i.text), "source": _citation(draft, i)},
                                   **({"levels": i.levels} if len(i.levels) < len(draft.levels) else {}))
                              for i in by_hand]
    if desirable:
        version["desirable"] = [_citation(draft, i) for i in desirable]
    vocabulary = base.vocabulary.model_dump(mode="json", exclude_defaults=True) if base is not None else {}
    for category, added in draft.terms.added.items():
        vocabulary.setdefault(category, {}).update({k: v for k, v in added.items() if k not in vocabulary.get(
            category, {})})
    series: dict = {"id": draft.series_id}
    old = next((s for s in base.series if s.id == draft.series_id), None) if base is not None else None
    if old is not None:
        series["experience_kinds"] = list(old.experience_kinds)
        series["former_titles"] = list(old.former_titles)
    series["versions"] = [version]
    first = fold(draft.source.text.strip().splitlines()[0] if draft.source.text.strip() else draft.title)
    return _plain({"agency": draft.agency, "name": base.name if base is not None else draft.agency,
            "rules_version": f"draft-{version['id']}",
            "documents": [{"file": draft.document, "title": (first or draft.title)[:200]}],
            "vocabulary": vocabulary, "series": [series]})


def _plain(value):
    """A copy sharing no dict or list, so the YAML written has no anchors and aliases."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def complete(draft: Draft, base: Rulebook | None = None) -> dict:
    """The rule file, with any qualification sentence its criteria and declarations do not account for declared
    to be confirmed by hand (so lint --sources finds none unaccounted)."""
    data = rule_file(draft, base)
    book = Rulebook.model_validate(data)
    sentences = qualification_sentences(draft.document, draft.source.text)
    missing = [s for s, how in account(sentences, book) if how == "unaccounted"]
    for sentence in missing:
        quote = verbatim(sentence.text, draft.source)
        if quote:
            draft.items.append(Item(sentence, sentence.text, list(draft.levels), "by_hand", quote=quote))
    return rule_file(draft, base) if missing else data


__all__ = ["Draft", "Item", "complete", "continued_series", "draft_specification", "read_specification", "rule_file",
           "verbatim"]
