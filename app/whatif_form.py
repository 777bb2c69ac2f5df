"""The what-if form: its fields as typed, and the chart they ask for (or why there is none).

Shared by the full page (the chart for the default form, server-rendered) and `POST /whatif`.
The numbers come from the same `app.core.sweep.sweep` as `POST /sweep`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError

from app import json_guard
from app.core.errors import SpecError
from app.core.sweep import sweep
from app.core.translation import gettext as _
from app.error_words import localized
from app.errors import user_errors
from app.form_numbers import whole_number
from app.schema import MAX_SWEEP_POINTS, SummaryRequest, SweepRequest
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


_RANGE = re.compile(r"^(\d{1,9})(?:-(\d{1,9})|:(\d{1,9})(?::(\d{1,9}))?)$")


class RangeProblem(ValueError):
    """A range in `values` that cannot be swept (backwards, a zero step, too many values)."""


def expand(token: str) -> list[int | str]:
    """One entry of the values field: `16` → [16]; `16-128` → 16, 32, 64, 128 (doubling, the
    end included); `16:128:16` → 16, 32, …, 128 (that step); `16:20` → 16, 17, …, 20. Anything
    else is passed on as typed, for validation to name."""
    match = _RANGE.match(token)
    if match is None:
        number = whole_number(token)
        return [token if number is None else number]
    start, doubling_end, end, step = match.groups()
    first, last = int(start), int(doubling_end or end)
    if last < first:
        raise RangeProblem(_("{range}: the range ends below its start").format(range=token))
    if first == 0:
        raise RangeProblem(_("{range}: values start at 1").format(range=token))
    if doubling_end:
        values = [first * 2**k for k in range(int(math.log2(last / first)) + 1)]
        values += [] if values[-1] == last else [last]
    else:
        stride = int(step or 1)
        if stride == 0:
            raise RangeProblem(_("{range}: the step is 0").format(range=token))
        if (last - first) // stride + 1 > MAX_SWEEP_POINTS:
            raise RangeProblem(
                _("{range} gives {count} values; at most {most}").format(
                    range=token, count=(last - first) // stride + 1, most=MAX_SWEEP_POINTS
                )
            )
        values = list(range(first, last + 1, stride))
    return list(values)


def _values(text: str) -> list[int | str]:
    """The values field: numbers and ranges separated by commas, spaces or `;`, each once, in
    the order given."""
    found: list[int | str] = []
    for token in (t for t in re.split(r"[\s,;]+", text.strip()) if t):
        found += [v for v in expand(token) if v not in found]
    return found


def _body(form: WhatIf, model: SummaryRequest) -> dict[str, Any]:
    body: dict[str, Any] = {"model": model, "argument": form.argument, "fit": form.fit}
    layer = whole_number(form.layer.strip())
    body["layer"] = form.layer if layer is None else layer
    values = _values(form.values)
    if values:
        body["values"] = values
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
        return replace(form, error=_("fix the model first"))
    try:
        body = _body(form, model)
        json_guard.check({**body, "model": None})  # the model was checked as the page's
        view = whatif_view(sweep(SweepRequest.model_validate(body)))
    except json_guard.JSONProblem as problem:
        where = ".".join(str(p) for p in problem.loc)
        return replace(form, error=f"{where}: {problem.msg}")
    except ValidationError as error:
        # Said as `POST /sweep`'s 422 would say it, in the page's language.
        first = user_errors([dict(e) for e in error.errors()], body)[0]
        where = ".".join(str(p) for p in first["loc"])
        return replace(form, error=f"{where}: {localized(first['msg'], _)}")
    except RangeProblem as problem:
        return replace(form, error=f"values: {problem}")
    except SpecError as error:
        return replace(form, error=f"{'.'.join(map(str, error.loc))}: {error.msg}")
    return replace(form, view=view)
