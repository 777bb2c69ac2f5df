"""HTML route of the what-if chart: `POST /whatif` (htmx: the chart region; else the page)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from app import editor, pages, whatif_form

router = APIRouter()


@router.post("/whatif", response_class=HTMLResponse, include_in_schema=False)
async def whatif(request: Request) -> HTMLResponse:
    # A sweep is dozens of summaries: never on the event loop (see `pages`).
    return await run_in_threadpool(_whatif, request, await pages.read_form(request))


def _whatif(request: Request, form: FormData) -> HTMLResponse:
    # Without JavaScript the model comes in the action's query string, the form's own fields in
    # the body; htmx sends both in the body.
    items = [*request.query_params.multi_items()]
    items += [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    fields = dict(items)
    lang = pages._lang(request, fields.get("lang") or None)  # the core's too: before evaluating
    outcome = pages.evaluate(editor.draft_from_fields(items) or editor.seed_draft())
    context = pages._context(outcome, pages._last_valid(outcome, ""), lang)
    context["whatif"] = whatif_form.evaluate(fields, outcome.request if outcome.summary else None)
    if request.headers.get("hx-request") != "true":
        return pages._page(lang, context, remember_lang=False)
    return HTMLResponse(pages._render(lang, "partials/whatif_chart.html", context))
