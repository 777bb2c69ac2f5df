"""Slow and oversized clients against uvicorn alone and behind nginx: /healthz and memory.

    .venv/bin/python bench/front_door.py [--seconds 14] [--slowloris 2000] [--stalled 200]

Runs bench/attacks.py (slowloris, stalled 1 MiB chunked bodies, ever-growing headers, each
from its own loopback address) for `--seconds` against one uvicorn worker, first directly, then
through nginx with the shipped config, while a client on 127.0.0.1 asks `GET /healthz` on a
new connection every 50 ms. Prints healthz latency and failures, and the peak memory (RSS) of
the app and of nginx. `tests/test_front_door.py` runs the same attack through the proxy.
"""

from __future__ import annotations

import argparse
import json
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PYTHON, ROOT, machine, ms, print_table, server
from bench.proxy import BEHIND_PROXY_ARGS, nginx_binary, proxy

MIB = 2**20


def probe(port: int, until: float, interval: float = 0.05) -> list[float]:
    """`GET /healthz` on a new connection from 127.0.0.1 every `interval`: each latency, sorted
    (a failure or a wait over 5 s counts as infinite)."""
    latencies = []
    request = b"GET /healthz HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n"
    while time.monotonic() < until:
        start = time.perf_counter()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                sock.sendall(request)
                answer = b""
                while chunk := sock.recv(65536):
                    answer += chunk
            ok = answer.startswith(b"HTTP/1.1 200")
        except OSError:
            ok = False
        latencies.append(time.perf_counter() - start if ok else float("inf"))
        time.sleep(interval)
    return sorted(latencies)


def slowloris_budget(wanted: int = 2000) -> int:
    """Slow connections the descriptor limit allows (the attacker and the server need one
    each); the attacker raises its soft limit to the hard one."""
    return max(10, min(wanted, resource.getrlimit(resource.RLIMIT_NOFILE)[1] // 2 - 300))


@dataclass
class Siege:
    latencies: list[float]
    rss_before: dict[str, int]
    rss_peak: dict[str, int]
    report: dict  # bench/attacks.py's JSON: what each kind of attacker saw

    @property
    def p50(self) -> float:
        return self.latencies[len(self.latencies) // 2]

    @property
    def p99(self) -> float:
        return self.latencies[int(0.99 * (len(self.latencies) - 1))]

    @property
    def failures(self) -> int:
        return sum(1 for latency in self.latencies if latency == float("inf"))


def siege(
    port: int,
    rss: dict[str, Callable[[], int]],
    *,
    seconds: float = 14.0,
    slowloris: int = 2000,
    stalled: int = 200,
    oversized: int = 4,
) -> Siege:
    """Attacks `port` for `seconds` while probing /healthz and sampling each `rss` reading."""
    before = {name: read() for name, read in rss.items()}
    peak = dict(before)
    attackers = subprocess.Popen(
        [
            PYTHON,
            str(ROOT / "bench" / "attacks.py"),
            "--port",
            str(port),
            "--seconds",
            str(seconds),
            "--slowloris",
            str(slowloris),
            "--stalled",
            str(stalled),
            "--oversized",
            str(oversized),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.0)  # the connections are open before the probe starts
    until = time.monotonic() + seconds - 2

    def sample() -> None:
        while time.monotonic() < until:
            for name, read in rss.items():
                peak[name] = max(peak[name], read())
            time.sleep(0.25)

    sampler = threading.Thread(target=sample)
    sampler.start()
    latencies = probe(port, until)
    sampler.join()
    out, _ = attackers.communicate(timeout=120)
    return Siege(latencies, before, peak, json.loads(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=14)
    parser.add_argument("--slowloris", type=int, default=2000)
    parser.add_argument("--stalled", type=int, default=200)
    args = parser.parse_args()
    if nginx_binary() is None:
        raise SystemExit("nginx is missing: apt-get install nginx")
    options = {
        "seconds": args.seconds,
        "slowloris": slowloris_budget(args.slowloris),
        "stalled": args.stalled,
    }

    rows = []
    with server(1) as app:
        direct = siege(int(app.base.rsplit(":", 1)[1]), {"app": app.rss_bytes}, **options)
    rows.append(["uvicorn alone", direct])
    with (
        server(1, extra_args=BEHIND_PROXY_ARGS) as app,
        proxy([f"127.0.0.1:{app.base.rsplit(':', 1)[1]}"]) as door,
    ):
        behind = siege(door.port, {"app": app.rss_bytes, "nginx": door.rss_bytes}, **options)
    rows.append(["behind nginx", behind])

    def mib(n: int | None) -> str:
        return "–" if n is None else f"{n / MIB:.0f} MiB"

    print(f"Machine: {machine()}")
    print_table(
        f"Under attack for {args.seconds:g} s ({options['slowloris']:,} slowloris connections, "
        f"{args.stalled} stalled 1 MiB chunked bodies, 4 clients with growing headers): "
        "GET /healthz every 50 ms on a new connection",
        ["setup", "probes", "failed", "p50", "p99", "app RSS before → peak", "nginx RSS peak"],
        [
            [
                label,
                len(s.latencies),
                s.failures,
                ms(s.p50),
                ms(s.p99),
                f"{mib(s.rss_before['app'])} → {mib(s.rss_peak['app'])}",
                mib(s.rss_peak.get("nginx")),
            ]
            for label, s in rows
        ],
    )
    print("\nWhat the attackers saw:")
    for label, s in rows:
        print(f"- {label}: {json.dumps(s.report)}")


if __name__ == "__main__":
    main()
