"""The PyTorch export as text, without torch: it always compiles, and it refuses (a 422,
`SpecError`) rather than crash, whatever valid or broken model it is given."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from app.core.errors import SpecError
from app.core.model import summarize
from app.interop.pytorch_code import pytorch_code
from app.schema import SummaryRequest
from tests.graph_strategies import graph_requests
from tests.strategies import invalid_requests, valid_requests


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(valid_requests(), invalid_requests(), graph_requests()))
def test_the_export_compiles_or_is_refused_with_a_reason(body):
    try:
        request = SummaryRequest.model_validate(body)
        summary = summarize(request)
    except (SpecError, ValidationError):
        return
    try:
        source = pytorch_code(request, summary)
    except SpecError as error:
        assert "PyTorch" in error.msg
        assert error.loc[:1] == ("layers",)
        return
    compile(source, "model_torch.py", "exec")


def test_hostile_names_stay_inside_string_literals_and_identifiers():
    name = 'x"""\nimport os; os.system("echo pwned")\n"""'
    body = {
        "name": name,
        "inputs": [{"name": 'in"""put', "shape": [3, 4]}],
        "layers": [{"type": "Dense", "units": 2, "name": "a\\nb'\"c"}],
    }
    source = pytorch_code(SummaryRequest.model_validate(body))
    compile(source, "model_torch.py", "exec")
    assert "\nimport os" not in source
