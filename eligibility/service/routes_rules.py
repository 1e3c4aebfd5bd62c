"""The rules versions of an agency in the API (``/api/v1/agencies/{agency}/rules``): list, propose, show (with lint,
rule tests and impact), approve, reject; and the editor's helpers, which store nothing: lint a text, draft from a
specification. Thin: each route calls eligibility.service.actions.rules."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from .actions import rules, rules_editing
from .auth import CallerDep, client_of
from .clock import ClockDep
from .params import VersionId
from .permissions import PERMISSIONS

router = APIRouter()


def route(action: str, model):
    rule = PERMISSIONS[action]
    return router.api_route(rule.path, methods=[rule.method], name=action, status_code=rule.ok,
                            summary=rule.summary, tags=["rules"], response_model=model)


class RulesVersion(BaseModel):
    """One stored version of an agency's rule file, and what it is today (``shown_state``: proposed, rejected,
    withdrawn, approved (in force later), in force, superseded)."""

    model_config = ConfigDict(extra="ignore")

    id: int
    agency: str
    rules_version: str
    file_name: str
    sha256: str
    state: str
    shown_state: str | None = None
    based_on: int | None
    proposed_by: str
    proposed_at: str
    comment: str
    intended: str | None
    effective: str | None
    decided_by: str | None
    decided_at: str | None
    reason: str | None


class RulesVersions(BaseModel):
    agency: str
    items: list[RulesVersion]


class RulesVersionShown(RulesVersion):
    text: str
    lint: dict[str, Any]
    tests: dict[str, Any]
    impact: list[dict[str, Any]]
    impact_at_approval: list[dict[str, Any]] | None
    sources: list[dict[str, Any]] = Field([], description="the specification texts lint's quote check read: "
                                                           "document, sha256, the version kept with, by, when")
    roles_left: list[dict[str, Any]] = Field([], description="a draft's or proposed version's: the agency's "
                                                              "accounts whose role it no longer has (name, role, "
                                                              "title, state)")


class SpecificationText(BaseModel):
    """The class specification a version was drafted from (kept with the version, with its SHA-256)."""

    model_config = ConfigDict(extra="forbid")

    document: str = Field(max_length=200, description="its file name, as the rule file's documents list it")
    text: str = Field(max_length=rules_editing.MAX_SPEC)


class Proposal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=rules_editing.MAX_FILE, description="the whole rule file (YAML)")
    source: SpecificationText | None = Field(None, description="the specification the file was drafted from")
    based_on: int | None = Field(None, description="the id of the last approved version, which this one changes")
    intended: dt.date | None = Field(None, description="the effective date the proposer intends")
    comment: str = Field("", max_length=2000)


class Approval(BaseModel):
    model_config = ConfigDict(extra="forbid")

    effective: dt.date
    based_on: int | None = Field(None, description="the id of the last approved version, as read with the impact")
    retroactive_reason: str | None = Field(None, max_length=2000,
                                           description="required when the effective date is before today")


class Rejection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=2000)


class LintRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=rules_editing.MAX_FILE, description="the whole rule file (YAML) being edited")
    source: SpecificationText | None = Field(None, description="a specification to check its quotes against too")


class LintResult(BaseModel):
    """Lint's findings (file, line, col, field, severity, code, message with did-you-mean) and what the quote check
    read: ``quotes.checked`` documents with the SHA-256 of their kept text, ``quotes.note`` when some were not."""

    errors: int
    warnings: int
    findings: list[dict[str, Any]]
    quotes: dict[str, Any]


class Drafted(BaseModel):
    """What ``rules draft`` proposes from a specification against the version in force, and the rule file with the
    draft written into it (``text``), with the specification's text to send back with the proposal."""

    agency: str
    document: str
    sha256: str
    based_on: int
    against: str
    series: str
    title: str
    new_series: str | None = Field(None, description="set when the agency's rules have no such series: the draft "
                                                     "would add it (another agency's specification, perhaps)")
    levels: list[dict[str, str]]
    effective: str
    date_quote: str
    sentences: list[dict[str, Any]]
    changes: list[str]
    proposed: dict[str, Any]
    written: list[str]
    rules_version: str
    text: str
    source_text: str


def _source(given: SpecificationText | None) -> tuple[str, str] | None:
    return (given.document, given.text) if given is not None else None


@route("rules.lint", LintResult)
def rules_lint(request: Request, agency: str, body: LintRequest, caller: CallerDep) -> dict:
    return rules_editing.lint_text(request.app.state.service, caller, agency, body.text, _source(body.source))


@route("rules.draft", Drafted)
async def rules_draft(request: Request, agency: str, clock: ClockDep, caller: CallerDep,
                      document: Annotated[str, Query(max_length=200, description="the specification's file name")]
                      ) -> dict:
    """The request body is the specification's text (UTF-8; a byte-order mark is dropped)."""
    data = await request.body()
    return await run_in_threadpool(rules_editing.draft, request.app.state.service, caller, clock, agency, document,
                                   data)


@route("rules.list", RulesVersions)
def rules_list(request: Request, agency: str, clock: ClockDep, caller: CallerDep) -> dict:
    return {"agency": agency, "items": rules.listing(request.app.state.service, caller, clock, agency)}


@route("rules.propose", RulesVersion)
def rules_propose(request: Request, agency: str, body: Proposal, clock: ClockDep, caller: CallerDep) -> dict:
    return rules.propose(request.app.state.service, caller, clock, agency, body.text, based_on=body.based_on,
                         intended=body.intended, comment=body.comment, client=client_of(request),
                         source=_source(body.source))


@route("rules.show", RulesVersionShown)
def rules_show(request: Request, agency: str, version_id: VersionId, clock: ClockDep, caller: CallerDep) -> dict:
    return rules.show(request.app.state.service, caller, clock, agency, version_id)


@route("rules.approve", RulesVersion)
def rules_approve(request: Request, agency: str, version_id: VersionId, body: Approval, clock: ClockDep,
                  caller: CallerDep) -> dict:
    return rules.approve(request.app.state.service, caller, clock, agency, version_id, effective=body.effective,
                         based_on=body.based_on, retroactive_reason=body.retroactive_reason,
                         client=client_of(request))


@route("rules.reject", RulesVersion)
def rules_reject(request: Request, agency: str, version_id: VersionId, body: Rejection, clock: ClockDep,
                 caller: CallerDep) -> dict:
    return rules.reject(request.app.state.service, caller, clock, agency, version_id, reason=body.reason,
                        client=client_of(request))


__all__ = ["router"]
