"""The recognised forms of a qualification sentence and the criteria ``rules draft`` proposes for them: "N years of X
experience", "N years at the ... level", a valid California driver's license, a high school diploma or equivalent,
"recommendation of the ...", "approval of the ...", "only available upon promotional opportunity", the "any
combination of education and experience" clause, and the words that make a sentence desirable.

Only the shape of the words lives here; every term a proposal names (a role, a kind of experience, a licence) is
made from the sentence's own words, or taken from the vocabulary of the rule file the draft is compared with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
NUMBER = r"(?:\d{1,2}\+?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?: \(\d{1,2}\))?"
LEVEL = r"(?:I{1,3}|IV|V|VI|Senior|SENIOR|Lead|LEAD)"
LEVEL_ORDER = ("I", "II", "III", "IV", "V", "VI", "Lead", "Senior")  # how levels of a series rank, lowest first

ADVANCE = re.compile(
    rf"(?:is|are) eligible to advance to the (?P<to>[^,.;]+?) level after (?P<n>{NUMBER})(?: to (?P<m>{NUMBER}))? "
    rf"years? of (?P<ok>successful )?experience at the (?P<frm>[^,.;]+?) level", re.I)
SERVICE = re.compile(
    rf"(?P<n>{NUMBER}) years? (?:of (?:\w+ )?experience )?(?:serving )?(?:at the|as an?) (?P<cls>[^,.;]+?)"
    rf"(?: level\b|(?= with the\b)|(?=[,.;]|$))", re.I)
EXPERIENCE = (
    re.compile(rf"(?P<n>{NUMBER}) years? of (?:increasingly responsible )?(?:work )?experience in (?:performing )?"
               rf"(?:an? )?(?P<what>[^.;]+?)(?: role| work| duties)?(?=[.;]|, preferabl|, or |$)", re.I),
    re.compile(rf"(?P<n>{NUMBER}) years? (?:of )?performing (?P<what>[^.,;]+?)(?: duties| work)(?=[.,;]|$)", re.I),
    re.compile(rf"(?P<n>{NUMBER}) years? of (?:increasingly responsible )?(?P<what>[^.;]*?\w) experience\b", re.I),
)
EDUCATION = re.compile(r"(?:(?P<level>high school) diploma|graduation from (?P<from>high school))"
                       r"(?P<eq> or (?:the )?equivalent)?", re.I)
LICENSE = re.compile(r"(?:(?:must )?possess(?:ion of)?(?: and maintain)? )?(?:an? )?(?:valid )?"
                     r"(?P<core>California (?:Class [A-Z] )?Driver'?s?'? License)", re.I)
AFTER_LICENSE = re.compile(r"^[^.;]*?\band (?!maintain\b)(?P<rest>[^.;]+)", re.I)  # '... and safe driving record'
ENDORSE = re.compile(r"\b(?P<what>recommendation|approval) of the (?P<role>[A-Z][\w-]*(?: [A-Z][\w-]*){0,4})")
PROFICIENCY = re.compile(r"demonstrated proficiency to perform higher level work", re.I)
VACANCY = re.compile(r"only available upon promotional opportunit(?:y|ies)", re.I)
ENTRY = re.compile(r"\b(?:is|as) (?:the|an) entry\b[^.;,]*?level", re.I)
SINGLE = re.compile(r"\bsingle[- ]position class\b", re.I)
INHERIT = re.compile(r"in addition to the (?:\w+ )?qualifications for the (?P<cls>[^:.;]+)", re.I)
ANYWHERE = (VACANCY, ENTRY, SINGLE)  # forms read wherever they are, not only in the qualification listings
CERTIFICATION = re.compile(r"(?:obtain and maintain|possess(?:ion of)?) (?:an? )?(?:valid )?(?P<what>[^.;()]+?) "
                           r"certifica(?:tion|te)", re.I)
EQUIVALENCY = re.compile(r"any combination of (?:education and experience|experience and education)", re.I)
DESIRABLE = re.compile(r"\b(desirable|desired|preferred|preferable|prefer|is a plus)\b", re.I)
MAY_BE_REQUIRED = re.compile(r"\bmay be required\b", re.I)
SPLIT = re.compile(r"(?<=[.;])\s+(?=[A-Z0-9])")


def number(words: str) -> int:
    """'3+', 'four', 'one (1)' as an integer."""
    head = words.split()[0].rstrip("+").lower()
    return int(head) if head.isdigit() else _NUMBER_WORDS[head]


def slug(words: str) -> str:
    """A term or id made of the words: lower case, letters and digits joined by '_'."""
    return "_".join(re.findall(r"[a-z0-9]+", words.lower()))[:60] or "term"


def level_token(words: str, levels: list[str]) -> str | None:
    """The level a phrase ends with ('the Meter Clerk II' -> 'II'), if it is one of ``levels``."""
    last = words.split()[-1] if words.split() else ""
    return next((lv for lv in levels if lv.lower() == last.lower()), None)


@dataclass
class Found:
    """What one grammatical sentence proposes: criteria (each with the path it belongs to), or a declaration."""

    criteria: list[tuple[str, dict, str]] = field(default_factory=list)  # (path key, criterion, quote)
    equivalency: bool = False
    incumbents: set[str] = field(default_factory=set)  # path keys of an advancement clause for the incumbents
    inherits: list[str] = field(default_factory=list)  # levels whose qualifications this one adds to
    residue: list[str] = field(default_factory=list)  # phrases left for a person (quotes)

    def add(self, path: str, criterion: dict, quote: str) -> None:
        self.criteria.append((path, criterion, quote))


@dataclass
class Terms:
    """The agency's terms the draft may reuse (from ``--from``), and those it adds, with their display names."""

    known: dict[str, dict[str, str]] = field(default_factory=dict)  # category -> term -> display name
    added: dict[str, dict[str, str]] = field(default_factory=dict)

    def term(self, category: str, words: str, fallback_last_word: bool = False) -> str:
        known = self.known.get(category, {})
        wanted = slug(words)
        hit = next((t for t, name in known.items() if t == wanted or name.lower() == words.lower()), None)
        if hit is None and fallback_last_word and slug(words.split()[-1]) in known:
            hit = slug(words.split()[-1])
        if hit is not None:
            return hit
        self.added.setdefault(category, {}).setdefault(wanted, words[:120])
        return wanted

    def license(self, words: str) -> str:
        """A driver's licence: the rule file's one driver's licence term when it has exactly one."""
        known = self.known.get("licenses", {})
        drivers = [t for t, name in known.items() if "driver" in (t + " " + name).lower()]
        return drivers[0] if len(drivers) == 1 else self.term("licenses", words)

    def education(self, words: str) -> str:
        """A level of the education scale: the rule file's level whose name holds the words, else a new one."""
        known = self.known.get("education", {})
        hit = next((t for t, name in known.items() if t == slug(words) or words.lower() in name.lower()), None)
        return hit or self.term("education", words.lower())


