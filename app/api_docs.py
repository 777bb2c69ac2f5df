"""`GET /docs`: Swagger UI for the OpenAPI contract, served from our origin."""

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter()

_PAGE = (Path(__file__).resolve().parent.parent / "templates" / "api_docs.html").read_text()


@router.get("/docs", include_in_schema=False)
def api_docs() -> HTMLResponse:
    return HTMLResponse(_PAGE)
