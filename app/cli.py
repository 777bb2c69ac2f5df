"""`convlstm-explorer`: the summary of a model file on the command line.

    convlstm-explorer summary model.json              # Keras-style table
    convlstm-explorer summary --format md model.json  # json | csv | md | keras-code | pytorch-code
    python -c 'print(model.to_json())' | convlstm-explorer summary -

FILE is our spec (`{"input_shape": ..., "layers": [...]}`) or what Keras's `model.to_json()`
writes; which one is detected from its keys. Invalid input exits with status 2 and one line on
stderr that says where and why, like argparse's own usage errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from app.core.errors import SpecError
from app.core.model import summarize
from app.errors import user_errors
from app.interop.formats import FORMATS
from app.interop.keras_import import import_keras, looks_like_keras, parse_model_json
from app.schema import LAYER_SPECS, SummaryRequest

# The CLI's `--format` names; the Keras-style table is the default.
CLI_FORMATS = {
    "table": "text",
    "json": "json",
    "csv": "csv",
    "md": "md",
    "keras-code": "keras-code",
    "pytorch-code": "pytorch-code",
}
INVALID_INPUT = 2


class InputError(Exception):
    """Input the tool cannot summarize; the message is the one line the user sees."""


def _where(loc: Sequence[Any]) -> str:
    return ".".join(str(p) for p in loc if not (isinstance(p, str) and p in LAYER_SPECS))


def load_request(text: str) -> SummaryRequest:
    """Our spec from a file's text: a Keras model JSON is imported, our spec is validated."""
    try:
        data = parse_model_json(text)
        if looks_like_keras(data):
            return import_keras(data)
        return SummaryRequest.model_validate(data)
    except SpecError as error:
        where = _where(error.loc)
        raise InputError(f"{where}: {error.msg}" if where else error.msg) from None
    except ValidationError as error:
        # The API's plain-words messages ("did you mean 'filters'?"); an unknown argument
        # explains a missing one, so it goes first.
        errors = user_errors([{**e, "loc": ("body", *e["loc"])} for e in error.errors()], data)
        errors.sort(key=lambda e: e["type"] != "extra_forbidden")
        more = len(errors) - 1
        suffix = f" (and {more} more error{'s' if more > 1 else ''})" if more else ""
        raise InputError(f"{_where(errors[0]['loc'][1:])}: {errors[0]['msg']}{suffix}") from None


def render(request: SummaryRequest, format_name: str) -> str:
    try:
        summary = summarize(request)
    except SpecError as error:
        raise InputError(f"{_where(error.loc)}: {error.msg}") from None
    except KeyError as error:  # a layer type the schema knows but the core cannot analyse yet
        raise InputError(f"layer type {error} has no cost analysis yet") from None
    try:
        return FORMATS[CLI_FORMATS[format_name]].render(request, summary)
    except SpecError as error:  # a layer the format cannot express (PyTorch code)
        raise InputError(f"{_where(error.loc)}: {error.msg}") from None


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text") from None


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="convlstm-explorer",
        description="Keras-exact parameters and shapes of ConvLSTM models.",
    )
    commands = root.add_subparsers(dest="command", required=True)
    summary = commands.add_parser(
        "summary",
        help="print the summary of a model",
        description="Print the summary of our spec or of a Keras model.to_json() file.",
    )
    summary.add_argument("file", metavar="FILE", help="model JSON file; '-' reads stdin")
    summary.add_argument(
        "--format",
        "-f",
        choices=list(CLI_FORMATS),
        default="table",
        help="table (Keras's model.summary(), the default), json, csv, md, keras-code or "
        "pytorch-code",
    )
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        output = render(load_request(_read(args.file)), args.format)
    except InputError as error:
        message = " ".join(str(error).split())  # one line, whatever the message holds
        print(f"convlstm-explorer: error: {message}", file=sys.stderr)
        return INVALID_INPUT
    sys.stdout.write(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
