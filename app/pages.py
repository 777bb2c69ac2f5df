"""HTML routes: the explorer page and its htmx fragments.

`GET /?<model>` renders the whole page; the model is in the query string (see README, "Page
URLs"). `POST /` takes the editor form: without JavaScript it answers a valid model with a 303
to the model's URL (Post/Redirect/Get: the address bar holds the model, a reload posts nothing)
and an invalid one with the whole page; with htmx (`HX-Request`) it answers with the regions
that change, out of band, and the model's URL in `HX-Push-Url`: every edit is a step Back
undoes (static/explorer.js folds a burst of typing in one field into one step).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from gettext import NullTranslations
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from app import compare, editor, gallery, i18n, lazy_cards, model_picture, whatif_form
from app.core import translation
from app.core.errors import SpecError
from app.core.model import summarize
from app.core.records import ModelSummary
from app.diagrams import ConvLSTMView, conv_lstm_views
from app.editor import ModelDraft
from app.error_words import localized
from app.interop.formats import file_stem
from app.limits import MAX_FORM_FIELDS
from app.schema import SummaryRequest
from app.url_headers import MAX_URL_HEADER_BYTES

router = APIRouter()
STATIC = i18n.ROOT / "static"
COOKIE_MAX_AGE = 365 * 24 * 3600
# Per-gate diagrams drawn on one page: five SVGs a layer made a 1,024-layer page seconds of CPU
# and megabytes of markup that nobody scrolls through; the table lists every layer.
MAX_DIAGRAMS = 16
# "How each layer is counted" for a big model: the first layers' derivations (each is a few KB
# of text); the exports have them all.
MAX_COST_RULES = 32
# A what-if chart is several summaries: past this many layers the page is sent without it.
LAZY_WHATIF_LAYERS = 256


@dataclass(frozen=True)
class Outcome:
    """A draft and what it gives: a summary, or the errors by field key."""

    draft: ModelDraft
    request: SummaryRequest | None = None
    summary: ModelSummary | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @cached_property
    def views(self) -> tuple[ConvLSTMView, ...]:
        """The diagrams of the first MAX_DIAGRAMS ConvLSTM layers (plus one, to tell)."""
        if self.summary is None or self.request is None:
            return ()
        return conv_lstm_views(self.summary.layers, self.request.layers, MAX_DIAGRAMS + 1)

    @property
    def views_shown(self) -> tuple[ConvLSTMView, ...]:
        return self.views[:MAX_DIAGRAMS]

    @property
    def views_cut(self) -> int:
        """How many diagrams are drawn when some are left out, else 0."""
        return MAX_DIAGRAMS if len(self.views) > MAX_DIAGRAMS else 0

    @cached_property
    def whatif(self) -> whatif_form.WhatIf | None:
        """The what-if chart of the default form (only the full page asks for it, twice). None
        for a big model: the chart then asks for itself (htmx) once the page is there."""
        if self.request is not None and len(self.request.layers) > LAZY_WHATIF_LAYERS:
            return None
        return whatif_form.evaluate({}, self.request if self.summary else None)

    def picture(self, metric: model_picture.Metric) -> model_picture.Picture | None:
        """The model picture, if the model has one and it is small enough for the page."""
        if self.summary is None or self.request is None:
            return None
        if len(self.summary.layers) > model_picture.MAX_PAGE_BOXES:
            return None
        return model_picture.picture(self.summary, self.request, metric)

    @cached_property
    def query(self) -> str:
        return urlencode(editor.query_items(self.draft), safe=",")


def evaluate(draft: ModelDraft) -> Outcome:
    """One code path from what was typed to numbers: validate, then the core's `summarize`."""
    request, errors = editor.validate(draft)
    if request is None:
        return Outcome(draft, errors=errors)
    try:
        return Outcome(draft, request, summarize(request))
    except SpecError as error:
        return Outcome(draft, request, errors=editor.spec_errors(draft, error))


@lru_cache(maxsize=8)
def _pinned_outcome(query: str, language: NullTranslations) -> Outcome | None:
    """The pinned model "A" of a comparison, by its query: cached, since every edit of B
    carries the same A. Keyed by the active catalog too: its texts are in that language."""
    draft = editor.draft_from_fields(query_fields(query))
    return evaluate(draft) if draft else None


def pinned(
    items: list[tuple[str, str]], action: str = "", draft: ModelDraft | None = None
) -> Outcome | None:
    """Model "A" of the form or query (`a.` fields); `pin` makes it the draft, `unpin` drops it."""
    if action == "unpin":
        return None
    chosen = draft if action == "pin" and draft else compare.pinned_draft(items)
    if chosen is None:
        return None
    query = urlencode(editor.query_items(chosen), safe=",")
    return _pinned_outcome(query, translation.current())


