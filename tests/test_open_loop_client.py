"""The open-loop load generator (bench/open_loop.py) against a tiny server with known habits."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from own_thread import in_own_thread

from bench.open_loop import open_loop

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n%s\r\nok"


@contextmanager
def closing_server(says_so: bool) -> Iterator[str]:
    """Answers every request and closes each connection after its third answer: saying so
    with `Connection: close` (nginx at `keepalive_requests`), or silently (a keep-alive
    timeout that strikes while the client still holds the connection as idle)."""
    loop = asyncio.new_event_loop()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for answered in range(1, 4):
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )
            await reader.readexactly(length)
            last = answered == 3 and says_so
            writer.write(ANSWER % (b"Connection: close\r\n" if last else b""))
            await writer.drain()
        writer.close()

    # The server's loop runs on a thread of its own (see tests/own_thread.py).
    server = in_own_thread(
        lambda: loop.run_until_complete(asyncio.start_server(serve, "127.0.0.1", 0))
    )
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/summary"
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    server.close()
    loop.close()


def test_a_connection_the_server_says_it_closes_is_not_reused() -> None:
    with closing_server(says_so=True) as url:
        result = in_own_thread(
            lambda: open_loop(url, b"{}", rate=200, duration=0.5, max_connections=2)
        )
    assert result.error_kinds == {}
    assert len(result.latencies) == 100


def test_a_request_on_a_connection_closed_while_idle_goes_again_on_a_new_one() -> None:
    with closing_server(says_so=False) as url:
        result = in_own_thread(
            lambda: open_loop(url, b"{}", rate=200, duration=0.5, max_connections=2)
        )
    assert result.error_kinds == {}
    assert len(result.latencies) == 100
