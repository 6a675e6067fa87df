"""Work remembered by what it was given: the same input, the same answer, computed once.

A take analysed while it is recorded (`live.py`) runs the pipeline on the audio so far, again and
again; the analysis of the finished file then finds each stretch it decodes, each pitch window and
the language detection already answered, and computes only what is new. Keys are digests of the
inputs' bytes, so an answer is only ever reused for exactly the input that produced it: what the
analysis says cannot differ from an analysis without remembering.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

import numpy as np


def digest(*parts: Any) -> bytes:
    """A 128-bit digest of the parts: arrays by dtype, shape and bytes, anything else by its repr
    (frozen dataclasses, tuples of floats and strings have faithful ones)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        if isinstance(part, np.ndarray):
            h.update(f"{part.dtype.str}{part.shape}".encode())
            h.update(memoryview(np.ascontiguousarray(part)).cast("B"))
        else:
            h.update(repr(part).encode())
        h.update(b"\x1f")
    return h.digest()


class Remembered:
    """The last `size` answers by key, safe to share between threads."""

    def __init__(self, size: int) -> None:
        _every.append(self)
        self.size = size
        self._answers: OrderedDict[bytes, Any] = OrderedDict()
        self._guard = threading.Lock()
        self.hits = 0  # answers found (bench/live.py reports them)
        self.misses = 0

    def get(self, key: bytes) -> Any | None:
        with self._guard:
            answer = self._answers.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._answers.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, key: bytes, answer: Any) -> None:
        with self._guard:
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)

    def clear(self) -> None:
        with self._guard:
            self._answers.clear()
            self.hits = self.misses = 0


_every: list[Remembered] = []


def forget_all() -> None:
    """Empty every memo: the next analysis computes everything (benchmarks time it so)."""
    for remembered in _every:
        remembered.clear()
