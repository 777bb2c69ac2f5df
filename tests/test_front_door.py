"""The front door: nginx with the shipped config (deploy/nginx/) in front of uvicorn on loopback.

Slow and oversized clients are stopped by the proxy: while slowloris connections, stalled
chunked bodies and ever-growing headers hit it, `/healthz` through it stays under 100 ms p99 and
the app's memory does not grow. Skipped (visibly) where nginx is not installed
(`make system-deps` installs it when run as root).
"""

from __future__ import annotations

import re
import socket
import subprocess
from collections.abc import Iterator

import httpx
import pytest

from app.security import SECURITY_HEADERS
from app.url_headers import MAX_URL_HEADER_BYTES
from bench.common import Server, server
from bench.front_door import MIB, siege, slowloris_budget
from bench.proxy import BEHIND_PROXY_ARGS, TEMPLATE, Proxy, nginx_binary, proxy, render_config

needs_nginx = pytest.mark.skipif(
    nginx_binary() is None, reason="nginx is not installed (apt-get install nginx): skipped"
)


@pytest.fixture(scope="module")
def front_door() -> Iterator[tuple[Server, Proxy]]:
    with server(1, extra_args=BEHIND_PROXY_ARGS) as app:
        port = app.base.rsplit(":", 1)[1]
        with proxy([f"127.0.0.1:{port}"]) as door:
            yield app, door


def test_the_template_renders_to_a_config_nginx_accepts(tmp_path):
    binary = nginx_binary()
    config = render_config(tmp_path, 8080, ["app:8000", "127.0.0.1:8001"])
    text = config.read_text()
    assert "listen 8080 backlog=4096;" in text
    local = render_config(tmp_path, 8080, ["app:8000"], address="127.0.0.1").read_text()
    assert "listen 127.0.0.1:8080 backlog=4096;" in local
    assert "server app:8000;" in text and "server 127.0.0.1:8001;" in text
    assert "${" not in text
    if binary is None:
        pytest.skip("nginx is not installed: the rendered config was not checked by nginx -t")
    # `app` does not resolve here; nginx -t checks everything else.
    config.write_text(text.replace("server app:8000;", ""))
    result = subprocess.run(
        [binary, "-t", "-p", str(tmp_path), "-c", str(config), "-e", "stderr"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_proxy_adds_the_apps_security_headers_with_the_same_values():
    text = TEMPLATE.read_text()
    for name, value in SECURITY_HEADERS.items():
        variable = re.search(rf"add_header {name} \$(\w+) always;", text)
        assert variable, f"{name} is not added by the proxy"
        assert f"map $upstream_http_{name.lower().replace('-', '_')} ${variable.group(1)}" in text
        assert f'"" "{value}";' in text, f"{name}'s value differs from app/security.py"


@needs_nginx
def test_answers_pass_through_with_the_apps_headers(front_door):
    _, door = front_door
    response = httpx.get(f"{door.base}/healthz")
    assert response.status_code == 200
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers.get_list("content-security-policy") == [
        SECURITY_HEADERS["Content-Security-Policy"]
    ]
    assert "server" not in response.headers or "nginx/" not in response.headers["server"]


@needs_nginx
def test_a_body_over_the_limit_is_refused_by_the_proxy_with_the_security_headers(front_door):
    _, door = front_door
    big = b"x" * (2 * MIB + 1)
    declared = httpx.post(f"{door.base}/summary", content=big)
    chunked = httpx.post(f"{door.base}/summary", content=iter([big[:MIB], big[MIB:]]))
    for response in (declared, chunked):
        assert response.status_code == 413
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        assert response.headers["x-content-type-options"] == "nosniff"


@needs_nginx
def test_an_oversized_header_is_refused_by_the_proxy(front_door):
    _, door = front_door
    response = httpx.get(f"{door.base}/healthz", headers={"X-Big": "a" * 200_000})
    assert response.status_code == 400
    assert response.headers["x-frame-options"] == "DENY"


def big_page_form(layers: int = 330, name_length: int = 128) -> dict[str, str]:
    """A model whose page URL is about 60 KB, within the form's 1,000 fields."""
    form = {"input_shape": "8"}
    for n in range(layers):
        form[f"layers.{n}.type"] = "Dense"
        form[f"layers.{n}.units"] = "4"
        form[f"layers.{n}.name"] = f"dense_{n:04d}_".ljust(name_length, "x")
    return form


@needs_nginx
def test_a_big_models_url_fits_through_the_proxy_both_ways(front_door):
    """htmx's HX-Push-Url carries the page URL in a response header, then the browser's
    reload sends it back as the request line: both pass nginx's buffers."""
    _, door = front_door
    with httpx.Client(base_url=door.base, timeout=60) as client:
        response = client.post("/", data=big_page_form(), headers={"HX-Request": "true"})
        assert response.status_code == 200
        url = response.headers["hx-push-url"]
        assert len(url) > 55_000
        reload = client.get(url)
        assert reload.status_code == 200
        assert "dense_0329_" in reload.text


@needs_nginx
def test_an_htmx_answer_with_a_giant_value_is_not_a_502(front_door):
    """A typed value is echoed into HX-Push-Url; past 65,000 bytes the app leaves the header
    out rather than outgrow the proxy's response-header buffer."""
    _, door = front_door
    form = {"input_shape": "8", "layers.0.type": "Dense", "layers.0.name": "x" * 300_000}
    response = httpx.post(f"{door.base}/", data=form, headers={"HX-Request": "true"}, timeout=60)
    assert response.status_code == 200
    assert "hx-push-url" not in response.headers


@needs_nginx
def test_the_longest_page_url_htmx_is_given_loads_through_the_proxy(front_door):
    _, door = front_door
    start = "/?input_shape=8&layers.0.type=Dense&layers.0.units=4&layers.0.name="
    target = start + "n" * (MAX_URL_HEADER_BYTES - len(start))
    with socket.create_connection(("127.0.0.1", door.port), timeout=60) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
        status_line = sock.makefile("rb").readline()
    assert status_line.startswith(b"HTTP/1.1 200"), status_line


@needs_nginx
def test_under_slow_and_oversized_clients_healthz_stays_fast_and_memory_bounded(front_door):
    app, door = front_door
    slow = slowloris_budget(2000)
    # 14 s: longer than the proxy's 10 s header and body deadlines.
    result = siege(
        door.port,
        {"app": app.rss_bytes, "nginx": door.rss_bytes},
        seconds=14.0,
        slowloris=slow,
        stalled=200,
        oversized=4,
    )
    report = result.report
    print(
        f"\nhealthz through the proxy under attack: {len(result.latencies)} probes, "
        f"p50 {result.p50 * 1e3:.1f} ms, p99 {result.p99 * 1e3:.1f} ms; app RSS "
        f"{result.rss_before['app'] / MIB:.0f} → peak {result.rss_peak['app'] / MIB:.0f} MiB; "
        f"nginx peak {result.rss_peak['nginx'] / MIB:.0f} MiB; attacks: {report}"
    )
    # The attacks really happened: the connections were open, the proxy answered them.
    assert report["slowloris"]["opened"] >= 0.95 * slow
    assert report["stalled"]["answers"].get("429", 0) > 0  # over the per-client limit
    assert set(report["oversized"]["answers"]) <= {"400", "closed"}
    assert report["oversized"]["answers"].get("400", 0) > 10
    # What the honest client and the app felt.
    assert len(result.latencies) > 100
    assert result.p99 < 0.100
    assert result.rss_peak["app"] - result.rss_before["app"] < 32 * MIB
    assert result.rss_peak["nginx"] < 256 * MIB
