"""Mutation testing of the cost formulas: does some test fail when a formula is wrong?

    .venv/bin/python bench/mutate.py [--jobs 2] [--only NAME ...] [--list] [--check]

Each mutation below is one deliberate mistake in `app/core` (a factor left out, an operator
swapped, a unit off by 1,000). One at a time, the script writes it into a private copy of the
project (the checkout itself is never changed), runs a fast subset of the tests there (the cost
tests and the torch differential tests; not the Keras-heavy parity suites) with a fixed
hypothesis seed, and records whether a test failed (killed) or all passed (survived). It prints
one row per mutation, the survivors and the survival rate, and exits 1 when a mutation marked
`required` survives. The unmutated copy must pass first.

`--check` only verifies that every mutation still applies (its text occurs exactly once in its
file): `tests/test_mutations_apply.py` runs it, so a refactoring of `app/core` that moves a
formula also updates the mutation that targets it. Not a test itself: it takes minutes.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from queue import Queue

ROOT = Path(__file__).resolve().parent.parent

# Fast first, so that `-x` stops early on most mutations.
TESTS = (
    "tests/test_cost_reports_derived.py",
    "tests/test_costs.py",
    "tests/test_torch_flops_families.py",
    "tests/test_torch_flops.py",
)
COPIED = ("app", "tests", "bench", "pyproject.toml")
TIMEOUT_S = 600


@dataclass(frozen=True)
class Mutation:
    """Replace `old` (exactly once in `path`) by `new`."""

    name: str
    path: str
    old: str
    new: str
    required: bool = False  # one of issue 10's six: it must be killed


FAMILY = "app/core/family_costs.py"
MUTATIONS = (
    # Issue 10, section 3: the six mistakes that once left the whole suite green.
    Mutation(
        "conv-transpose-macs-from-output",
        "app/core/conv.py",
        "n_in, k = elements(record.input_shape), prod(spec.kernel_size)",
        "n_in, k = elements(record.output_shape), prod(spec.kernel_size)",
        True,
    ),
    Mutation(
        "conv-macs-ignore-groups",
        "app/core/conv.py",
        "c = _channels(record.input_shape, spec) // spec.groups",
        "c = _channels(record.input_shape, spec)",
        True,
    ),
    Mutation("latency-tflops-as-1e9", "app/core/latency.py", "peak * 1e12", "peak * 1e9", True),
    Mutation(
        "inference-memory-ignores-batch",
        "app/core/memory.py",
        "peak_costs.working_elements * batch_size * b",
        "peak_costs.working_elements * b",
        True,
    ),
    Mutation(
        "time-distributed-drops-steps", "app/core/wrappers.py", "steps=steps,", "steps=1,", True
    ),
    Mutation(
        "bidirectional-ave-merge-as-one", "app/core/wrappers.py", '"ave": 2}', '"ave": 1}', True
    ),
    # Totals over steps and the FLOP identity (costs.py).
    Mutation(
        "flops-one-per-mac",
        "app/core/costs.py",
        "flops = 2 * macs + elementwise",
        "flops = macs + elementwise",
    ),
    Mutation(
        "flops-per-step-one-per-mac",
        "app/core/costs.py",
        "flops_per_step = 2 * macs_per_step",
        "flops_per_step = macs_per_step",
    ),
    Mutation(
        "backward-once-the-matrix-work",
        "app/core/costs.py",
        "backward = 2 * 2 * macs",
        "backward = 2 * macs",
    ),
    Mutation(
        "elementwise-not-times-steps",
        "app/core/costs.py",
        "elementwise = elementwise_per_step * steps +",
        "elementwise = elementwise_per_step +",
    ),
    Mutation(
        "saved-not-times-steps",
        "app/core/costs.py",
        "saved = facts.saved * steps + facts.saved_once",
        "saved = facts.saved + facts.saved_once",
    ),
    Mutation(
        "saved-bytes-ignore-batch",
        "app/core/costs.py",
        "bytes=saved * context.batch_size * context.bytes_per_value",
        "bytes=saved * context.bytes_per_value",
    ),
    Mutation(
        "training-without-backward",
        "app/core/costs.py",
        "training = flops + backward",
        "training = flops",
    ),
    # Conv, transposed conv, Dense (family_costs.py).
    Mutation("dense-macs-plus", "app/core/dense.py", "n_in * spec.units, ", "n_in + spec.units, "),
    Mutation(
        "transpose-macs-ignore-filters",
        "app/core/conv.py",
        "n_in * k * spec.filters, ",
        "n_in * k, ",
    ),
    Mutation("conv-macs-ignore-kernel", "app/core/conv.py", "n_out * c * k, ", "n_out * c, "),
    Mutation(
        "bias-never-added",
        FAMILY,
        'bias = n_out if getattr(spec, "use_bias", False) else 0',
        "bias = 0",
    ),
    Mutation(
        "activation-per-input", FAMILY, "act = n_out if _nonlinear", "act = n_in if _nonlinear"
    ),
    Mutation("weighted-saves-no-activation", FAMILY, "saved=n_in + act,", "saved=n_in,"),
    Mutation(
        "lora-merge-free",
        "app/core/family_costs.py",
        'return prod(weights["lora_kernel_a"]) * weights["lora_kernel_b"][-1]',
        "return 0",
    ),
    # Pooling, upsampling, normalisation.
    Mutation(
        "max-pool-window-comparisons",
        "app/core/pooling.py",
        'window - 1,\n        N_("window − 1 comparisons',
        'window,\n        N_("window − 1 comparisons',
    ),
    Mutation(
        "average-pool-no-division",
        "app/core/pooling.py",
        '_elementwise(record, window, N_("window − 1 adds',
        '_elementwise(record, window - 1, N_("window − 1 adds',
    ),
    Mutation(
        "global-max-window-comparisons",
        "app/core/pooling.py",
        'window - 1,\n        N_("cells − 1 comparisons',
        'window,\n        N_("cells − 1 comparisons',
    ),
    Mutation(
        "upsampling-taps-without-minus-one",
        "app/core/pooling.py",
        "2 * taps - 1 if taps > 1",
        "2 * taps if taps > 1",
    ),
    Mutation(
        "normalization-one-op-less",
        "app/core/normalization.py",
        "per = 2 + int(spec.scale)",
        "per = 1 + int(spec.scale)",
    ),
    Mutation(
        "layer-norm-statistics-two",
        "app/core/normalization.py",
        "per, rule = per + 3,",
        "per, rule = per + 2,",
    ),
    Mutation(
        "group-norm-one-op-less",
        "app/core/group_normalization.py",
        "per = 5 + int(spec.scale)",
        "per = 4 + int(spec.scale)",
    ),
    Mutation("bilinear-two-taps", "app/core/pooling.py", '"bilinear": 4,', '"bilinear": 2,'),
    Mutation(
        "global-average-no-division",
        "app/core/pooling.py",
        '_elementwise(record, window, N_("cells − 1 adds',
        '_elementwise(record, window - 1, N_("cells − 1 adds',
    ),
    Mutation("ptflops-without-bias", "app/core/costs.py", "reports=macs + bias,", "reports=macs,"),
    # Wrappers and nesting.
    Mutation(
        "time-distributed-inner-steps-dropped",
        "app/core/wrappers.py",
        "macs=inner.macs * inner.steps,",
        "macs=inner.macs,",
    ),
    Mutation(
        "bidirectional-backward-is-forward",
        "app/core/wrappers.py",
        "macs=forward.macs + backward.macs,",
        "macs=forward.macs + forward.macs,",
    ),
    Mutation("bidirectional-sum-merge-free", "app/core/wrappers.py", '{"sum": 1,', '{"sum": 0,'),
    Mutation(
        "nested-ignores-inner-steps",
        "app/core/nested.py",
        "macs = sum(f.macs * f.steps for f in facts)",
        "macs = sum(f.macs for f in facts)",
    ),
    Mutation(
        "time-distributed-saved-once",
        "app/core/wrappers.py",
        "saved=inner.saved * inner.steps + inner.saved_once,",
        "saved=inner.saved + inner.saved_once,",
    ),
    Mutation(
        "bidirectional-saves-one-direction",
        "app/core/wrappers.py",
        "saved=forward.saved + backward.saved,",
        "saved=forward.saved,",
    ),
    Mutation(
        "bidirectional-working-one-direction",
        "app/core/wrappers.py",
        "working=forward.working + backward.working,",
        "working=forward.working,",
    ),
    Mutation(
        "nested-working-is-sum",
        "app/core/nested.py",
        "working=max(f.working for f in facts)",
        "working=sum(f.working for f in facts)",
    ),
    # Merges.
    Mutation(
        "merge-n-operations", "app/core/merging.py", "per_element = n - 1 +", "per_element = n +"
    ),
    Mutation(
        "merge-saves-output",
        "app/core/merging.py",
        "SubtractSpec, AverageSpec)) else inputs",
        "SubtractSpec, AverageSpec)) else out",
    ),
    # Recurrent layers.
    Mutation(
        "convlstm-no-recurrent-macs",
        "app/core/conv_lstm.py",
        "(k_in * c_used + k_rec * f)",
        "(k_in * c_used)",
    ),
    Mutation(
        "convlstm-recurrent-kernel-is-input-kernel",
        "app/core/conv_lstm.py",
        "+ k_rec * f)",
        "+ k_in * f)",
    ),
    Mutation(
        "convlstm-always-reads-input",
        "app/core/conv_lstm.py",
        "c_used = c if spec.input_to_state else 0",
        "c_used = c",
    ),
    Mutation(
        "convlstm-gate-norms-save-half",
        "app/core/conv_lstm.py",
        "7 * p * f + norm_count * 4 * p * f,",
        "7 * p * f + norm_count * 2 * p * f,",
    ),
    Mutation(
        "convlstm-saves-six-maps",
        "app/core/conv_lstm.py",
        "saved=c_used * p_in + 7 * p * f",
        "saved=c_used * p_in + 6 * p * f",
    ),
    Mutation(
        "convlstm-moves-three-maps",
        "app/core/conv_lstm.py",
        "moved=c_used * p_in + 4 * p * f",
        "moved=c_used * p_in + 3 * p * f",
    ),
    Mutation("convlstm-working-four-maps", "app/core/conv_lstm.py", "+ 6 * p * f,", "+ 4 * p * f,"),
    Mutation(
        "rnn-no-recurrent-macs", "app/core/recurrent.py", "macs=g * u * (d + u)", "macs=g * u * d"
    ),
    Mutation(
        "rnn-saves-units-for-input",
        "app/core/recurrent.py",
        "saved = d + SAVED_PER_UNIT",
        "saved = u + SAVED_PER_UNIT",
    ),
    Mutation("gru-output-three-ops", "app/core/recurrent.py", '"output": 4,', '"output": 3,'),
    Mutation(
        "lstm-cell-update-two-ops",
        "app/core/recurrent.py",
        '"cell update": 3,',
        '"cell update": 2,',
    ),
    Mutation(
        "gru-one-bias",
        "app/core/recurrent.py",
        "(2 * g if _two_biases(spec) else g)",
        "(g if _two_biases(spec) else g)",
    ),
    Mutation(
        "rnn-working-lstm-states",
        "app/core/recurrent.py",
        'WORKING_PER_UNIT = {"SimpleRNN": 1, "LSTM": 6,',
        'WORKING_PER_UNIT = {"SimpleRNN": 1, "LSTM": 4,',
    ),
    Mutation(
        "rnn-moved-lstm-states",
        "app/core/recurrent.py",
        'MOVED_PER_UNIT = {"SimpleRNN": 2, "LSTM": 4,',
        'MOVED_PER_UNIT = {"SimpleRNN": 2, "LSTM": 2,',
    ),
    Mutation(
        "convlstm-pytorch-one-bias",
        "app/core/conv_lstm.py",
        '(8 if convention == "pytorch" else 4)',
        '(4 if convention == "pytorch" else 4)',
    ),
    Mutation(
        "convlstm-peepholes-three-ops",
        "app/core/conv_lstm.py",
        '6 if convention == "peephole" else 0',
        '3 if convention == "peephole" else 0',
    ),
    Mutation(
        "convlstm-output-product-free", "app/core/conv_lstm.py", '"output": 1,', '"output": 0,'
    ),
    # Depthwise and separable convolutions.
    Mutation(
        "depthwise-macs-plus",
        "app/core/separable_conv.py",
        "_weighted(spec, record, n_out * k,",
        "_weighted(spec, record, n_out + k,",
    ),
    Mutation(
        "separable-macs-product",
        "app/core/separable_conv.py",
        "_weighted(spec, record, p_out * mc * (k + f)",
        "_weighted(spec, record, p_out * mc * k * f",
    ),
    Mutation(
        "separable-forgets-depthwise-result",
        "app/core/separable_conv.py",
        "facts.saved += depthwise",
        "facts.saved += 0",
    ),
    Mutation(
        "prelu-one-op",
        "app/core/activation_layers.py",
        '2,\n        N_("activation + product',
        '1,\n        N_("activation + product',
    ),
    Mutation(
        "activation-layer-saves-nothing",
        "app/core/activation_layers.py",
        'N_("one per element"), n_out, _("output',
        'N_("one per element"), 0, _("output',
    ),
    Mutation(
        "activation-saves-nothing",
        "app/core/dense.py",
        'N_("one per element"),\n        n_out * per,',
        'N_("one per element"),\n        0,',
    ),
    # Memory and latency reports.
    Mutation(
        "training-memory-without-gradients",
        "app/core/memory.py",
        "fixed = (params + trainable + slots * trainable) * b",
        "fixed = (params + slots * trainable) * b",
    ),
    Mutation(
        "activations-ignore-batch",
        "app/core/memory.py",
        "sum(saved) * batch_size * b",
        "sum(saved) * b",
    ),
    Mutation(
        "inference-peak-is-smallest-layer",
        "app/core/memory.py",
        "peak, peak_costs = max(",
        "peak, peak_costs = min(",
    ),
    Mutation(
        "bandwidth-as-mb-s",
        "app/core/latency.py",
        "chosen.bandwidth_gb_s * 1e9",
        "chosen.bandwidth_gb_s * 1e6",
    ),
    Mutation(
        "latency-min-of-roofline",
        "app/core/latency.py",
        "total += (max(_roofline(",
        "total += (min(_roofline(",
    ),
    Mutation(
        "latency-ignores-steps",
        "app/core/latency.py",
        "+ step_overhead_s) * steps",
        "+ step_overhead_s)",
    ),
    Mutation(
        "latency-compute-ignores-batch",
        "app/core/latency.py",
        "costs.flops_per_step * batch_size / flops_per_s",
        "costs.flops_per_step / flops_per_s",
    ),
    Mutation(
        "latency-efficiency-only-on-bandwidth",
        "app/core/latency.py",
        "peak * 1e12 * efficiency,",
        "peak * 1e12,",
    ),
    Mutation(
        "latency-overhead-once-per-layer",
        "app/core/latency.py",
        "total += (max(_roofline(record, *rates)) + step_overhead_s) * steps",
        "total += max(_roofline(record, *rates)) * steps + step_overhead_s",
    ),
    Mutation("adam-one-slot", "app/core/memory.py", '"adam": 2,', '"adam": 1,'),
    Mutation(
        "latency-bound-flipped",
        "app/core/latency.py",
        '"compute" if compute >= memory',
        '"compute" if compute <= memory',
    ),
    Mutation(
        "latency-weights-read-per-sample",
        "app/core/latency.py",
        "moved = record.params * b +",
        "moved = record.params * batch_size * b +",
    ),
)


def mutated(mutation: Mutation, root: Path = ROOT) -> str:
    """The mutated text of the mutation's file; refuses a mutation that no longer applies."""
    text = (root / mutation.path).read_text()
    found = text.count(mutation.old)
    if found != 1:
        raise ValueError(
            f"{mutation.name}: {mutation.old!r} occurs {found} times in "
            f"{mutation.path}, not once; update the mutation"
        )
    return text.replace(mutation.old, mutation.new)


