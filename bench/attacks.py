"""Slow and oversized clients against a server, for `--seconds`; prints what happened as JSON.

    .venv/bin/python bench/attacks.py --port 8080 [--seconds 15] [--slowloris 2000]
        [--stalled 200] [--oversized 4]

- slowloris: connections that send a request header one line a second and never end it;
- stalled: `POST /summary` with a chunked body that sends 1 MiB, then nothing;
- oversized: requests whose header grows in 64 KiB pieces, up to 64 MiB, until refused.

Each kind comes from its own loopback address (127.0.0.2, .3, .4), so a per-client limit on the
server hits the attacker, not the honest client on 127.0.0.1. For `tests/test_front_door.py`
and by hand; every loop ends with `--seconds`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import time
from collections import Counter

CHUNK = 64 * 1024


class Tally:
    def __init__(self) -> None:
        self.opened = 0
        self.failed_to_open = 0
        self.answers: Counter[str] = Counter()  # status line code, or "closed" / "open at end"

    def to_dict(self) -> dict:
        return {
            "opened": self.opened,
            "failed_to_open": self.failed_to_open,
            "answers": dict(self.answers),
        }


async def _connect(port: int, source: str, tally: Tally):
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
    except OSError:
        tally.failed_to_open += 1
        return None
    tally.opened += 1
    return reader, writer


async def _status(reader: asyncio.StreamReader, timeout: float) -> str:
    """The status code the server answered with, or "closed" (nothing), or "open at end"."""
    try:
        line = await asyncio.wait_for(reader.readline(), timeout)
    except TimeoutError:
        return "open at end"
    except OSError:
        return "closed"
    parts = line.split()
    return parts[1].decode() if len(parts) > 1 else "closed"


async def slowloris(port: int, source: str, deadline: float, tally: Tally) -> None:
    conn = await _connect(port, source, tally)
    if conn is None:
        return
    reader, writer = conn
    try:
        writer.write(b"GET / HTTP/1.1\r\nHost: attack\r\n")
        while time.monotonic() < deadline and not reader.at_eof():
            await writer.drain()
            status = await _status(reader, min(1.0, max(0.0, deadline - time.monotonic())))
            if status != "open at end":
                tally.answers[status] += 1
                return
            writer.write(b"X-Slow: 1\r\n")
        tally.answers["open at end"] += 1
    except OSError:
        tally.answers["closed"] += 1
    finally:
        writer.close()


async def stalled_body(port: int, source: str, deadline: float, tally: Tally) -> None:
    conn = await _connect(port, source, tally)
    if conn is None:
        return
    reader, writer = conn
    try:
        writer.write(
            b"POST /summary HTTP/1.1\r\nHost: attack\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        body = b"[" * (1024 * 1024)
        writer.write(f"{len(body):x}\r\n".encode() + body + b"\r\n")
        await writer.drain()
        tally.answers[await _status(reader, max(0.0, deadline - time.monotonic()))] += 1
    except OSError:
        tally.answers["closed"] += 1
    finally:
        writer.close()


async def oversized_headers(port: int, source: str, deadline: float, tally: Tally) -> None:
    """One request after another, each with a header growing until the server answers."""
    while time.monotonic() < deadline:
        conn = await _connect(port, source, tally)
        if conn is None:
            await asyncio.sleep(0.1)
            continue
        reader, writer = conn
        try:
            writer.write(b"GET / HTTP/1.1\r\nHost: attack\r\nX-Big: ")
            for _ in range(64 * 1024 * 1024 // CHUNK):
                writer.write(b"a" * CHUNK)
                await writer.drain()
                if reader.at_eof() or _has_data(reader):
                    break
        except OSError:
            pass  # the server answered and closed while we were still writing: read its answer
        tally.answers[await _status(reader, 5)] += 1
        writer.close()
        await asyncio.sleep(0.02)  # a new request 50 times a second per client, not a busy loop


def _has_data(reader: asyncio.StreamReader) -> bool:
    """Whether the server has started answering; asyncio has no public peek."""
    return bool(reader._buffer)  # type: ignore[attr-defined]


async def attack(port: int, seconds: float, slow: int, stalled: int, oversized: int) -> dict:
    deadline = time.monotonic() + seconds
    tallies = {"slowloris": Tally(), "stalled": Tally(), "oversized": Tally()}
    tasks = [slowloris(port, "127.0.0.2", deadline, tallies["slowloris"]) for _ in range(slow)]
    tasks += [stalled_body(port, "127.0.0.3", deadline, tallies["stalled"]) for _ in range(stalled)]
    tasks += [
        oversized_headers(port, "127.0.0.4", deadline, tallies["oversized"])
        for _ in range(oversized)
    ]
    await asyncio.gather(*tasks)
    return {name: tally.to_dict() for name, tally in tallies.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--slowloris", type=int, default=2000)
    parser.add_argument("--stalled", type=int, default=200)
    parser.add_argument("--oversized", type=int, default=4)
    args = parser.parse_args()
    # On one machine with the server, the attacker yields the CPU first: a real one runs
    # elsewhere, and what is measured is how the server copes, not who wins the scheduler.
    os.nice(10)
    # One descriptor per connection: raise the soft limit as far as the hard one allows.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    result = asyncio.run(
        attack(args.port, args.seconds, args.slowloris, args.stalled, args.oversized)
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
