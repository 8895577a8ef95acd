"""The preview's web application: one page that follows the spec as it is saved.

Routes: ``/`` the page; ``/events`` a stream of Server-Sent Events, one each time the
preview is rebuilt; ``/state`` what the page shows around the views (title, problems,
warnings, pages, sheets); ``/view/html`` the briefing as HTML; ``/view/page/N.png`` page N
of the PDF; ``/view/sheet/N`` sheet N of the workbook; ``POST /build`` the pack into the
output folder; ``POST /variant`` the variant for a level the preview shows (a marked pack).
Any other path is 404: no file of the folder is ever served. Every request
passes the ``Guard`` first (its address, and for a change its origin); no answer names a
path of this machine in full, only relative to the spec's folder or the output folder.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from .guard import Guard
from .live import Preview

_ENV = Environment(loader=PackageLoader("briefing", "page_templates"), autoescape=select_autoescape(default=True))
HEARTBEAT = 15.0
"""Seconds between keep-alive comments on the event stream."""
MAX_STREAMS = 256
"""Event streams open at once; past it a new one is refused (503) until another closes."""
NO_STORE = {"Cache-Control": "no-store"}
_ABSOLUTE = re.compile(r"(?<![\w.~/\\-])/(?:[^\s/:'\"<>()]+/?)+")
"""A POSIX path from the root, as it appears in an error message."""
T = TypeVar("T")


def relative_text(text: str, folder: Path) -> str:
    """``text`` with the paths in it from the root made relative to ``folder`` (the spec's)."""
    roots = {r for r in (folder.absolute(), folder.resolve(), Path.cwd()) if r.parent != r}  # not "/" itself
    for root in sorted(roots, key=lambda r: len(str(r)), reverse=True):  # a folder with spaces, whole
        prefix = os.path.relpath(root, folder.resolve())
        text = text.replace(f"{root}{os.sep}", "" if prefix == "." else f"{prefix}{os.sep}")
    return _ABSOLUTE.sub(lambda m: os.path.relpath(m.group(0), folder.resolve()), text)


class EventStreams:
    """``/events``: one stream per open page, each waiting on the event loop, at most ``limit`` at once."""

    def __init__(self, preview: Preview, limit: int = MAX_STREAMS) -> None:
        self.preview, self.limit, self.open = preview, limit, 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.open >= self.limit:
            refusal = JSONResponse(
                {"error": f"{self.limit} previews are open already; close one"},
                status_code=503,
                headers={"Retry-After": "5", **NO_STORE},
            )
            await refusal(scope, receive, send)
            return
        self.open += 1
        try:
            stream = StreamingResponse(self._updates(), media_type="text/event-stream", headers=NO_STORE)
            await stream(scope, receive, send)  # ends when the page goes away, or the preview stops
        finally:
            self.open -= 1

    async def _updates(self) -> AsyncIterator[str]:
        seen = -1
        while True:
            version = await self.preview.next_version(seen, HEARTBEAT)
            if version is None:
                return
            if version != seen:
                seen = version
                yield f"event: update\ndata: {version}\n\n"
            else:
                yield ": still here\n\n"


def application(
    preview: Preview,
    build: Callable[[str], list[str]],
    host: str,
    port: int,
    choose: Callable[[str], None] | None = None,
) -> Starlette:
    """The preview's app over ``preview`` at ``host:port``; ``build`` writes the pack and returns its files;
    ``choose`` switches the preview to the variant for a level (empty: the whole pack)."""
    folder = preview.spec.parent
    building = asyncio.Lock()

    async def index(request: Request) -> HTMLResponse:
        return HTMLResponse(_ENV.get_template("serve.html.j2").render(spec=preview.spec.name))

    async def state(request: Request) -> JSONResponse:
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
            "levels": list(rendering.levels) if rendering else [],
            "variant": rendering.variant if rendering else "",
        }
        return JSONResponse(body, headers=NO_STORE)

    async def view_html(request: Request) -> Response:
        rendering = preview.state.rendering
        if rendering is None:
            return HTMLResponse("<!DOCTYPE html><p>Nothing built yet: see the problems.</p>", headers=NO_STORE)
        return HTMLResponse(rendering.html, headers=NO_STORE)

    async def view_page(request: Request) -> Response:
        rendering = preview.state.rendering
        number = int(request.path_params["number"])
        if rendering is None or not 1 <= number <= len(rendering.pages):
            return Response(status_code=404)
        return Response(rendering.pages[number - 1], media_type="image/png", headers=NO_STORE)

    async def view_sheet(request: Request) -> Response:
        rendering = preview.state.rendering
        number = int(request.path_params["number"])
        if rendering is None or not 1 <= number <= len(rendering.sheets):
            return Response(status_code=404)
        sheet = rendering.sheets[number - 1]
        return HTMLResponse(_ENV.get_template("sheet.html.j2").render(sheet=sheet), headers=NO_STORE)

    async def build_pack(request: Request) -> JSONResponse:
        if preview.state.over_budget:  # the build would read the same spec, with no budget of time
            return JSONResponse({"error": "the preview could not rebuild this spec: see the problems"}, 409)
        if building.locked():
            return JSONResponse({"error": "a build is running already"}, 409)
        async with building:
            try:
                shown = preview.state.rendering.variant if preview.state.rendering else ""
                written = await _in_daemon_thread(lambda: build(shown))  # the variant the page shows
            except Exception as exc:  # shown to the user, who asked for it
                return JSONResponse({"error": relative_text(str(exc), folder)}, status_code=400)
        return JSONResponse({"written": [Path(p).name for p in written]})  # in the output folder

    async def variant(request: Request) -> JSONResponse:
        try:
            asked = (await request.json()).get("clearance", "")
        except ValueError:
            asked = None
        rendering = preview.state.rendering
        levels = rendering.levels if rendering else ()
        if not isinstance(asked, str) or (asked and asked not in levels) or choose is None:
            return JSONResponse({"error": f"no variant '{asked}': choose one of {', '.join(levels) or 'none'}"}, 400)
        choose(asked)  # rebuilt in the background; the page hears of it as of any rebuild
        return JSONResponse({"variant": asked})

    return Starlette(
        routes=[
            Route("/", index),
            Route("/state", state),
            Route("/events", EventStreams(preview), methods=["GET"]),
            Route("/view/html", view_html),
            Route("/view/page/{number:int}.png", view_page),
            Route("/view/sheet/{number:int}", view_sheet),
            Route("/build", build_pack, methods=["POST"]),
            Route("/variant", variant, methods=["POST"]),
        ],
        middleware=[Middleware(Guard, host=host, port=port)],
    )


async def _in_daemon_thread(work: Callable[[], T]) -> T:
    """``work()`` on a thread of its own that Ctrl-C does not wait for (a build is atomic: killing it is safe)."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if done.done():  # the page went away before the build ended
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)

    def run() -> None:
        result, error = None, None
        try:
            result = work()
        except BaseException as exc:  # handed to the request, which says it
            error = exc
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:  # the server stopped meanwhile: nobody waits for the answer
            pass

    threading.Thread(target=run, name="preview-build", daemon=True).start()
    return await done


__all__ = ["application", "relative_text"]
