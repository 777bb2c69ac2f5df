"""The API keeps its OpenAPI contract: schemathesis drives every operation in `/openapi.json`
over real HTTP. No response is a 5xx; every status code, content type and body is documented.

Bounded and repeatable: a fixed number of examples per operation, derandomized.
The operations come from the app's own OpenAPI document (so every route anyone adds is covered);
the requests go to the session's live uvicorn. (Loading the schema from the live server through
`schemathesis.pytest.from_fixture` breaks on pytest 9: it reads `request.node._nodeid`.)
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from app.main import create_app

EXAMPLES_PER_OPERATION = 50


# The coverage phase enumerates boundary cases for every field of every layer type while pytest
# collects: minutes for our schema. Negative fuzzing (wrong types, `false` for a number, ...)
# and the documented examples keep the contract honest within seconds.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "generation": {
            "mode": "all",
            "max-examples": EXAMPLES_PER_OPERATION,
            "deterministic": True,
        },
    }
)
# A schema-valid model can still be one Keras refuses (a kernel larger than its input, layers
# that do not fit together): JSON Schema cannot express that, and the API answers 422 for it.
SEMANTIC_ONLY = schemathesis.checks.positive_data_acceptance
schema = schemathesis.openapi.from_dict(create_app().openapi(), config=CONFIG)


@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_documented_contract(case, live_server):
    case.call_and_validate(base_url=live_server, excluded_checks=[SEMANTIC_ONLY])
