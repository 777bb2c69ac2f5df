"""`convlstm-explorer summary` through a subprocess, as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_interop_http import KERAS_JSON

from app.schema import SEED_MODEL

SCRIPT = shutil.which("convlstm-explorer", path=str(Path(sys.executable).parent))


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The installed console script (falling back to `python -m app.cli` if not installed)."""
    command = [SCRIPT] if SCRIPT else [sys.executable, "-m", "app.cli"]
    return subprocess.run(
        [*command, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(SEED_MODEL))
    return path


def test_the_console_script_is_installed():
    assert SCRIPT is not None, "pip install -e . installs convlstm-explorer"


def test_summary_prints_the_keras_style_table_by_default(spec_file):
    result = run("summary", str(spec_file))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == 'Model: "sequential"'
    assert "┃ Layer (type)" in lines[2]
    assert " Total params: 745,680 (2.84 MB)" in lines


def test_summary_reads_stdin_with_a_dash():
    result = run("summary", "-", stdin=json.dumps(SEED_MODEL))
    assert result.returncode == 0
    assert " Total params: 745,680 (2.84 MB)" in result.stdout.splitlines()


def test_a_keras_model_json_is_detected_and_imported(tmp_path):
    path = tmp_path / "keras.json"
    path.write_text(json.dumps(KERAS_JSON))
    result = run("summary", str(path))
    assert result.returncode == 0, result.stderr
    assert "encoder (ConvLSTM2D)" in result.stdout


@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        ("json", lambda out: json.loads(out)["total_params"] == 745680),
        ("csv", lambda out: list(csv.reader(io.StringIO(out)))[-1][3] == "745680"),
        ("md", lambda out: "| conv\\_lstm2d | ConvLSTM2D |" in out),
        ("keras-code", lambda out: compile(out, "model.py", "exec") is not None),
        (
            "pytorch-code",
            lambda out: (
                "class Model(nn.Module):" in out
                and compile(out, "model_torch.py", "exec") is not None
            ),
        ),
    ],
)
def test_each_format_is_printed(spec_file, fmt, check):
    result = run("summary", "--format", fmt, str(spec_file))
    assert result.returncode == 0, result.stderr
    assert check(result.stdout)


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("{", "not valid JSON"),
        (
            '{"input_shape": [4, 3], "layers": [{"type": "Dense", "unit": 3}]}',
            "layers.0.unit: Dense has no argument 'unit'; did you mean 'units'?",
        ),
        (
            '{"input_shape": [4, 4, 3], "layers": [{"type": "Conv2D", "filters": 2, '
            '"kernel_size": 9}]}',
            "layers.0.kernel_size: kernel 9×9 does not fit",
        ),
        (
            '{"class_name": "Sequential", "config": {"layers": [{"class_name": "InputLayer", '
            '"config": {"batch_shape": [null, 3]}}, {"class_name": "GaussianNoise", "config": '
            '{"name": "rnn"}}]}}',
            "config.layers.1.class_name: layer 'rnn' (GaussianNoise)",
        ),
    ],
)
def test_invalid_input_exits_2_with_one_line_on_stderr(stdin, message):
    result = run("summary", "-", stdin=stdin)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("convlstm-explorer: error: ")
    assert message in result.stderr


def test_a_missing_file_exits_2(tmp_path):
    result = run("summary", str(tmp_path / "absent.json"))
    assert result.returncode == 2
    assert "cannot read" in result.stderr and result.stderr.count("\n") == 1


def test_an_unknown_format_is_a_usage_error():
    result = run("summary", "--format", "xml", "-", stdin="{}")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_pytorch_code_of_an_untranslatable_layer_exits_2_naming_it(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(
        json.dumps(
            {"input_shape": [4, 3], "layers": [{"type": "BatchNormalization", "renorm": True}]}
        )
    )
    result = run("summary", "--format", "pytorch-code", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith(
        "convlstm-explorer: error: layers.0.renorm: "
        "BatchNormalization cannot be written as PyTorch code"
    )
