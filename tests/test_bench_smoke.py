"""The benchmark scripts run and print their tables (with tiny durations; times are not judged)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
needs_wrk = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")


def run(script: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def tables(output: str) -> list[str]:
    return [line.removeprefix("### ") for line in output.splitlines() if line.startswith("### ")]


def test_core_speed_prints_its_figures_and_the_ratio_to_the_targets():
    output = run("core_speed.py", "--seconds", "0.01")
    assert len(tables(output)) == 2
    assert "| 1,000 ConvLSTM2D layers" in output
    assert "time(1,000) / time(250)" in output


@needs_wrk
def test_api_load_prints_healthz_and_summary_side_by_side():
    output = run("api_load.py", "--duration", "1", "--connections", "4", "--workers", "1")
    assert len(tables(output)) == 2
    assert "GET /healthz" in output and "POST /summary (seed)" in output
    assert "/summary ÷ /healthz req/s" in output


def test_keras_vs_api_prints_both_ways_and_their_ratio():
    output = run("keras_vs_api.py", "--repeats", "1", "--requests", "2")
    assert "Keras 3 (numpy backend)" in output
    assert "ratio Keras ÷ API" in output


@needs_wrk
def test_soak_prints_errors_and_memory_growth():
    output = run("soak.py", "--duration", "1", "--connections", "4", "--workers", "1")
    assert "errors (socket + non-2xx)" in output
    assert "RSS growth" in output


@needs_wrk
def test_api_stages_prints_every_stage_against_healthz():
    output = run("api_stages.py", "--duration", "1", "--connections", "4", "--rounds", "1")
    assert len(tables(output)) == 1
    for stage in (
        "GET /healthz",
        "read the body",
        "+ validate",
        "+ summarize",
        "POST /summary",
        "reference: spin 100 µs",
    ):
        assert f"| {stage}" in output


def test_worst_cases_prints_healthz_under_load_and_the_cpu_of_each_request():
    output = run("worst_cases.py", "--layers", "16")
    assert tables(output)[0].startswith("GET /healthz on one worker while 4 worst cases")
    assert "| POST /, only a type on every layer" in output
    assert len(tables(output)) == 2


@needs_wrk
@pytest.mark.skipif(
    shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
    reason="nginx is not installed",
)
def test_scale_out_prints_capacity_and_open_loop_latency_direct_and_through_the_proxy():
    output = run(
        "scale_out.py",
        "--workers",
        "1",
        "--capacity-seconds",
        "1",
        "--seconds",
        "1",
        "--repeats",
        "2",
    )
    assert len(tables(output)) == 2
    assert "| 1 worker, direct" in output and "| 1 worker, through nginx" in output
    assert "p99.9" in output


@needs_wrk
def test_compact_answer_prints_both_answers_side_by_side():
    output = run("compact_answer.py", "--seconds", "1", "--connections", "2", "--repeats", "1")
    assert len(tables(output)) == 2
    assert "| texts=false" in output and "| full" in output


def test_gc_pauses_prints_each_generation_with_and_without_frozen_startup_objects():
    output = run("gc_pauses.py", "--requests", "20")
    assert len(tables(output)) == 1
    assert "| collected" in output and "| frozen" in output
