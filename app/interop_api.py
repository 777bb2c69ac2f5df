"""Interop routes: `POST /import/keras` and one `POST /export/<format>` route per format."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse, Response

from app.core.model import summarize
from app.interop.formats import FORMATS, ExportFormat
from app.interop.keras_import import compact, import_keras
from app.json_route import JSONBodyRoute
from app.language_middleware import lang_parameter
from app.schema import SummaryRequest

router = APIRouter()

_INVALID: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "The input is invalid or unsupported: `detail[].loc` locates the "
        "offending layer and field, `detail[].msg` names the layer and says why.",
    },
}

KerasModelJSON = Annotated[
    Any,  # an object or a string; `import_keras` says what is wrong with anything else
    Body(
        description="What Keras's `model.to_json()` returns: the JSON string, or the object.",
        examples=[
            {
                "class_name": "Sequential",
                "config": {
                    "name": "sequential",
                    "layers": [
                        {
                            "class_name": "InputLayer",
                            "config": {"batch_shape": [None, 15, 40, 40, 3]},
                        },
                        {
                            "class_name": "ConvLSTM2D",
                            "config": {
                                "name": "conv_lstm2d",
                                "filters": 30,
                                "kernel_size": [3, 3],
                                "padding": "same",
                            },
                        },
                    ],
                },
            }
        ],
    ),
]


def import_keras_model(model: KerasModelJSON) -> JSONResponse:
    """A Keras `Sequential` or single-chain `Functional` model as our spec, names kept."""
    return JSONResponse(compact(import_keras(model)))


router.add_api_route(
    "/import/keras",
    import_keras_model,
    methods=["POST"],
    route_class_override=JSONBodyRoute,
    tags=["interop"],
    responses={
        200: {
            "model": SummaryRequest,
            "description": "Our spec, ready for "
            "`POST /summary`; arguments at their defaults are left out.",
        },
        **_INVALID,
    },
    openapi_extra=lang_parameter(),
)


def _export_route(export: ExportFormat) -> None:
    def export_summary(request: SummaryRequest) -> Response:
        summary = summarize(request)
        name = export.file_name(summary)
        return Response(
            export.render(request, summary),
            media_type=export.media_type,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    named = export.filename.format(name="<model name>")
    export_summary.__doc__ = f"{export.title}, as a download named `{named}`."
    router.add_api_route(
        f"/export/{export.name}",
        export_summary,
        methods=["POST"],
        tags=["interop"],
        name=f"export_{export.name.replace('-', '_')}",
        summary=f"Export: {export.title}",
        response_class=Response,
        route_class_override=JSONBodyRoute,
        responses={200: {"content": {export.media_type.split(";")[0]: {}}}, **_INVALID},
        openapi_extra=lang_parameter(),
    )


for _format in FORMATS.values():
    _export_route(_format)
