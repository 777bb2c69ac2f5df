"""A constant-rate (open-loop) HTTP/1.1 load generator that corrects for coordinated omission.

Request i is due at `start + i / rate`, whether or not earlier ones have been answered; its
latency is measured from that due time, not from when a connection was free to send it. So a
stall of the server counts for every request that should have been sent during it (a
closed-loop tool like wrk would just send fewer). Connections are reused (keep-alive) and
opened as needed, up to `max_connections`; a request waiting for one is still on the clock.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


@dataclass
class OpenLoopResult:
    offered_rate: float
    latencies: list[float]  # seconds, sorted, answered requests only
    errors: int  # refused, reset, timed out or non-2xx
    error_kinds: dict[str, int]  # status code or exception name → count
    late_start: float  # worst lateness of our own scheduler (client-side noise), seconds

    def quantile(self, q: float) -> float:
        if not self.latencies:
            return float("inf")
        return self.latencies[min(len(self.latencies) - 1, int(q * len(self.latencies)))]


def post_request(path: str, body: bytes, host: str = "bench") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bool]:
    """Sends one request, reads the whole answer; returns its status and whether the
    connection may carry another request (not after `Connection: close`, which nginx sends
    on a connection's `keepalive_requests`-th answer)."""
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length, reusable = 0, True
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection" and value.strip().lower() == b"close":
            reusable = False
    await reader.readexactly(length)
    return status, reusable


async def _run(
    host: str,
    port: int,
    request: bytes,
    rate: float,
    duration: float,
    max_connections: int,
    timeout: float,
) -> OpenLoopResult:
    loop = asyncio.get_running_loop()
    idle: list[Connection] = []
    slots = asyncio.Semaphore(max_connections)
    latencies: list[float] = []
    kinds: dict[str, int] = {}
    late = 0.0

    async def exchange() -> tuple[tuple[int, bool], Connection]:
        """One request on an idle connection, or a new one. A reused connection the server
        closed while it was idle (uvicorn's keep-alive timeout) fails before any byte of an
        answer: the request goes again on a new connection, as HTTP clients do."""
        if idle:
            conn = idle.pop()
            try:
                return await asyncio.wait_for(_exchange(*conn, request), timeout), conn
            except (ConnectionResetError, BrokenPipeError, asyncio.IncompleteReadError) as error:
                conn[1].close()
                if isinstance(error, asyncio.IncompleteReadError) and error.partial:
                    raise
        conn = await asyncio.open_connection(host, port)
        try:
            return await asyncio.wait_for(_exchange(*conn, request), timeout), conn
        except BaseException:
            conn[1].close()
            raise

    async def one(due: float) -> None:
        async with slots:
            try:
                (status, reusable), conn = await exchange()
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as error:
                kinds[type(error).__name__] = kinds.get(type(error).__name__, 0) + 1
                return
            latencies.append(loop.time() - due)
            if not 200 <= status < 300:
                kinds[str(status)] = kinds.get(str(status), 0) + 1
            if 200 <= status < 300 and reusable:
                idle.append(conn)
            else:
                conn[1].close()

    total = int(rate * duration)
    start = loop.time() + 0.1
    tasks = []
    for i in range(total):
        due = start + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            late = max(late, -delay)
        tasks.append(asyncio.create_task(one(due)))
    await asyncio.gather(*tasks)
    for _, writer in idle:
        writer.close()
    return OpenLoopResult(rate, sorted(latencies), sum(kinds.values()), kinds, late)


def open_loop(
    url: str,
    body: bytes,
    *,
    rate: float,
    duration: float,
    max_connections: int = 32,
    timeout: float = 10.0,
) -> OpenLoopResult:
    """`rate` POSTs of `body` a second to `url` ("http://host:port/path") for `duration` s."""
    rest = url.removeprefix("http://")
    address, _, path = rest.partition("/")
    host, _, port = address.partition(":")
    request = post_request("/" + path, body)
    began = time.perf_counter()
    main = _run(host, int(port or 80), request, rate, duration, max_connections, timeout)
    try:  # uvloop (uvicorn[standard] brings it) halves the client's own overhead per request
        import uvloop

        result = uvloop.run(main)
    except ImportError:
        result = asyncio.run(main)
    assert time.perf_counter() - began < duration + timeout + 30
    return result
