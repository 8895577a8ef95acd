"""The preview's web application: one page that follows the spec as it is saved.

Routes: ``/`` the page; ``/events`` a stream of Server-Sent Events, one each time the
preview is rebuilt; ``/state`` what the page shows around the views (title, problems,
warnings, pages, sheets); ``/view/html`` the briefing as HTML; ``/view/page/N.png`` page N
of the PDF; ``/view/sheet/N`` sheet N of the workbook; ``POST /build`` the pack into the
output folder. Any other path is 404: no file of the folder is ever served.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .preview import Preview

_ENV = Environment(loader=PackageLoader("briefing", "page_templates"), autoescape=select_autoescape(default=True))
HEARTBEAT = 15.0
"""Seconds between keep-alive comments on the event stream."""


def application(preview: Preview, build: Callable[[], list[str]]) -> Starlette:
    """The preview's app over ``preview``; ``build`` writes the pack and returns the files written."""

    async def index(request: Request) -> HTMLResponse:
        return HTMLResponse(_ENV.get_template("serve.html.j2").render(spec=str(preview.spec)))

    async def state(request: Request) -> JSONResponse:
        with preview.lock:
            now = preview.state
            rendering = now.rendering
            body: dict[str, Any] = {
                "version": now.version,
                "problems": now.problems,
                "warnings": now.warnings,
                "title": rendering.title if rendering else "",
                "pages": len(rendering.pages) if rendering else 0,
                "sheets": [s.name for s in rendering.sheets] if rendering else [],
                "took": round(now.took, 3),
            }
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    async def events(request: Request) -> StreamingResponse:
        async def stream() -> AsyncIterator[str]:
            seen = -1
            while not await request.is_disconnected():
                version = await asyncio.to_thread(preview.wait, seen, HEARTBEAT)
                if version != seen:
                    seen = version
                    yield f"event: update\ndata: {version}\n\n"
                else:
                    yield ": still here\n\n"

        return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})

    async def view_html(request: Request) -> Response:
        rendering = preview.state.rendering
        if rendering is None:
            return HTMLResponse("<!DOCTYPE html><p>Nothing built yet: see the problems.</p>")
        return HTMLResponse(rendering.html, headers={"Cache-Control": "no-store"})

    async def view_page(request: Request) -> Response:
        rendering = preview.state.rendering
        number = int(request.path_params["number"])
        if rendering is None or not 1 <= number <= len(rendering.pages):
            return Response(status_code=404)
        return Response(rendering.pages[number - 1], media_type="image/png", headers={"Cache-Control": "no-store"})

    async def view_sheet(request: Request) -> Response:
        rendering = preview.state.rendering
        number = int(request.path_params["number"])
        if rendering is None or not 1 <= number <= len(rendering.sheets):
            return Response(status_code=404)
        sheet = rendering.sheets[number - 1]
        return HTMLResponse(_ENV.get_template("sheet.html.j2").render(sheet=sheet))

    async def build_pack(request: Request) -> JSONResponse:
        try:
            written = await asyncio.to_thread(build)
        except Exception as exc:  # shown to the user, who asked for it
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"written": written})

    return Starlette(
        routes=[
            Route("/", index),
            Route("/state", state),
            Route("/events", events),
            Route("/view/html", view_html),
            Route("/view/page/{number:int}.png", view_page),
            Route("/view/sheet/{number:int}", view_sheet),
            Route("/build", build_pack, methods=["POST"]),
        ]
    )


__all__ = ["application"]
