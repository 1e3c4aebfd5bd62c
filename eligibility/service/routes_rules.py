"""The rules versions of an agency in the API (``/api/v1/agencies/{agency}/rules``): list, propose, show (with lint,
rule tests and impact), approve, reject. Thin: each route calls eligibility.service.actions.rules."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from .actions import rules
from .auth import Caller, authorized, client_of
from .clock import ClockDep
from .permissions import PERMISSIONS

router = APIRouter()
CallerDep = Annotated[Caller, Depends(authorized)]
VersionId = Annotated[int, Path(ge=1, le=2**31 - 1)]


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


class Proposal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=rules.MAX_FILE, description="the whole rule file (YAML)")
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


@route("rules.list", RulesVersions)
def rules_list(request: Request, agency: str, clock: ClockDep, caller: CallerDep) -> dict:
    return {"agency": agency, "items": rules.listing(request.app.state.service, caller, clock, agency)}


@route("rules.propose", RulesVersion)
def rules_propose(request: Request, agency: str, body: Proposal, clock: ClockDep, caller: CallerDep) -> dict:
    return rules.propose(request.app.state.service, caller, clock, agency, body.text, based_on=body.based_on,
                         intended=body.intended, comment=body.comment, client=client_of(request))


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
