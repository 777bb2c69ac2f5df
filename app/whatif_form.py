"""The what-if form: its fields as typed, and the chart they ask for (or why there is none).

Shared by the full page (the chart for the default form, server-rendered) and `POST /whatif`.
The numbers come from the same `app.core.sweep.sweep` as `POST /sweep`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError

from app import json_guard
from app.core.errors import SpecError
from app.core.sweep import sweep
from app.form_numbers import whole_number
from app.schema import SummaryRequest, SweepRequest
from app.whatif_view import WhatIfView, whatif_view


@dataclass(frozen=True)
class WhatIf:
    """The what-if form as typed, and its chart or the reason there is none."""

    argument: str = "filters"
    layer: str = "0"
    values: str = ""
    budget_mb: str = ""
    fit: str = "filters"
    view: WhatIfView | None = None
    error: str = ""


def _form(fields: Mapping[str, str]) -> WhatIf:
    return WhatIf(
        argument=fields.get("sweep.argument", "filters"),
        layer=fields.get("sweep.layer", "0"),
        values=fields.get("sweep.values", ""),
        budget_mb=fields.get("sweep.budget_mb", ""),
        fit=fields.get("sweep.fit", "filters"),
    )


def _body(form: WhatIf, model: SummaryRequest) -> dict[str, Any]:
    body: dict[str, Any] = {"model": model, "argument": form.argument, "fit": form.fit}
    layer = whole_number(form.layer.strip())
    body["layer"] = form.layer if layer is None else layer
    values = [v for v in re.split(r"[\s,;]+", form.values.strip()) if v]
    if values:
        numbers = [whole_number(v) for v in values]
        body["values"] = [v if n is None else n for v, n in zip(values, numbers, strict=True)]
    if form.budget_mb.strip():
        try:
            body["budget_mb"] = float(form.budget_mb)
        except ValueError:
            body["budget_mb"] = form.budget_mb
    return body


def evaluate(fields: Mapping[str, str], model: SummaryRequest | None) -> WhatIf:
    """The chart for the form, or a message naming the field; never an exception."""
    form = _form(fields)
    if model is None:
        return replace(form, error="fix the model first")
    try:
        body = _body(form, model)
        json_guard.check({**body, "model": None})  # the model was checked as the page's
        view = whatif_view(sweep(SweepRequest.model_validate(body)))
    except json_guard.JSONProblem as problem:
        where = ".".join(str(p) for p in problem.loc)
        return replace(form, error=f"{where}: {problem.msg}")
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return replace(form, error=f"{where}: {str(first['msg']).removeprefix('Value error, ')}")
    except SpecError as error:
        return replace(form, error=f"{'.'.join(map(str, error.loc))}: {error.msg}")
    return replace(form, view=view)
