"""nginx in front of uvicorn on loopback, with the shipped config (`deploy/nginx/`).

Shared by `tests/test_front_door.py` and the benchmarks. The config is rendered by the same
`deploy/nginx/render.py` the proxy image runs, with a free port and the app's address.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.common import PYTHON, ROOT, _process_tree, _rss, free_port

NGINX_DIR = ROOT / "deploy" / "nginx"
TEMPLATE = NGINX_DIR / "nginx.conf.template"

# uvicorn's own limits behind the proxy, as compose.yaml and deploy/kubernetes set them (through
# UVICORN_* variables): connections + tasks per worker before it answers 503, an idle keep-alive
# longer than nginx's upstream keepalive_timeout (60 s), and the proxy's address trusted for
# X-Forwarded-For/-Proto.
BEHIND_PROXY_ARGS = (
    "--limit-concurrency",
    "256",
    "--timeout-keep-alive",
    "75",
    "--forwarded-allow-ips",
    "127.0.0.1",
)


def nginx_binary() -> str | None:
    """Debian's nginx, when installed (`/usr/sbin` is not on every PATH)."""
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


@dataclass
class Proxy:
    base: str
    port: int
    process: subprocess.Popen
    prefix: Path

    def rss_bytes(self) -> int:
        """Resident memory of nginx's master and workers."""
        return sum(_rss(pid) for pid in _process_tree(self.process.pid))


def render_config(prefix: Path, port: int, upstreams: Sequence[str], address: str = "") -> Path:
    config = prefix / "nginx.conf"
    env = {
        **os.environ,
        "LISTEN_PORT": str(port),
        "LISTEN_ADDRESS": address,
        "UPSTREAMS": " ".join(upstreams),
    }
    subprocess.run(
        [PYTHON, str(NGINX_DIR / "render.py"), str(TEMPLATE), str(config)], env=env, check=True
    )
    return config


@contextmanager
def proxy(upstreams: Sequence[str]) -> Iterator[Proxy]:
    """nginx on a free loopback port in front of `upstreams` ("127.0.0.1:PORT")."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx)")
    prefix = Path(tempfile.mkdtemp(prefix="nginx-"))
    # Run as root, nginx's workers are `nobody`: they must reach the prefix (nginx itself makes
    # the temp folders inside it theirs).
    prefix.chmod(0o755)
    process = None
    try:
        # A free port can be taken by another process before nginx binds it: try another.
        for _ in range(5):
            port = free_port()
            config = render_config(prefix, port, upstreams, address="127.0.0.1")
            process = _start(binary, prefix, config, f"http://127.0.0.1:{port}")
            if process is not None:
                break
        if process is None:
            raise RuntimeError(f"nginx did not start:\n{(prefix / 'error.log').read_text()}")
        yield Proxy(f"http://127.0.0.1:{port}", port, process, prefix)
    finally:
        if process is not None:
            _stop(process)
        shutil.rmtree(prefix, ignore_errors=True)


def _start(binary: str, prefix: Path, config: Path, base: str) -> subprocess.Popen | None:
    """nginx, once it answers /healthz; None if it exits first (the port was taken)."""
    with (prefix / "error.log").open("ab") as log:
        process = subprocess.Popen(
            [binary, "-p", str(prefix), "-c", str(config), "-e", "stderr", "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    deadline = time.monotonic() + 15
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            return None
        if time.monotonic() > deadline:
            _stop(process)
            raise RuntimeError(f"nginx did not start:\n{(prefix / 'error.log').read_text()}")
        time.sleep(0.05)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