def check() -> list[str]:
    """Problems with the mutation list (empty when every mutation applies)."""
    problems, names = [], set()
    for mutation in MUTATIONS:
        if mutation.name in names:
            problems.append(f"{mutation.name}: duplicate name")
        names.add(mutation.name)
        try:
            mutated(mutation)
        except ValueError as error:
            problems.append(str(error))
    return problems


@dataclass(frozen=True)
class Outcome:
    mutation: Mutation
    status: str  # killed, survived, timeout, error
    detail: str
    seconds: float


# Appended to the copy's conftest.py, so it is loaded before any test module: a failing example
# needs no shrinking here (only pass or fail counts), and no example database carries one
# mutant's failures into the next run.
HYPOTHESIS_PROFILE = """

from hypothesis import Phase as _Phase
from hypothesis import settings as _settings

_settings.register_profile(
    "mutation", database=None, phases=[_Phase.explicit, _Phase.reuse, _Phase.generate]
)
_settings.load_profile("mutation")
"""


def copy_project(into: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, into / name, ignore=ignore)
        else:
            shutil.copy2(source, into / name)
    with (into / "tests" / "conftest.py").open("a") as conftest:
        conftest.write(HYPOTHESIS_PROFILE)


def run_tests(copy: Path, tests: tuple[str, ...]) -> tuple[int | None, str]:
    """(pytest's exit code or None on timeout, its output) in the copy."""
    # No .pyc: a mutated file of the same size written in the same second could reuse one.
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [
        sys.executable,
        "-m",
        "pytest",
        *tests,
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        "--hypothesis-seed=0",
        "-W",
        "ignore",
    ]
    try:
        done = subprocess.run(
            command,
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, ""
    return done.returncode, done.stdout + done.stderr


def first_failure(output: str) -> str:
    match = re.search(r"^(?:FAILED|ERROR) (\S+)", output, re.MULTILINE)
    return match.group(1).split("::")[-1].split("[")[0] if match else output.strip()[-200:]


def judge(copy: Path, mutation: Mutation, tests: tuple[str, ...]) -> Outcome:
    path = copy / mutation.path
    original = path.read_text()
    path.write_text(mutated(mutation, copy))
    start = time.perf_counter()
    try:
        code, output = run_tests(copy, tests)
    finally:
        path.write_text(original)
    seconds = time.perf_counter() - start
    if code is None:
        return Outcome(mutation, "timeout", f"over {TIMEOUT_S} s", seconds)
    if code == 0:
        return Outcome(mutation, "survived", "", seconds)
    if code == 1:
        return Outcome(mutation, "killed", first_failure(output), seconds)
    return Outcome(mutation, "error", f"pytest exit {code}: {first_failure(output)}", seconds)


def run_all(mutations: list[Mutation], jobs: int, tests: tuple[str, ...]) -> list[Outcome]:
    copies: Queue[Path] = Queue()
    with tempfile.TemporaryDirectory(prefix="mutate-") as scratch:
        for i in range(jobs):
            copy = Path(scratch) / f"copy{i}"
            copy.mkdir()
            copy_project(copy)
            copies.put(copy)
        baseline = copies.get()
        code, output = run_tests(baseline, tests)
        if code != 0:
            sys.exit(f"the unmutated tests do not pass (exit {code}):\n{output[-3000:]}")
        copies.put(baseline)

        def one(mutation: Mutation) -> Outcome:
            copy = copies.get()
            try:
                outcome = judge(copy, mutation, tests)
            finally:
                copies.put(copy)
            print(f"  {outcome.status:8} {mutation.name} ({outcome.seconds:.0f} s)", flush=True)
            return outcome

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(one, mutations))


