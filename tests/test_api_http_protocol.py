"""``api.http_protocol._OneWrite``: a response's head and body in one write, bytes in order."""

from __future__ import annotations

import asyncio

from api.http_protocol import _OneWrite


class Recorded:
    """The transport underneath: what was written, in which calls."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        assert not self.closing, "written after close"
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def get_extra_info(self, name: str) -> str:
        return f"info:{name}"


HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n"


def test_head_and_body_go_in_one_write_and_the_rest_as_written():
    async def run() -> Recorded:
        recorded = Recorded()
        transport = _OneWrite(recorded, asyncio.get_running_loop())  # type: ignore[arg-type]
        transport.write(HEAD)
        assert recorded.writes == []
        transport.write(b"hello")
        transport.write(b"more")  # nothing held: straight through
        await asyncio.sleep(0)
        assert transport.get_extra_info("peername") == "info:peername"
        return recorded

    assert asyncio.run(run()).writes == [HEAD + b"hello", b"more"]


def test_a_head_with_no_body_goes_on_the_loops_next_turn_or_at_close():
    async def run() -> tuple[list[bytes], list[bytes]]:
        loop = asyncio.get_running_loop()
        alone, closed = Recorded(), Recorded()
        transport = _OneWrite(alone, loop)  # type: ignore[arg-type]
        transport.write(HEAD)  # a HEAD request's answer: no body follows
        await asyncio.sleep(0)
        other = _OneWrite(closed, loop)  # type: ignore[arg-type]
        other.write(HEAD)
        other.close()
        await asyncio.sleep(0)  # the flush scheduled by write finds nothing held
        return alone.writes, closed.writes

    assert asyncio.run(run()) == ([HEAD], [HEAD])


def test_nothing_is_written_to_a_connection_that_went_away():
    async def run() -> list[bytes]:
        recorded = Recorded()
        transport = _OneWrite(recorded, asyncio.get_running_loop())  # type: ignore[arg-type]
        transport.write(HEAD)
        recorded.closing = True  # lost before the loop's next turn
        await asyncio.sleep(0)
        return recorded.writes

    assert asyncio.run(run()) == []
