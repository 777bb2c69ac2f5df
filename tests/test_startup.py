"""What the app does once, when the server starts it (its lifespan)."""

from __future__ import annotations

import gc

from starlette.testclient import TestClient

from app.main import create_app


def test_startup_freezes_the_objects_that_live_as_long_as_the_process():
    gc.unfreeze()
    with TestClient(create_app()) as client:
        assert gc.get_freeze_count() > 0
        assert client.get("/healthz").status_code == 200
