"""The roles an account can hold: three built in (supervisor, hr, auditor), and every endorsing role an agency's rule
file declares (its vocabulary's ``roles`` and the ``by`` of its endorsement criteria): no agency's role is named in
Python. An endorsing role may record the kinds of endorsement its agency's rules ask of it, and nothing else."""

from __future__ import annotations

from .core import endorsement_criteria, vocabulary_roles
from .db import StoreError

SUPERVISOR, HR, AUDITOR = "supervisor", "hr", "auditor"
BUILTIN_ROLES = (SUPERVISOR, HR, AUDITOR)
ENDORSER = "endorser"  # the permission table's name for "a role the account's agency's rules ask endorsements of"


class Roles:
    """Per agency: its endorsing roles, their display names and the kinds of endorsement each one gives."""

    def __init__(self, books: dict) -> None:
        self.agencies = sorted(books)
        self.kinds: dict[str, dict[str, set[str]]] = {}
        self.titles: dict[str, dict[str, str]] = {}
        self.criteria: dict[str, dict[tuple[str, str], set[str]]] = {}  # agency -> (criterion id, role) -> kinds
        self.order: dict[str, dict[str, set[str]]] = {}  # agency -> criterion id -> criteria usually given first
        for agency, book in books.items():
            given: dict[str, set[str]] = {}
            self.criteria[agency] = {}
            for crit in endorsement_criteria(book):
                given.setdefault(crit.by, set()).add(crit.endorsement)
                self.criteria[agency].setdefault((crit.id, crit.by), set()).add(crit.endorsement)
                if crit.follows:  # w24a: the usual order of endorsements (sorts inboxes only)
                    self.order.setdefault(agency, {}).setdefault(crit.id, set()).update(crit.follows.after)
            declared = vocabulary_roles(book)
            self.kinds[agency] = {role: given.get(role, set()) for role in set(declared) | set(given)}
            self.titles[agency] = {role: declared.get(role) or role.replace("_", " ") for role in self.kinds[agency]}

    def roles_of(self, agency: str | None) -> list[str]:
        """Every role an account of ``agency`` may hold."""
        endorsing = sorted(set(self.kinds.get(agency, {})) - set(BUILTIN_ROLES)) if agency else []
        return list(BUILTIN_ROLES) + endorsing

    def check_role(self, role: str, agency: str | None) -> None:
        """Refuse a role the agency does not have, or a missing agency (only an auditor may see every agency)."""
        if agency is not None and agency not in self.kinds:
            raise StoreError(f"no rule file for agency {agency!r} (have: {', '.join(self.agencies)})")
        if agency is None and role != AUDITOR:
            raise StoreError(f"a {role} account needs --agency (only an auditor may have every agency in view)")
        if role not in self.roles_of(agency):
            raise StoreError(f"unknown role {role!r} for agency {agency!r} (roles: {', '.join(self.roles_of(agency))})")

    def classes(self, role: str, agency: str | None) -> set[str]:
        """The permission-table names this role answers to: itself when built in, and ``endorser`` when the
        agency's rule file declares it an endorsing role (an auditor never writes, so never endorses)."""
        found = {role} if role in BUILTIN_ROLES else set()
        if role != AUDITOR and role in self.kinds.get(agency or "", {}):
            found.add(ENDORSER)
        return found

    def endorsement_kinds(self, role: str, agency: str | None) -> set[str]:
        return set(self.kinds.get(agency or "", {}).get(role, set()))

    def asks(self, agency: str, criterion_id: str, role: str, kind: str) -> bool:
        """Whether a decision's criterion ``criterion_id`` is an endorsement of ``kind`` by ``role``."""
        return kind in self.criteria.get(agency, {}).get((criterion_id, role), set())

    def follows(self, agency: str, criterion_id: str) -> set[str]:
        """The endorsement criteria the rule file says are usually given before ``criterion_id`` (sorting only)."""
        return set(self.order.get(agency, {}).get(criterion_id, set()))

    def title(self, role: str, agency: str | None) -> str:
        return self.titles.get(agency or "", {}).get(role) or role.replace("_", " ")


__all__ = ["AUDITOR", "BUILTIN_ROLES", "ENDORSER", "HR", "Roles", "SUPERVISOR"]
