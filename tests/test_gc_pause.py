"""Pausing the cycle collector: restored as it was, also after an error."""

from __future__ import annotations

import gc

import pytest

from briefing import gc_pause
from briefing.reading import loader


def test_paused_restores_the_collector_even_after_an_error():
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_pause.paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()


def test_paused_leaves_a_collector_that_was_off_off():
    gc.disable()
    try:
        with gc_pause.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_loading_runs_with_the_collector_paused(monkeypatch):
    states = []
    real = loader._load
    monkeypatch.setattr(loader, "_load", lambda *args: (states.append(gc.isenabled()), real(*args))[1])
    doc = loader.loads("title: T\nsections:\n  - heading: H\n    content:\n      - paragraph: Text.\n")
    assert doc.title == "T" and states == [False] and gc.isenabled()
