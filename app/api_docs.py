"""`GET /docs`: Swagger UI for the OpenAPI contract, served from our origin."""

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.static_files import static_url

router = APIRouter()

_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# English only, no catalog: a plain environment whose one helper is the assets' fingerprinted URLs.
_ENV = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(["html"]))
_ENV.globals["static_url"] = static_url


@router.get("/docs", include_in_schema=False)
def api_docs() -> HTMLResponse:
    return HTMLResponse(_ENV.get_template("api_docs.html").render())