def _field_id(key: str) -> str:
    """`layers.0.filters` → `layers-0-filters` (dots would read as classes in CSS selectors)."""
    return key.replace(".", "-") or "form"


def _context(
    outcome: Outcome,
    shown: Outcome | None,
    lang: str,
    focus: str = "",
    metric: str = "params",
    pinned: Outcome | None = None,
    open_gates: frozenset[int] = frozenset(),
    open_more: frozenset[int] = frozenset(),
    open_rules: frozenset[int] = frozenset(),
    open_gallery: bool = False,
    open_table: bool = False,
) -> dict[str, Any]:
    """What every template gets: the draft being edited and the results on screen.

    `shown` is the outcome whose results are displayed: the current one when it is valid, else
    the last valid one (marked out of date), else None. `metric` is what the picture's bars
    show (`?picture=macs`). `pinned` is model "A" of a comparison, carried in `a.` fields.
    `open_gates`: the layers whose gate diagrams are drawn besides the first (`?gates=N`);
    `open_more`: the cards whose "More arguments" are drawn, open (`?more=N`); `open_rules`:
    the layers whose cost derivations are written out, open (`?rules=N`); `open_gallery`: the
    gallery's entries are in the page, open (`?gallery=0`); `open_table`: the picture as a
    table is in the page, open (`?table=0`).
    """
    chosen = model_picture.metric_of(metric)
    errors = localized_errors(outcome.errors, lang)
    pair = compare.pin_items(pinned.draft) if pinned else []
    pair_query = "&" + urlencode(pair, safe=",") if pair else ""
    pinned_summary = pinned.summary if pinned is not None else None
    shown_summary = shown.summary if shown is not None else None
    return {
        "pinned": pinned,
        "pinned_items": pair,
        "pair_query": pair_query,
        "comparison": compare.compare(pinned_summary, shown_summary)
        if pinned_summary is not None and shown_summary is not None
        else None,
        "amount": compare.amount,
        "difference": compare.difference,
        "ratio": compare.ratio,
        "metric": chosen,
        "picture": shown.picture(chosen) if shown else None,
        "picture_file": file_stem(shown.summary) if shown and shown.summary else "model",
        "rows_of": model_picture.rows_of,
        "max_picture_boxes": model_picture.MAX_PAGE_BOXES,
        "draft": outcome.draft,
        "errors": errors,
        "query": outcome.query + pair_query,
        "shown": shown,
        "summary": shown.summary if shown else None,
        "stale": bool(outcome.errors),
        "valid_query": shown.query if shown else "",
        "lang": lang,
        "focus": focus,
        "controls": editor.controls,
        "layer_types": editor.editable_types(),
        "fid": _field_id,
        "is_on": editor.is_on,
        "gallery": gallery.gallery(),
        "full_cards": lazy_cards.FULL_CARDS,
        "max_cost_rules": MAX_COST_RULES,
        "field_errors": lazy_cards.field_errors(errors),
        "open_gates": open_gates,
        "open_more": open_more,
        "open_rules": open_rules,
        "open_gallery": open_gallery,
        "open_table": open_table,
    }


def localized_errors(errors: Mapping[str, str], lang: str) -> dict[str, str]:
    """The field errors in the page's language (outcomes are cached for every language)."""
    gettext = i18n.translations(lang).gettext
    return {key: localized(message, gettext) for key, message in errors.items()}


def _render(lang: str, template: str, context: dict[str, Any]) -> str:
    return i18n.environment(lang).get_template(template).render(context)


def _lang(request: Request, form_lang: str | None = None) -> str:
    """The page's language, made the core's for the rest of the request (a form's `lang`
    overrides what `LanguageMiddleware` chose from the URL, cookie and headers): call it
    before the model is evaluated."""
    lang = i18n.choose(
        form_lang or request.query_params.get("lang"),
        request.cookies.get(i18n.COOKIE),
        request.headers.get("accept-language", ""),
    )
    i18n.activate(lang)
    return lang


def _page(lang: str, context: dict[str, Any], remember_lang: bool) -> HTMLResponse:
    response = HTMLResponse(_render(lang, "page.html", context))
    if remember_lang:
        response.set_cookie(i18n.COOKIE, lang, max_age=COOKIE_MAX_AGE, samesite="lax")
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response


def _last_valid(outcome: Outcome, valid_query: str) -> Outcome | None:
    if not outcome.errors:
        return outcome
    draft = editor.draft_from_fields(query_fields(valid_query))
    if draft is None:
        return None
    last = evaluate(draft)
    return None if last.errors else last


def query_fields(query: str) -> list[tuple[str, str]]:
    """The fields of a page query carried inside a form field (`valid`, the import form's
    `query`), held to the limit of the form that carries it: none if it has more."""
    try:
        return parse_qsl(query, max_num_fields=MAX_FORM_FIELDS)
    except ValueError:
        return []


