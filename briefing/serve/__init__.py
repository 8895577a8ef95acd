"""``briefing serve``: a live preview of a pack in the browser, rebuilt when its files change.

Needs the ``serve`` extra (Starlette, uvicorn, watchfiles): ``pip install 'briefing[serve]'``.
"""
