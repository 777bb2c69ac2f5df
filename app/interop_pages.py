"""HTML routes for interop on the page: load a Keras model JSON into the editor; downloads.

`POST /import` takes the page's import form (pasted text or an uploaded file). A model the
editor can show becomes a redirect to its page URL, so the editor loads it and the browser's
history has it; anything else re-renders the page with the error beside the pasted text and the
model being edited untouched (no edit is lost). `GET /download/<format>?<page query>` is a plain
link (it works without JavaScript) that exports the model the page URL describes.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from app import compare, editor, pages
from app.core.errors import SpecError
from app.core.model import summarize
from app.core.translation import gettext as _
from app.interop.formats import FORMATS
from app.interop.keras_import import compact, import_keras

router = APIRouter(include_in_schema=False)
MAX_IMPORT_BYTES = 2_000_000


class PageImportError(Exception):
    """What the page shows under the import box."""


def _draft_for(text: str) -> editor.ModelDraft:
    """The editor draft of a Keras model JSON, or why the page cannot show it."""
    try:
        request = import_keras(text)
    except SpecError as error:
        where = ".".join(str(p) for p in error.loc)
        raise PageImportError(f"{where}: {error.msg}" if where else error.msg) from None
    draft = editor.draft_from_body(compact(request))
    shown, _errors = editor.validate(draft)
    # The editor shows arguments as text; if any did not survive that, say so, don't guess.
    if shown is None or summarize(shown) != summarize(request):
        raise PageImportError(
            _(
                "this model has arguments the page's editor cannot show (e.g. a serialized "
                "initializer or regularizer); POST /import/keras or the CLI handle it"
            )
        )
    return draft


async def _import_text(request: Request) -> tuple[str, str]:
    """(text to import, the current page query) from the import form."""
    form = await pages.read_form(request)
    text = str(form.get("keras_json") or "")
    upload = form.get("keras_file")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(MAX_IMPORT_BYTES + 1)
        if len(data) > MAX_IMPORT_BYTES:
            raise PageImportError(
                _("the file is larger than {bytes} bytes").format(bytes=f"{MAX_IMPORT_BYTES:,}")
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise PageImportError(
                _("{file} is not UTF-8 text").format(file=upload.filename)
            ) from None
    if not text.strip():
        raise PageImportError(_("paste a model JSON or choose a file first"))
    return text, str(form.get("query") or "")


@router.post("/import")
async def import_into_editor(request: Request) -> Response:
    try:
        text, query = await _import_text(request)
    except PageImportError as error:
        return await run_in_threadpool(_refused, request, "", "", error)
    # The import, its validation and the page are CPU work: in the thread pool (see `pages`).
    return await run_in_threadpool(_import, request, text, query)


def _import(request: Request, text: str, query: str) -> Response:
    try:
        draft = _draft_for(text)
    except PageImportError as error:
        return _refused(request, text, query, error)
    # The imported model becomes B; a pinned model A stays pinned (README, "Page URLs").
    pair = compare.pinned_fields(pages.query_fields(query))
    kept = [(compare.PREFIX + k, v) for k, v in pair]
    target = "/?" + urlencode([*editor.query_items(draft), *kept], safe=",")
    return RedirectResponse(target, status_code=303)


def _refused(request: Request, text: str, query: str, error: PageImportError) -> Response:
    """The page of the model being edited, with why the import failed beside the text."""
    current = editor.draft_from_fields(pages.query_fields(query)) or editor.seed_draft()
    outcome = pages.evaluate(current)
    lang = pages._lang(request)
    fields = pages.query_fields(query)
    context = pages._context(
        outcome, pages._last_valid(outcome, ""), lang, pinned=pages.pinned(fields)
    )
    context.update(import_error=str(error), import_text=text)
    response = pages._page(lang, context, remember_lang=False)
    response.status_code = 422
    return response


@router.get("/download/{name}")
def download(name: str, request: Request) -> Response:
    """The model of the page URL `/?<query>` in one export format, as a file."""
    export = FORMATS.get(name)
    if export is None:
        return PlainTextResponse(
            _("unknown format '{name}'; use one of {formats}").format(
                name=name, formats=", ".join(FORMATS)
            ),
            status_code=404,
        )
    draft = editor.draft_from_fields(request.query_params.multi_items())
    outcome = pages.evaluate(draft) if draft is not None else None
    if outcome is None or outcome.summary is None or outcome.request is None:
        errors = pages.localized_errors(outcome.errors if outcome else {}, pages._lang(request))
        problems = "; ".join(f"{k}: {v}" for k, v in errors.items())
        return PlainTextResponse(
            _("the model in this link is invalid: {problems}").format(
                problems=problems or _("it has no layers")
            ),
            status_code=422,
        )
    try:
        text = export.render(outcome.request, outcome.summary)
    except SpecError as error:  # a layer this format cannot express (PyTorch code)
        return PlainTextResponse(
            _("cannot export this model: {problem}").format(problem=error.msg), status_code=422
        )
    return Response(
        text,
        media_type=export.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{export.file_name(outcome.summary)}"',
            "Vary": "Accept-Language, Cookie",  # its formulas and headings are in the language
        },
    )
