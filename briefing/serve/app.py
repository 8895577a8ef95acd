"""The preview's web application: one page that follows the spec as it is saved.

Routes: ``/`` the page; ``/events`` a stream of Server-Sent Events, one each time the
preview is rebuilt; ``/state`` what the page shows around the views (title, problems,
warnings, pages, sheets); ``/view/html`` the briefing as HTML; ``/view/page/N.png`` page N
of the PDF; ``/view/sheet/N`` sheet N of the workbook; ``POST /build`` the pack into the
output folder. Any other path is 404: no file of the folder is ever served. Every request
passes the ``Guard`` first (its address, and for a change its origin); no answer names a
path of this machine in full, only relative to the spec's folder or the output folder.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .guard import Guard
from .preview import Preview

_ENV = Environment(loader=PackageLoader("briefing", "page_templates"), autoescape=select_autoescape(default=True))
HEARTBEAT = 15.0
"""Seconds between keep-alive comments on the event stream."""
_ABSOLUTE = re.compile(r"(?<![\w.~/\\-])/(?:[^\s/:'\"<>()]+/?)+")
"""A POSIX path from the root, as it appears in an error message."""


def relative_text(text: str, folder: Path) -> str:
    """``text`` with the paths in it from the root made relative to ``folder`` (the spec's)."""
    roots = {r for r in (folder.absolute(), folder.resolve(), Path.cwd()) if r.parent != r}  # not "/" itself
    for root in sorted(roots, key=lambda r: len(str(r)), reverse=True):  # a folder with spaces, whole
        prefix = os.path.relpath(root, folder.resolve())
        text = text.replace(f"{root}{os.sep}", "" if prefix == "." else f"{prefix}{os.sep}")
    return _ABSOLUTE.sub(lambda m: os.path.relpath(m.group(0), folder.resolve()), text)


def application(preview: Preview, build: Callable[[], list[str]], host: str, port: int) -> Starlette:
    """The preview's app over ``preview`` at ``host:port``; ``build`` writes the pack and returns its files."""
    folder = preview.spec.parent

    async def index(request: Request) -> HTMLResponse:
        return HTMLResponse(_ENV.get_template("serve.html.j2").render(spec=preview.spec.name))

    async def state(request: Request) -> JSONResponse:
        with preview.lock:
            now = preview.state
            rendering = now.rendering
            body: dict[str, Any] = {
                "version": now.version,
                "problems": [relative_text(p, folder) for p in now.problems],
                "warnings": [relative_text(w, folder) for w in now.warnings],
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
            return JSONResponse({"error": relative_text(str(exc), folder)}, status_code=400)
        return JSONResponse({"written": [Path(p).name for p in written]})  # in the output folder

    return Starlette(
        routes=[
            Route("/", index),
            Route("/state", state),
            Route("/events", events),
            Route("/view/html", view_html),
            Route("/view/page/{number:int}.png", view_page),
            Route("/view/sheet/{number:int}", view_sheet),
            Route("/build", build_pack, methods=["POST"]),
        ],
        middleware=[Middleware(Guard, host=host, port=port)],
    )


__all__ = ["application", "relative_text"]