def report(outcomes: list[Outcome]) -> int:
    print("\n| mutation | file | result | first failing test |")
    print("|---|---|---|---|")
    for o in outcomes:
        star = " (required)" if o.mutation.required else ""
        print(
            f"| {o.mutation.name}{star} | {o.mutation.path.removeprefix('app/core/')} | "
            f"{o.status} | {o.detail} |"
        )
    survivors = [o for o in outcomes if o.status == "survived"]
    errors = [o for o in outcomes if o.status == "error"]
    rate = len(survivors) / len(outcomes) if outcomes else 0.0
    print(f"\nsurvived: {len(survivors)} of {len(outcomes)} mutations ({rate:.0%})")
    for o in survivors:
        print(f"  - {o.mutation.name}: {o.mutation.path}: {o.mutation.old!r} -> {o.mutation.new!r}")
    if errors:
        print(
            f"errors (the mutant did not run; counted as killed): "
            f"{', '.join(o.mutation.name for o in errors)}"
        )
    required = [o.mutation.name for o in survivors if o.mutation.required]
    if required:
        print(f"REQUIRED mutations survived: {', '.join(required)}")
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=1, help="mutants run side by side")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run these mutations only")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument(
        "--check", action="store_true", help="verify that every mutation applies, and exit"
    )
    parser.add_argument("--tests", nargs="+", default=list(TESTS), help="the test files to run")
    args = parser.parse_args()
    if args.list:
        for m in MUTATIONS:
            print(f"{m.name:40} {m.path}{'  (required)' if m.required else ''}")
        return 0
    problems = check()
    if problems or args.check:
        print("\n".join(problems) or f"all {len(MUTATIONS)} mutations apply")
        return 1 if problems else 0
    chosen = [m for m in MUTATIONS if not args.only or m.name in args.only]
    unknown = set(args.only or ()) - {m.name for m in MUTATIONS}
    if unknown:
        sys.exit(f"unknown mutations: {', '.join(sorted(unknown))}")
    print(f"{len(chosen)} mutations of app/core, tests: {' '.join(args.tests)}", flush=True)
    return report(run_all(chosen, max(1, args.jobs), tuple(args.tests)))


if __name__ == "__main__":
    sys.exit(main())