def _kinds(what: str, terms: Terms) -> list[str]:
    parts = [p.strip() for p in re.split(r",\s*(?:and/or |or |and )?|\s+and/or\s+|\s+or\s+|\s+and\s+|/", what)]
    out: list[str] = []
    for part in parts:
        if part and part.lower() not in ("a", "an", "the"):
            kind = terms.term("experience_kinds", part, fallback_last_word=True)
            if kind not in out:
                out.append(kind)
    return out


def recognise(text: str, level: str | None, levels: list[str], series_title: str, terms: Terms) -> Found:
    """The criteria one grammatical sentence proposes for ``level`` (the level it is read under; None: every level).
    Path keys: 'open_entry', 'advancement:FROM' (an advancement from level FROM), or 'level' (every path of the
    level: education, licence, vacancy)."""
    found = Found()
    taken: list[tuple[int, int]] = []

    def free(m: re.Match) -> bool:
        return not any(m.start() < b and a < m.end() for a, b in taken)

    m = ADVANCE.search(text)
    if m:
        frm = level_token(m["frm"], levels)
        if frm is not None:
            key = f"advancement:{frm}"
            found.incumbents.add(key)
            crit = {"id": f"service_at_{slug(frm)}", "kind": "service_time", "years": number(m["n"]), "level": frm}
            if m["m"]:
                crit["review_by_years"] = max(number(m["m"]), number(m["n"]))
            found.add(key, crit, text[m.start("n") - len("after "):m.end()])
            if m["ok"]:
                found.add(key, {"id": "successful_service", "kind": "performance", "during": crit["id"]},
                          f"{m['n']}{' to ' + m['m'] if m['m'] else ''} years of successful experience")
            roles = {e["what"].lower(): e["role"] for e in ENDORSE.finditer(text)}
            for e in ENDORSE.finditer(text):
                role = terms.term("roles", e["role"])
                found.add(key, {"id": f"{e['what'].lower()}_{role}", "kind": "endorsement",
                                "endorsement": e["what"].lower(), "by": role}, e.group(0))
            p = PROFICIENCY.search(text)
            if p and "recommendation" in roles:
                role = terms.term("roles", roles["recommendation"])
                found.add(key, {"id": f"proficiency_{role}", "kind": "endorsement", "endorsement": "proficiency",
                                "by": role, "interpretation": "The specification does not say who judges the "
                                "proficiency; the draft proposes the recommending role: confirm it."}, p.group(0))
            taken.append((m.start(), len(text)))
    for m in SERVICE.finditer(text):
        if not free(m):
            continue
        at = level_token(m["cls"], levels)
        alternative = bool(re.search(r"\bor\s*$", text[:m.start()]))  # ', or two years at the ... I level'
        if at is None and slug(m["cls"]).endswith(slug(series_title)) and level in levels:
            below = levels[levels.index(level) - 1] if levels.index(level) > 0 else None
            key = f"advancement:{below}" if alternative and below else "open_entry"
            found.add(key, {"id": "service_in_series", "kind": "service_time", "years": number(m["n"])}, m.group(0))
            taken.append(m.span())
        elif at is not None and at != level:
            found.add(f"advancement:{at}" if alternative else "open_entry",
                      {"id": f"service_at_{slug(at)}", "kind": "service_time", "years": number(m["n"]), "level": at},
                      m.group(0))
            taken.append(m.span())
    m = INHERIT.search(text)
    if m:
        found.inherits = [lv for lv in re.findall(rf"\b{LEVEL}\b", m["cls"]) if lv in levels and lv != level]
    for pattern in EXPERIENCE:
        for m in pattern.finditer(text):
            if free(m) and m["what"].strip():
                kinds = _kinds(m["what"], terms)
                found.add("open_entry", {"id": "experience", "kind": "experience", "years": number(m["n"]),
                                         "kinds": kinds}, m.group(0))
                taken.append(m.span())
    for m in EDUCATION.finditer(text):
        level = m["level"] or m["from"]
        crit = {"id": slug(level), "kind": "education", "minimum": terms.education(level)}
        if m["eq"]:
            crit["or_equivalent"] = True
        found.add("level", crit, m.group(0))
    for m in LICENSE.finditer(text):
        crit = {"id": "drivers_license", "kind": "license", "license": terms.license(m["core"])}
        if MAY_BE_REQUIRED.search(text):
            crit["when_not_held"] = "needs_review"
        found.add("level", crit, m.group(0))
        rest = AFTER_LICENSE.match(text[m.end():])  # a requirement joined to the licence: for a person
        if rest and len(rest["rest"].split()) >= 2:
            found.residue.append(rest["rest"].strip())
    for m in CERTIFICATION.finditer(text):
        crit = {"id": slug(m["what"]), "kind": "certification",
                "certification": terms.term("certifications", m["what"])}
        found.add("level", crit, m.group(0))
    m = VACANCY.search(text)
    if m:
        found.add("level", {"id": "vacancy", "kind": "vacancy"}, m.group(0))
    for pattern, reading in ((ENTRY, "an entry level is filled by appointment, which needs a vacant position"),
                             (SINGLE, "a single-position class is entered only when its one position is vacant")):
        m = pattern.search(text)
        if m:
            found.add("level", {"id": "vacancy", "kind": "vacancy", "interpretation": f"A reading: {reading}; the "
                                "text does not mention vacancies. Confirm it."}, text)
    if EQUIVALENCY.search(text):
        found.equivalency = True
    if not found.criteria and not found.equivalency:
        for m in ENDORSE.finditer(text):  # a recommendation or approval outside an advancement clause
            role = terms.term("roles", m["role"])
            found.add("open_entry", {"id": f"{m['what'].lower()}_{role}", "kind": "endorsement",
                                     "endorsement": m["what"].lower(), "by": role}, m.group(0))
    return found


def sentences_of(text: str) -> list[str]:
    """The grammatical sentences of one qualification line."""
    return [s.strip() for s in SPLIT.split(text) if s.strip()]


def desirable(text: str) -> bool:
    """A sentence that states a preference, not a requirement."""
    return bool(DESIRABLE.search(text))


__all__ = ["ANYWHERE", "Found", "LEVEL", "LEVEL_ORDER", "Terms", "desirable", "level_token", "recognise",
           "sentences_of", "slug"]