async def read_form(request: Request) -> FormData:
    """The posted form, up to MAX_FORM_FIELDS fields (more is Starlette's 400)."""
    return await request.form(max_fields=MAX_FORM_FIELDS)


def indexes(values: list[str]) -> frozenset[int]:
    """`?gates=3&gates=5` → {3, 5}: the layers a view flag names (`gates`: gate diagrams drawn
    besides the first; `more`: a card's "More arguments" drawn). Only a few ASCII digits count."""
    return frozenset(
        int(v) for v in values[:MAX_DIAGRAMS] if v.isascii() and v.isdigit() and len(v) < 6
    )


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def page(request: Request) -> HTMLResponse:
    """The explorer, showing the model the query string describes (the seed model if none)."""
    draft = editor.draft_from_fields(request.query_params.multi_items()) or editor.seed_draft()
    lang = _lang(request)
    outcome = evaluate(draft)
    # `card=N`: a no-JS action landed on a card past FULL_CARDS; it comes whole, focused.
    card = min(indexes(request.query_params.getlist("card")), default=None)
    context = _context(
        outcome,
        _last_valid(outcome, request.query_params.get("valid", "")),
        lang,
        focus="" if card is None else f"layers-{card}-first",
        metric=request.query_params.get("picture", ""),
        pinned=pinned(request.query_params.multi_items()),
        open_gates=indexes(request.query_params.getlist("gates")),
        open_more=indexes(request.query_params.getlist("more")),
        open_rules=indexes(request.query_params.getlist("rules")),
        open_gallery="gallery" in request.query_params,
        open_table="table" in request.query_params,
    )
    # Only a language the page has is remembered; `?lang=xx` falls back without a cookie.
    return _page(lang, context, remember_lang=request.query_params.get("lang") == lang)


# The HTML routes that take a form read it on the event loop (it arrives there), then do the
# work, validation, the core and the templates, in the thread pool: a large model takes tens
# of milliseconds, and nothing may hold the loop that long.


def model_url(context: dict[str, Any]) -> str:
    """The page URL of the model in `context` (with its pinned "A" and picture metric). An
    invalid model's URL carries the last valid one too (`valid=`): its page, reloaded or
    reached without JavaScript, shows those results beside the error."""
    metric, query = str(context["metric"]), str(context["query"])
    url = "/?" + query + ("" if metric == "params" else "&picture=" + metric)
    if context["stale"] and context["valid_query"]:
        url += "&valid=" + quote(str(context["valid_query"]), safe="")
    return url


def focus_anchor(focus: str) -> str:
    """The fragment that brings a no-JavaScript page to the control `focus_after` chose: a
    card (`layers-3-first` → `#layer-3`, whose next Tab is its first field) or the control."""
    if focus.startswith("layers-") and focus.endswith("-first"):
        return "#layer-" + focus.removeprefix("layers-").removesuffix("-first")
    return "#" + focus if focus else ""


# The view flags a no-JavaScript button posts, and where the page comes back to.
FLAG_ANCHORS = {
    "gates": "gates-{}",
    "more": "layer-{}",
    "rules": "cost-rules-{}",
    "gallery": "gallery",
    "card": "layer-{}",
    "table": "picture-text",
}


def _no_js_url(request: Request, context: dict[str, Any], form: FormData | None = None) -> str:
    """Where a form posted without JavaScript is sent (Post/Redirect/Get): the model's URL, the
    language only when the cookie or the browser would not choose it, and the control to go on
    from as the fragment."""
    url = model_url(context)
    if context["lang"] != _lang(request):
        url += "&lang=" + context["lang"]
    # A folded figure's "Draw" button, a card's "Show these arguments" (its "More arguments",
    # or a folded card's controls): the page comes back with them drawn, at them.
    for flag, anchor in FLAG_ANCHORS.items():
        chosen = min(indexes([str(v) for v in form.getlist(flag)]), default=None) if form else None
        if chosen is not None:
            return url + f"&{flag}={chosen}#" + anchor.format(chosen)
    first_error = next(iter(context["errors"]), "")
    focus = str(context["focus"]) or (f"f-{_field_id(first_error)}" if first_error else "")
    card = focus.removeprefix("layers-").removesuffix("-first")
    if focus.endswith("-first") and card.isdigit() and int(card) >= lazy_cards.FULL_CARDS:
        # Past the first cards a card is folded; the page draws this one whole (and focuses it).
        url += f"&card={card}"
    return url + focus_anchor(focus)


@router.post("/", response_class=HTMLResponse, response_model=None, include_in_schema=False)
async def edit(request: Request) -> HTMLResponse | RedirectResponse:
    """An edit from the form: a whole page, or (htmx) the regions that change."""
    return await run_in_threadpool(_edit, request, await read_form(request))


