"""htmx's page-URL headers stay loadable (app/url_headers.py): no proxy answers 502."""

import socket

from app.url_headers import MAX_URL_HEADER_BYTES

HX = {"HX-Request": "true"}


def test_a_model_url_within_the_limit_is_sent(http):
    form = {"input_shape": "8", "layers.0.type": "Dense", "layers.0.units": "4"}
    response = http.post("/", data=form, headers=HX)
    assert response.headers["hx-push-url"].startswith("/?input_shape=8")


def test_a_url_past_the_limit_is_left_out_and_the_results_still_come(http):
    form = {"input_shape": "8", "layers.0.type": "Dense", "layers.0.name": "x" * 150_000}
    response = http.post("/", data=form, headers=HX)
    assert response.status_code == 200
    assert "hx-replace-url" not in response.headers and "hx-push-url" not in response.headers
    assert "layers-0-name" in response.text  # the field's error is shown


def status_of(live_server: str, target: str) -> bytes:
    """The status line for `GET target` (httpx itself refuses URLs over 64 KiB)."""
    host, port = live_server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
        return sock.makefile("rb").readline()


def test_the_limit_leaves_room_for_a_1024_layer_model_below_what_uvicorn_accepts(live_server):
    assert 62_000 < MAX_URL_HEADER_BYTES < 65_535
    longest = "/healthz?x=" + "a" * (MAX_URL_HEADER_BYTES - len("/healthz?x="))
    assert status_of(live_server, longest).startswith(b"HTTP/1.1 200")
    assert status_of(live_server, "/healthz?x=" + "a" * 65_535).startswith(b"HTTP/1.1 400")
