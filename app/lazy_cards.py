"""A big model's later layer cards: folded, their controls rendered when opened.

A ConvLSTM3D card has 36 controls (12 primary, 24 "More arguments"); 1,024 of them were 17 MB
of HTML and most of the seconds of CPU the page took (issue 14). Past the first `FULL_CARDS`
cards, a card carries the values typed into it as hidden inputs (an edit keeps them), lists
its fields' errors, and htmx asks `GET /layer-controls` for its controls when it is opened.
Without JavaScript its "Show these arguments" button brings the page back with that card whole
(`?card=N`, focused).
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app import editor, i18n
from app.editor import LayerDraft

router = APIRouter()
# A full card is about 6 KB: with 32 of them a 20-layer page was 285 KB of HTML, over issue
# 12's 250 KB; with 12, about 230 KB. A folded card shows its arguments in one line.
FULL_CARDS = 12


def field_errors(errors: Mapping[str, str]) -> dict[int, list[tuple[str, str]]]:
    """Each layer's field errors, `(field, message)`, for the folded cards to list (grouped
    once: each card searching every error made a page of 1,024 invalid layers quadratic)."""
    grouped: dict[int, list[tuple[str, str]]] = {}
    for key, message in errors.items():
        parts = key.split(".", 2)
        if len(parts) == 3 and parts[0] == "layers" and parts[1].isdigit():
            grouped.setdefault(int(parts[1]), []).append((parts[2], message))
    return grouped


def _layer(request: Request, index: int) -> LayerDraft:
    """The card's layer as its fields (`layers.N.*`) give it."""
    prefix = f"layers.{index}."
    values = {
        key.removeprefix(prefix): value
        for key, value in request.query_params.multi_items()
        if key.startswith(prefix)
    }
    return LayerDraft(type=values.pop("type", ""), values=values)


@router.get("/layer-controls", response_class=HTMLResponse, include_in_schema=False)
def layer_controls(request: Request, index: int = 0, part: str = "") -> HTMLResponse:
    """One card's controls, with the values its hidden inputs carried; `part=more`: only its
    "More arguments" (a card draws those when they are first opened)."""
    lang = i18n.choose(
        request.query_params.get("lang"),
        request.cookies.get(i18n.COOKIE),
        request.headers.get("accept-language", ""),
    )
    layer = _layer(request, index)
    context = {
        "layer": layer,
        "prefix": f"layers.{index}",
        "index": index,
        "all": editor.controls(layer.type) if layer.type in editor.editable_types() else (),
        "errors": {},
        "focus": "",
        "fid": lambda key: key.replace(".", "-") or "form",
        "is_on": editor.is_on,
        "lang": lang,
        "part": part,
        "open_more": frozenset(),
    }
    template = i18n.environment(lang).get_template("partials/layer_controls.html")
    response = HTMLResponse(template.render(context))
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response
