"""`GET /picture.svg?<page query>`: the model picture as a file, as the page draws it.

A plain link (no JavaScript): the page URL's model, `picture=macs` for MAC bars, `lang=zh` for
Chinese labels. Every layer call is drawn, however many (the page stops at MAX_PAGE_BOXES).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from app import editor, i18n, model_picture, pages
from app.interop.formats import file_stem

router = APIRouter(include_in_schema=False)


@router.get("/picture.svg")
def picture_svg(request: Request) -> Response:
    """The picture of the model in the query string, as a standalone SVG download."""
    params = request.query_params
    draft = editor.draft_from_fields(params.multi_items())
    outcome = pages.evaluate(draft) if draft is not None else None
    if outcome is None or outcome.summary is None or outcome.request is None:
        problems = "; ".join(f"{k}: {v}" for k, v in (outcome.errors if outcome else {}).items())
        return PlainTextResponse(
            f"the model in this link is invalid: {problems or 'it has no layers'}",
            status_code=422,
        )
    metric = model_picture.metric_of(params.get("picture"))
    picture = model_picture.picture(outcome.summary, outcome.request, metric)
    lang = pages._lang(request)
    svg = (
        i18n.environment(lang)
        .get_template("partials/model_picture.svg")
        .render(picture=picture, standalone=True)
    )
    stem = file_stem(outcome.summary)
    return Response(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + svg,
        media_type="image/svg+xml",
        headers={"Content-Disposition": f'attachment; filename="{stem}-{metric}.svg"'},
    )
