"""`POST /summary` and `GET /healthz` over real HTTP against a running uvicorn."""

from app.schema import SEED_MODEL


def test_healthz_says_ok(http):
    response = http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_seed_model_gives_the_blog_posts_totals(http):
    body = http.post("/summary", json=SEED_MODEL).json()
    assert [layer["params"] for layer in body["layers"]] == [35760, 144200, 237840, 327880]
    assert body["total_params"] == 745680


def test_seed_model_first_layer_formula_shows_the_arithmetic(http):
    layer = http.post("/summary", json=SEED_MODEL).json()["layers"][0]
    assert layer["formula"] == "4 × (3·3·3·30 + 3·3·30·30 + 30) = 4 × 8,940 = 35,760"
