"""Load changed data in place of a shipped file, for tests of how loaders refuse bad data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from usvn import loader


@contextmanager
def substituted(
    monkeypatch: pytest.MonkeyPatch, data_file: str, data: Any, *cached: Callable[..., Any]
) -> Iterator[None]:
    """Every loader sees ``data`` as the checked content of ``data_file``; ``cached`` loaders are rebuilt."""
    shipped = loader._validated
    monkeypatch.setattr(loader, "_validated", lambda name: data if name == data_file else shipped(name))
    for function in cached:
        function.cache_clear()
    try:
        yield
    finally:
        monkeypatch.setattr(loader, "_validated", shipped)
        for function in cached:
            function.cache_clear()
