"""The start page ('/'): what the signed-in caller's role can do here; anyone else goes to the sign-in form."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from . import auth
from .auth import Denied
from .pages import start_page

router = APIRouter()


@router.get("/", include_in_schema=False)
def home(request: Request) -> Response:
    """Who is signed in, and a sign-out button (the pages of issue 15 start here)."""
    try:
        caller = auth.identify(request)
    except Denied:
        caller = None
    if caller is None:
        return RedirectResponse("/login", status_code=303)
    return start_page(request, caller)
