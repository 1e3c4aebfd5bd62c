"""Pydantic models of a rule file (rules/<agency>.yaml): agency, class series, dated versions, levels, paths, criteria."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from eligibility.rules.documents import register_union_tags
from eligibility.rules.terms import TERM_CATEGORIES, TERM_CATEGORY_OF, TERM_WHAT, term_fields

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", min_length=1, max_length=80)]
Label = Annotated[str, Field(min_length=1, max_length=120)]
LevelId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", min_length=1, max_length=20)]


# An agency's term (a license, certification or experience kind, an endorsing role): declared with its display
# name in the rule file's vocabulary; the words themselves never appear in this package.
Term = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]*$", min_length=1, max_length=60)]
ExperienceKind = LicenseKind = CertificationKind = Role = Term


def _first_repeated(ids: list[str]) -> str | None:
    """The first id, in the file's order, that appears more than once; None when every id is unique."""
    return next((i for i in ids if ids.count(i) > 1), None)


def empty_list() -> list:
    """An empty list, as a field's ``default_factory``. pydantic reads a factory's signature when it builds the model;
    for the builtins ``list`` and ``dict`` that means tokenizing their text signatures, 2 % of a cold ``check``."""
    return []


def empty_dict() -> dict:
    """An empty dict, as a field's ``default_factory`` (see ``empty_list``)."""
    return {}


EducationLevel = Term  # a level of the agency's education scale (vocabulary.education)

