"""The mutation list of `bench/mutate.py` follows the code it mutates.

Running the mutants takes minutes (`bench/mutate.py`); this only checks, in milliseconds, that
each mutation still finds its formula exactly once, so a refactoring of `app/core` that moves a
formula fails here until its mutation is moved with it.
"""

from __future__ import annotations

from bench.mutate import MUTATIONS, ROOT, check, mutated


def test_every_mutation_applies_exactly_once():
    assert check() == []


def test_every_mutation_changes_its_file():
    for mutation in MUTATIONS:
        assert mutation.old != mutation.new
        assert mutated(mutation) != (ROOT / mutation.path).read_text()


def test_issue_10s_six_mistakes_are_required_mutations():
    assert {m.name for m in MUTATIONS if m.required} == {
        "conv-transpose-macs-from-output",
        "conv-macs-ignore-groups",
        "latency-tflops-as-1e9",
        "inference-memory-ignores-batch",
        "time-distributed-drops-steps",
        "bidirectional-ave-merge-as-one",
    }
