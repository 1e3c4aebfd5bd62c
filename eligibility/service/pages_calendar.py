"""The calendar page (make or end one's secret calendar address) and the feed itself, which calendar programs fetch
without signing in: the address is the credential, so an unknown, ended or disabled account's address is 404."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from .actions import calendar, notify
from .auth import Caller, CallerDep, not_found
from .clock import ClockDep
from .pages import page_route, show

router = APIRouter()


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


def _page(request: Request, caller: Caller, address: str | None = None, ended: bool = False):
    state = request.app.state.service
    with state.db.read() as conn:
        feed = calendar.active(conn, caller.account)
    email, digest = notify.settings(state.db, caller.account)
    return show(request, caller, "calendar.html", feed=feed, address=address, ended=ended, email=email,
                digest=digest, digest_saved=request.query_params.get("digest"))


@page_route(router, "page.calendar")
def calendar_page(request: Request, caller: CallerDep):
    return _page(request, caller, ended=request.query_params.get("ended") == "1")


@page_route(router, "page.calendar_create")
def calendar_create(request: Request, clock: ClockDep, caller: CallerDep):
    token = calendar.create(request.app.state.service, caller.account, clock, _client(request))
    return _page(request, caller, address=str(request.base_url).rstrip("/") + f"/calendar/{token}.ics")


@page_route(router, "page.calendar_revoke")
def calendar_revoke(request: Request, clock: ClockDep, caller: CallerDep):
    calendar.revoke(request.app.state.service, caller.account, clock, _client(request))
    return RedirectResponse("/calendar?ended=1", status_code=303)


@page_route(router, "page.digest")
async def digest_setting(request: Request, caller: CallerDep):
    """The caller's own digest on or off (the form's ``digest`` field: on or off)."""
    form = await request.form()
    wanted = str(form.get("digest") or "") == "on"
    notify.set_email(request.app.state.service.db, caller.name, None, wanted, caller.name)
    return RedirectResponse(f"/calendar?digest={'on' if wanted else 'off'}", status_code=303)


@router.get("/calendar/{token}.ics", include_in_schema=False)
def calendar_feed(request: Request, token: str, clock: ClockDep) -> Response:
    state = request.app.state.service
    account = calendar.account_of(state, token)
    if account is None:
        raise not_found("no such calendar")
    body = calendar.ical(state, account, clock, str(request.base_url))
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="advancement-dates.ics"'})


__all__ = ["router"]
