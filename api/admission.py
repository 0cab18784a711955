"""Admission control: a pool of idle query workers and a bounded queue of requests waiting for one.

Before this, a request that found every worker busy polled for one every 5 ms
until its 30 s timeout: 32 clients on the five-seed store waited up to 26 s
(p99) and 19 of 454 got 503 only after those 30 s (issue 14). Here a request
either gets a worker at once, waits in a FIFO queue of at most ``max_waiting``
requests (each handed the next worker given back, in order), or, when that
queue is full, is refused at once (``QueueFull``: the endpoint answers 503 with
``Retry-After``). A full queue means the workers are behind by more requests
than they can finish before a client gives up, so a fast refusal serves the
client better than a slot in the line.

Workers are given back from event loops and from the threads that start fresh
workers, so the pool hands items over with ``call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class QueueFull(Exception):
    """Every worker is busy and ``max_waiting`` requests already wait for one."""


class Closed(Exception):
    """The pool is closed: the server is shutting down."""


class Pool(Generic[T]):
    def __init__(self, max_waiting: int, discard: Callable[[T], None]) -> None:
        self.max_waiting = max(0, max_waiting)
        # Ends an item that comes back after close() (a worker finishing its query).
        self.discard = discard
        self._lock = threading.Lock()
        self._idle: list[T] = []
        self._waiters: deque[asyncio.Future[T]] = deque()
        self._closed = False

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def idle(self) -> list[T]:
        with self._lock:
            return list(self._idle)

    def put(self, item: T) -> bool:
        """Give ``item`` to the longest-waiting request, or keep it idle; False once closed."""
        with self._lock:
            if self._closed:
                return False
            while self._waiters:
                waiter = self._waiters.popleft()
                if waiter.done():
                    continue  # timed out or cancelled: its request has gone
                try:
                    waiter.get_loop().call_soon_threadsafe(self._hand_over, waiter, item)
                except RuntimeError:
                    continue  # its event loop is closed
                return True
            self._idle.append(item)
            return True

    def _hand_over(self, waiter: asyncio.Future[T], item: T) -> None:
        # In the waiter's loop: it may have timed out since put() chose it.
        if waiter.done():
            self.give_back(item)
        else:
            waiter.set_result(item)

    def give_back(self, item: T) -> None:
        if not self.put(item):
            self.discard(item)

    def take_nowait(self) -> T | None:
        with self._lock:
            if self._closed:
                raise Closed
            # LIFO among idle workers: the most recently used one has the store's pages warm.
            return self._idle.pop() if self._idle else None

    async def take(self, timeout_s: float) -> T:
        """An idle item, waiting in line up to ``timeout_s``; QueueFull at once if the line is full."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._closed:
                raise Closed
            if self._idle:
                return self._idle.pop()
            if len(self._waiters) >= self.max_waiting:
                raise QueueFull
            waiter = loop.create_future()
            self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(waiter, timeout_s)
        except BaseException:  # timed out, or the request was cancelled
            with self._lock:
                try:
                    self._waiters.remove(waiter)
                except ValueError:
                    pass  # put() already chose it; _hand_over gives the item back
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self.give_back(waiter.result())  # handed over just as the wait ended
            raise

    def remove(self, item: T) -> bool:
        """Take ``item`` out of the idle list (a worker found dead); False if it is not idle."""
        with self._lock:
            try:
                self._idle.remove(item)
            except ValueError:
                return False
            return True

    def close(self) -> list[T]:
        """Refuse further use; the idle items, for the caller to end."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            waiters, self._waiters = list(self._waiters), deque()
        for waiter in waiters:
            try:
                waiter.get_loop().call_soon_threadsafe(_fail, waiter)
            except RuntimeError:
                pass
        return idle


def _fail(waiter: asyncio.Future[T]) -> None:
    if not waiter.done():
        waiter.set_exception(Closed())