def _edit(request: Request, form: FormData) -> HTMLResponse | RedirectResponse:
    items = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    draft = editor.draft_from_fields(items) or editor.seed_draft()
    action = str(form.get("action") or "")
    if action:
        draft = editor.apply_action(draft, action, str(form.get("new_type") or ""))
    lang = _lang(request, str(form.get("lang") or "") or None)
    outcome = evaluate(draft)
    focus = editor.focus_after(draft, action) if action else ""
    shown = _last_valid(outcome, str(form.get("valid") or ""))
    metric = model_picture.metric_of(str(form.get("picture") or ""))
    context = _context(outcome, shown, lang, focus, metric, pinned(items, action, draft))
    if request.headers.get("hx-request") != "true":
        url = _no_js_url(request, context, form)
        # A URL too long for a proxy's header buffer (app/url_headers.py): the page itself.
        if len(url.encode()) > MAX_URL_HEADER_BYTES:
            return _page(lang, context, remember_lang=False)
        return RedirectResponse(url, status_code=303)
    context["structural"] = bool(action)
    response = HTMLResponse(_render(lang, "fragments/update.html", context))
    response.headers["HX-Push-Url"] = model_url(context)
    if outcome.errors:
        # Keep the last valid results on screen: only the out-of-band regions are swapped.
        response.headers["HX-Reswap"] = "none"
    else:
        # The what-if chart follows in its own request, once the results are on screen.
        response.headers["HX-Trigger-After-Settle"] = "refresh-whatif"
    return response


def _posted_model(request: Request, form: FormData) -> tuple[Outcome, str]:
    """The editor's model that a folded part's request posts, and the language to write in."""
    items = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    lang = _lang(request, str(form.get("lang") or "") or None)
    return evaluate(editor.draft_from_fields(items) or editor.seed_draft()), lang


def _nothing_to_swap() -> HTMLResponse:
    """A folded part with nothing to show (an invalid model, no such layer): it stays as is."""
    return HTMLResponse("", headers={"HX-Reswap": "none"})


@router.post("/gate-figure", response_class=HTMLResponse, include_in_schema=False)
async def gate_figure(request: Request, index: int = 0) -> HTMLResponse:
    """One layer's gate diagrams, drawn when its folded figure is first opened."""
    return await run_in_threadpool(_gate_figure, request, await read_form(request), index)


def _gate_figure(request: Request, form: FormData, index: int) -> HTMLResponse:
    outcome, lang = _posted_model(request, form)
    view = next((v for v in outcome.views_shown if v.index == index), None)
    if view is None:
        # An invalid model, or no such ConvLSTM layer: the link stays, nothing is swapped.
        return _nothing_to_swap()
    context = {**_context(outcome, outcome, lang), "view": view}
    return HTMLResponse(_render(lang, "partials/gate_figure.html", context))


@router.post("/cost-rule", response_class=HTMLResponse, include_in_schema=False)
async def cost_rule(request: Request, index: int = 0) -> HTMLResponse:
    """How one layer's costs are counted, written out when its folded panel is first opened."""
    return await run_in_threadpool(_cost_rule, request, await read_form(request), index)


def _cost_rule(request: Request, form: FormData, index: int) -> HTMLResponse:
    outcome, lang = _posted_model(request, form)
    layers = outcome.summary.layers if outcome.summary else ()
    costs = layers[index].costs if 0 <= index < min(len(layers), MAX_COST_RULES) else None
    if costs is None:
        # An invalid model, or no such layer: the button stays, nothing is swapped.
        return _nothing_to_swap()
    context = {**_context(outcome, outcome, lang), "k": costs}
    return HTMLResponse(_render(lang, "partials/cost_rule.html", context))


@router.post("/picture-table", response_class=HTMLResponse, include_in_schema=False)
async def picture_table(request: Request) -> HTMLResponse:
    """The model picture as a table, written out when its folded panel is first opened."""
    return await run_in_threadpool(_picture_table, request, await read_form(request))


def _picture_table(request: Request, form: FormData) -> HTMLResponse:
    outcome, lang = _posted_model(request, form)
    picture = outcome.picture(model_picture.metric_of(str(form.get("picture") or "")))
    if picture is None:
        # An invalid model, or one too big to draw: the button stays, nothing is swapped.
        return _nothing_to_swap()
    context = {"picture": picture, "rows_of": model_picture.rows_of}
    return HTMLResponse(_render(lang, "partials/picture_table.html", context))


@router.get("/gallery-list", response_class=HTMLResponse, include_in_schema=False)
def gallery_list(request: Request) -> HTMLResponse:
    """The gallery's entries, fetched when it is first opened (the same for every model)."""
    lang = _lang(request)
    context = {"gallery": gallery.gallery(), "lang": lang}
    response = HTMLResponse(_render(lang, "partials/gallery_list.html", context))
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response
