"""The "More arguments" of a big model's later layer cards, rendered when opened.

A ConvLSTM3D card has 12 primary controls and 24 more; on a 1,024-layer page the 24 were two
thirds of 17 MB of HTML and of the seconds of CPU it took (issue 14). Past the first
`FULL_CARDS` cards (and for any card with an error among them), the page carries those values
as hidden inputs, so an edit keeps them, and htmx asks `GET /more-arguments` for the controls
when the card's "More arguments" is opened. Without JavaScript they are kept, not editable.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app import editor, i18n
from app.editor import LayerDraft, ModelDraft

router = APIRouter()
# As many cards as the page shows per-gate diagrams for: what people scroll through.
FULL_CARDS = 32


def more_errors(draft: ModelDraft, errors: Mapping[str, str]) -> frozenset[int]:
    """The layers with an error in one of their "More arguments": those cards are full."""
    found = set()
    for key in errors:
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "layers" and parts[1].isdigit():
            index = int(parts[1])
            if index < len(draft.layers) and _is_more(draft.layers[index].type, parts[2]):
                found.add(index)
    return frozenset(found)


def _is_more(layer_type: str, name: str) -> bool:
    return any(c.name == name and not c.primary for c in editor.controls(layer_type))


def _layer(request: Request, index: int) -> LayerDraft:
    """The card's layer as its fields (`layers.N.*`) give it."""
    prefix = f"layers.{index}."
    values = {
        key.removeprefix(prefix): value
        for key, value in request.query_params.multi_items()
        if key.startswith(prefix)
    }
    return LayerDraft(type=values.pop("type", ""), values=values)


@router.get("/more-arguments", response_class=HTMLResponse, include_in_schema=False)
def more_arguments(request: Request, index: int = 0) -> HTMLResponse:
    """One card's "More arguments" controls, with the values its hidden inputs carried."""
    lang = i18n.choose(
        request.query_params.get("lang"),
        request.cookies.get(i18n.COOKIE),
        request.headers.get("accept-language", ""),
    )
    layer = _layer(request, index)
    context = {
        "layer": layer,
        "prefix": f"layers.{index}",
        "all": editor.controls(layer.type) if layer.type in editor.editable_types() else (),
        "errors": {},
        "focus": "",
        "fid": lambda key: key.replace(".", "-") or "form",
        "is_on": editor.is_on,
        "lang": lang,
    }
    template = i18n.environment(lang).get_template("partials/more_fields.html")
    response = HTMLResponse(template.render(context))
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response
