"""HTTP caching: pages revalidate by ETag (304); static assets, fingerprinted, live a year."""

from __future__ import annotations

import asyncio
import hashlib
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from app import caching, pages
from app.main import app
from app.static_files import IMMUTABLE, STATIC, fingerprinted_name, static_url

ASSET_URL = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def test_a_page_carries_an_etag_and_asks_caches_to_revalidate(http):
    response = http.get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert re.fullmatch(r'W/"[0-9a-f]{32}"', response.headers["etag"])
    assert response.headers["cache-control"] == "no-cache"
    assert "Accept-Language" in response.headers["vary"]


def test_a_matching_if_none_match_gets_304_with_no_body_and_the_security_headers(http):
    etag = http.get("/").headers["etag"]
    again = http.get("/", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["x-frame-options"] == "DENY"
    assert http.get("/", headers={"If-None-Match": 'W/"other", ' + etag}).status_code == 304
    assert http.get("/", headers={"If-None-Match": 'W/"other"'}).status_code == 200


def test_the_etag_changes_with_the_url_and_the_language(http):
    english = http.get("/", headers={"Accept-Language": "en"}).headers["etag"]
    chinese = http.get("/", headers={"Accept-Language": "zh-CN"}).headers["etag"]
    other_model = http.get(
        "/?input_shape=10,8,8,3&layers.0.type=ConvLSTM2D"
        "&layers.0.filters=4&layers.0.kernel_size=3,3"
    ).headers["etag"]
    assert len({english, chinese, other_model}) == 3
    # A Chinese page revalidated in English is not "not modified".
    assert (
        http.get("/", headers={"Accept-Language": "en", "If-None-Match": chinese}).status_code
        == 200
    )


def test_a_304_for_an_explicit_language_still_remembers_it(http):
    etag = http.get("/?lang=zh").headers["etag"]
    again = http.get("/?lang=zh", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert "lang=zh" in again.headers["set-cookie"]


def test_downloads_docs_and_the_contract_are_cacheable_but_not_the_api_or_errors(http):
    for url in (
        "/docs",
        "/openapi.json",
        "/download/csv?input_shape=8&layers.0.type=Dense&layers.0.units=2",
    ):
        response = http.get(url)
        assert response.status_code == 200, url
        assert http.get(url, headers={"If-None-Match": response.headers["etag"]}).status_code == 304
    assert "etag" not in http.get("/healthz").headers
    assert "etag" not in http.get("/download/nope").headers  # 404
    assert "etag" not in http.post("/summary", json={"input_shape": [8], "layers": []}).headers


def test_a_revalidation_is_answered_without_rendering(monkeypatch):
    """The ETag is a digest of release, URL and language: known before the route runs."""

    async def get(headers: dict[str, str]) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get("/", headers=headers)

    def call(headers: dict[str, str]) -> httpx.Response:
        # In a thread of its own: another test's plugin may hold this thread's event loop.
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, get(headers)).result()

    etag = call({}).headers["etag"]

    def fail(*args, **kwargs):
        raise AssertionError("the page was rendered")

    monkeypatch.setattr(pages, "evaluate", fail)
    assert call({"If-None-Match": etag}).status_code == 304


def test_replicas_of_one_release_agree_on_the_release_id():
    other_process = subprocess.run(
        [sys.executable, "-c", "from app.caching import release_id; print(release_id())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert other_process == caching.release_id()


# Static assets.


def test_pages_link_every_asset_under_its_fingerprint_cached_a_year(http):
    urls = ASSET_URL.findall(http.get("/").text) + ASSET_URL.findall(http.get("/docs").text)
    assert len(urls) == 8  # explorer, costs, htmx, explorer.js, picture.js; the docs: 3
    for url in urls:
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", url), url
        response = http.get(url)
        assert response.status_code == 200, url
        assert (
            response.headers["cache-control"] == IMMUTABLE == "public, max-age=31536000, immutable"
        )


def test_the_fingerprint_is_the_contents_hash():
    assert static_url("explorer.css").endswith(".css")
    content = (STATIC / "explorer.css").read_bytes()
    digest = hashlib.sha256(content).hexdigest()[:12]
    assert static_url("explorer.css") == "/static/" + fingerprinted_name("explorer.css", digest)
    assert fingerprinted_name("vendor/htmx.min.js", digest) == f"vendor/htmx.min.{digest}.js"


def test_the_plain_name_still_works_and_is_revalidated(http):
    response = http.get("/static/explorer.css")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    assert (
        http.get(
            "/static/explorer.css", headers={"If-None-Match": response.headers["etag"]}
        ).status_code
        == 304
    )


def test_an_outdated_fingerprint_gets_todays_file_not_cached(http):
    """During a rolling update a page of the previous release may ask for its old asset."""
    response = http.get("/static/explorer.000000000000.css")
    assert response.status_code == 200
    assert response.content == (STATIC / "explorer.css").read_bytes()
    assert response.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize(
    "url",
    [
        "/static/missing.0123456789ab.css",
        "/static/../app/main.py",
        "/static/..%2fapp%2fmain.0123456789ab.py",
    ],
)
def test_no_fingerprint_reaches_past_the_static_folder(http, url):
    assert http.get(url).status_code == 404


def test_a_missing_asset_keeps_its_plain_url():
    assert static_url("not-built-yet.js") == "/static/not-built-yet.js"
