"""The agency's terms in a rule file: the vocabulary categories they are declared in, their names in messages, and
which terms a criterion names (for the checks that every term is declared). Criteria are told apart by their
``kind``, so this module needs none of the schema's classes."""

from __future__ import annotations

TERM_CATEGORIES = ("licenses", "certifications", "roles", "experience_kinds", "education")
TERM_CATEGORY_OF = {"license": "licenses", "certification": "certifications", "role": "roles",
                    "experience kind": "experience_kinds", "education level": "education"}
TERM_WHAT = {category: what for what, category in TERM_CATEGORY_OF.items()}


def term_fields(crit) -> list[tuple[str, tuple, str]]:
    """(vocabulary category, loc within the criterion, term) of every agency term a criterion names."""
    kind = getattr(crit, "kind", None)
    if kind == "license":
        return [("licenses", ("license",), crit.license)]
    if kind == "certification":
        return [("certifications", ("certification",), crit.certification)]
    if kind == "endorsement":
        return [("roles", ("by",), crit.by)]
    if kind == "experience":
        return [("experience_kinds", ("kinds", i), k) for i, k in enumerate(crit.kinds)]
    if kind == "education":
        return [("education", ("minimum",), crit.minimum)]
    return []


__all__ = ["TERM_CATEGORIES", "TERM_CATEGORY_OF", "TERM_WHAT", "term_fields"]