EndorsementKind = Literal["recommendation", "approval", "proficiency"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(Strict):
    """Where a criterion comes from: a source document, a section, and a short verbatim quote."""

    document: str = Field(min_length=1, description="file name of the source document (in the specs folder)")
    section: str = Field(min_length=1)
    quote: str = Field(min_length=1, description="verbatim words of the source, at most ~30 words")

    @field_validator("quote")
    @classmethod
    def _short(cls, value: str) -> str:
        if len(value.split()) > 40:
            raise ValueError(f"quote has {len(value.split())} words; keep it to about 30 (40 at most)")
        return value


class CriterionBase(Strict):
    id: Id
    source: Citation
    interpretation: str | None = Field(default=None, description="the reading chosen where the source is ambiguous")


class ServiceTime(CriterionBase):
    """Time served with this agency in a class series (at one level, or at any level)."""

    kind: Literal["service_time"]
    years: int = Field(gt=0, le=40)
    series: Id | None = Field(default=None, description="series id; default: the series of the target level")
    level: LevelId | None = Field(default=None, description="level id; omitted means any level of the series")
    review_by_years: int | None = Field(
        default=None, gt=0, le=40, description="end of a review window (CCWD 'four to five years')"
    )

    @model_validator(mode="after")
    def _window(self) -> "ServiceTime":
        if self.review_by_years is not None and self.review_by_years < self.years:
            raise ValueError("review_by_years must be at least years")
        return self


class Experience(CriterionBase):
    """Qualifying experience of given kinds, outside or inside the agency."""

    kind: Literal["experience"]
    years: int = Field(gt=0, le=40)
    kinds: list[ExperienceKind] = Field(min_length=1)
    public_utility_only: bool = False


class EducationCriterion(CriterionBase):
    kind: Literal["education"]
    minimum: EducationLevel = Field(description="the lowest level that meets it, on the agency's education scale")
    or_equivalent: bool = Field(default=False, description="the clause says 'or equivalent': education_equivalents count")


WhenNotHeld = Literal["ineligible", "needs_review"]
WHEN_NOT_HELD = Field(
    default="ineligible",
    description="what a missing or expired document means: 'ineligible', or 'needs_review' where the source leaves "
                "it to a case-by-case judgment ('may be required')",
)


class LicenseCriterion(CriterionBase):
    kind: Literal["license"]
    license: LicenseKind
    when_not_held: WhenNotHeld = WHEN_NOT_HELD


class CertificationCriterion(CriterionBase):
    kind: Literal["certification"]
    certification: CertificationKind
    when_not_held: WhenNotHeld = WHEN_NOT_HELD


class EndorsementOrder(Strict):
    """The usual order of endorsements: this one is asked for after the named endorsement criteria of the same path.
    It sorts endorsers' inboxes only; an endorsement given first still counts (no decision depends on it)."""

    after: list[Id] = Field(min_length=1, max_length=10, description="ids of endorsement criteria of the same path")
    interpretation: str = Field(min_length=1, description="why this order (a reading where the sources state none)")


class EndorsementCriterion(CriterionBase):
    """A recommendation, approval or finding of proficiency by a named role, toward the target level."""

    kind: Literal["endorsement"]
    endorsement: EndorsementKind
    by: Role
    follows: EndorsementOrder | None = Field(
        default=None, description="asked for after these endorsements (sorts the inbox; decisions do not change)")


class Performance(CriterionBase):
    """'Successful experience': the years of another criterion, counted again after the latest unsatisfactory
    evaluation (an unsatisfactory evaluation restarts the count)."""

    kind: Literal["performance"]
    during: Id = Field(description="id of the service_time or experience criterion whose counted period is checked")


class Vacancy(CriterionBase):
    """A vacant position at the target level (a promotional opportunity)."""

    kind: Literal["vacancy"]


Criterion = Annotated[
    Union[
        ServiceTime,
        Experience,
        EducationCriterion,
        LicenseCriterion,
        CertificationCriterion,
        EndorsementCriterion,
        Performance,
        Vacancy,
    ],
    Field(discriminator="kind"),
]
CRITERION_KINDS = [
    "service_time", "experience", "education", "license", "certification", "endorsement", "performance", "vacancy"
]
register_union_tags(CRITERION_KINDS)

# How an unmet criterion of each kind bears on a path's status.
CATEGORY = {
    "service_time": "time",
    "experience": "time",
    "education": "hard",
    "license": "hard",
    "certification": "hard",
    "performance": "time",  # an unsatisfactory evaluation restarts the count: a wait, not a bar
    "vacancy": "vacancy",
    "endorsement": "endorsement",
}


class EndorsementWindow(Strict):
    """How recent an endorsement must be to count toward a path: given for this advancement, not years before."""

    lead_days: int = Field(ge=0, le=3660, description="an endorsement counts if dated no earlier than this many days "
                                                      "before the day the path's time criteria are met")
    interpretation: str = Field(min_length=1, description="why this lead (a reading: the sources name none)")


class PathDef(Strict):
    """One way into a level: every criterion must be met (all-of)."""

    id: Id
    kind: Literal["advancement", "open_entry"]
    description: str | None = None
    from_level: LevelId | None = Field(default=None, description="for advancement: the level one advances from")
    incumbents: bool = Field(default=False, description="an advancement clause for the incumbents of from_level: for "
                             "them it decides the status, and meeting an open-entry path is only reported beside it")
    endorsement_window: EndorsementWindow | None = Field(
        default=None, description="expected on a path with both endorsement and time criteria (lint warns without)")
    criteria: list[Criterion] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _check(self) -> "PathDef":
        ids = [c.id for c in self.criteria]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate criterion id {dupes[0]!r} in path {self.id!r}")
        for c in self.criteria:
            if isinstance(c, Performance):
                target = next((x for x in self.criteria if x.id == c.during), None)
                if target is None or not isinstance(target, (ServiceTime, Experience)):
                    raise ValueError(
                        f"criterion {c.id!r}: 'during' must name a service_time or experience criterion of the same path"
                    )
            if isinstance(c, EndorsementCriterion) and c.follows:
                endorsing = {x.id for x in self.criteria if isinstance(x, EndorsementCriterion)} - {c.id}
                wrong = [a for a in c.follows.after if a not in endorsing]
                if wrong:
                    raise ValueError(f"criterion {c.id!r}: 'follows' names {wrong[0]!r}, not another endorsement "
                                     f"criterion of path {self.id!r}")
        if self.incumbents and self.kind != "advancement":
            raise ValueError(f"path {self.id!r}: only an advancement path (kind: advancement) marks incumbents")
        if self.kind == "advancement" and self.from_level is None:
            raise ValueError(f"advancement path {self.id!r} needs from_level")
        return self

    def lacks_endorsement_window(self) -> bool:
        """Endorsement and time criteria but no window: an endorsement of any age would count (lint warns)."""
        kinds = {c.kind for c in self.criteria}
        return "endorsement" in kinds and bool(kinds & {"service_time", "experience"}) and not self.endorsement_window


class Pay(Strict):
    """Pay grade or salary range of a level; ``value`` null where the source states no number."""

    scale: Literal["grade", "range"] = "grade"
    value: int | None = None
    same_as: str | None = Field(default=None, description="SERIES:LEVEL whose pay this equals, when the source says so")
    note: str | None = None
    source: Citation | None = None


class Level(Strict):
    id: LevelId
    title: str = Field(min_length=1)
    pay: Pay = Field(default_factory=Pay)
    single_position: bool = False
    paths: list[PathDef] = Field(default_factory=empty_list)
    notes: list[str] = Field(default_factory=empty_list)

    @model_validator(mode="after")
    def _unique_paths(self) -> "Level":
        repeated = _first_repeated([p.id for p in self.paths])
        if repeated is not None:
            raise ValueError(f"duplicate path id {repeated!r} in level {self.id!r}")
        return self


class ByHand(Strict):
    """A qualification sentence no record holds, for a person to confirm: decisions list it, status unchanged."""

    what: Label = Field(description="the requirement in a few words, as decisions say it ('a safe driving record')")
    source: Citation
    levels: list[LevelId] = Field(default_factory=empty_list)  # the levels it applies to (empty: every one)


class Version(Strict):
    """A class specification in force from ``effective`` until the next version of the series."""

    id: Id
    effective: dt.date
    title: str = Field(min_length=1, description="series title in this version")
    source: Citation
    equivalency: Citation | None = Field(
        default=None, description="the 'any combination of education and experience' clause, where the spec has one")
    levels: list[Level] = Field(min_length=1)
    by_hand: list[ByHand] = Field(default_factory=empty_list)  # sentences a person confirms (decisions list them)
    desirable: list[Citation] = Field(default_factory=empty_list)  # sentences stating no requirement

    @model_validator(mode="after")
    def _unique_levels(self) -> "Version":
        repeated = _first_repeated([lv.id for lv in self.levels])
        if repeated is not None:
            raise ValueError(f"duplicate level id {repeated!r} in version {self.id!r}")
        return self


class Established(Strict):
    """The day a class series was established (cited): earlier service in it is counted with a caveat."""

    date: dt.date
    source: Citation


class Series(Strict):
    id: Id
    established: Established | None = None
    experience_kinds: list[ExperienceKind] = Field(
        default_factory=empty_list, description="kinds of experience that service in this series counts as"
    )
    former_titles: list[str] = Field(default_factory=empty_list)
    versions: list[Version] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> "Series":
        dates = [v.effective for v in self.versions]
        if len(set(dates)) != len(dates):
            raise ValueError(f"two versions of series {self.id!r} take effect on the same date")
        ids = [v.id for v in self.versions]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate version id in series {self.id!r}")
        return self


class SourceDocument(Strict):
    file: str
    title: str
    date: str | None = None


class EducationEquivalent(Strict):
    """A credential recorded in place of a level of the scale (GED): meets 'or equivalent' clauses as that level."""

    equivalent_to: EducationLevel  # the level of the scale it counts as; ``name``: its display name
    name: Label


class Vocabulary(Strict):
    """The agency's words for people: display names of the terms its rules and records use."""

    licenses: dict[str, Label] = Field(default_factory=empty_dict, description="license kind -> display name")
    certifications: dict[str, Label] = Field(default_factory=empty_dict, description="certification kind -> display name")
    roles: dict[str, Label] = Field(default_factory=empty_dict, description="endorsing role -> display name")
    experience_kinds: dict[str, Label] = Field(default_factory=empty_dict, description="experience kind -> display name")
    education: dict[str, Label] = Field(
        default_factory=empty_dict,
        description="the agency's education scale, lowest level first: level -> display name (an education criterion "
                    "is met by its minimum or any level after it)")
    # credentials recorded in place of a level of the scale (ged, hiset): they meet criteria marked or_equivalent
    education_equivalents: dict[str, EducationEquivalent] = Field(default_factory=empty_dict)
    vacancy: Label = Field(default="vacant position",
                           description="how the agency's documents speak of a vacancy ('promotional opportunity')")

    # a term without a display name reads as itself without underscores (lint warns: unlabelled-term)
    def license(self, kind: str) -> str:
        return self.licenses.get(kind) or kind.replace("_", " ")

    def certification(self, kind: str) -> str:
        return self.certifications.get(kind) or kind.replace("_", " ")

    def role(self, role: str) -> str:
        return self.roles.get(role) or role.replace("_", " ")

    def experience(self, kind: str) -> str:
        return self.experience_kinds.get(kind) or kind.replace("_", " ")

    def education_level(self, level: str) -> str:
        if level in self.education_equivalents:
            return self.education_equivalents[level].name
        return self.education.get(level) or level.replace("_", " ")

    def equivalent_rank(self, credential: str | None) -> int | None:
        """The rank of the level an equivalency credential is equivalent to; None when it is not one."""
        found = self.education_equivalents.get(credential or "")
        return None if found is None else self.education_rank(found.equivalent_to)

    def education_rank(self, level: str | None) -> int | None:
        """The level's place on the education scale (0 the lowest); None when it is not on it (or not given)."""
        return next((rank for rank, known in enumerate(self.education) if known == level), None)


class Rulebook(Strict):
    """One agency's advancement rules."""

    agency: Id
    name: str
    rules_version: str = Field(min_length=1, description="version label of this rule file, recorded in every decision")
    documents: list[SourceDocument] = Field(default_factory=empty_list)
    vocabulary: Vocabulary = Field(default_factory=Vocabulary)
    series: list[Series] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_series(self) -> "Rulebook":
        repeated = _first_repeated([s.id for s in self.series])
        if repeated is not None:
            raise ValueError(f"duplicate series id {repeated!r}")
        return self

    def terms(self) -> dict[str, frozenset[str]]:
        """The agency's terms by vocabulary category: those declared, and those its rules use."""
        out = {category: set(getattr(self.vocabulary, category)) for category in TERM_CATEGORIES}
        out["education"] |= set(self.vocabulary.education_equivalents)  # a roster may record an equivalent
        for what, term in self._used():
            out[TERM_CATEGORY_OF[what]].add(term)
        return {category: frozenset(terms) for category, terms in out.items()}

    def _used(self) -> list[tuple[str, str]]:
        used: list[tuple[str, str]] = []
        for series in self.series:
            used += [("experience kind", k) for k in series.experience_kinds]
            for version in series.versions:
                for level in version.levels:
                    for path in level.paths:
                        for c in path.criteria:
                            used += [(TERM_WHAT[category], term) for category, _, term in term_fields(c)]
        return used

    def unlabelled(self) -> list[tuple[str, str]]:
        """(what, term) of every license, certification, role and experience kind used without a display name."""
        return sorted({(what, term) for what, term in self._used()
                       if term not in getattr(self.vocabulary, TERM_CATEGORY_OF[what])})
