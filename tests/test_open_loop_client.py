"""The open-loop load generator (bench/open_loop.py) against a tiny server with known habits."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from bench.open_loop import open_loop

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n%s\r\nok"


@pytest.fixture
def closing_server() -> Iterator[str]:
    """Answers every request; like nginx at `keepalive_requests`, closes each connection after
    its third answer, saying so with `Connection: close`."""
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
            writer.write(ANSWER % (b"Connection: close\r\n" if answered == 3 else b""))
            await writer.drain()
        writer.close()

    server = loop.run_until_complete(asyncio.start_server(serve, "127.0.0.1", 0))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/summary"
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    server.close()
    loop.close()


def test_a_connection_the_server_closes_is_not_reused(closing_server: str) -> None:
    result = open_loop(closing_server, b"{}", rate=200, duration=0.5, max_connections=2)
    assert result.error_kinds == {}
    assert len(result.latencies) == 100
