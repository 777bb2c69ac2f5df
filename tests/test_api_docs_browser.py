"""`/docs`: Swagger UI served from our origin, under our CSP, with the seed model as example."""

import json

import pytest

from app.schema import SEED_MODEL


@pytest.fixture
def docs(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(live_server) else problems.append(r.url))
    page.goto(live_server + "/docs")
    yield page
    context.close()
    assert problems == [], f"console errors or off-origin requests: {problems}"


def test_docs_list_the_summary_operation(docs):
    docs.get_by_text("/summary", exact=True).first.wait_for()


def test_summary_request_example_is_the_seed_model(docs):
    docs.locator("#operations-summary-summary_summary_post").click()
    example = docs.locator(".opblock-section-request-body textarea.body-param__text")
    example.wait_for()
    assert json.loads(example.input_value()) == SEED_MODEL
