"""JSON responses as the service writes them (orjson, application/json)."""

from __future__ import annotations

import orjson
from fastapi.responses import Response


def json_response(data, status: int = 200, headers: dict | None = None) -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type="application/json", headers=headers)
