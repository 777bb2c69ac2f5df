"""The what-if chart (trial item 8): a numeric x axis, y ticks with units, the budget marked,
and ranges in the values field."""

from __future__ import annotations

from itertools import pairwise

import pytest

from app import i18n, whatif_form
from app.core import translation
from app.schema import SEED_MODEL, SummaryRequest
from app.whatif_view import LEFT, RIGHT, x_scale

MODEL = SummaryRequest.model_validate(SEED_MODEL)


@pytest.mark.parametrize(
    ("typed", "values"),
    [
        ("16-128", [16, 32, 64, 128]),
        ("16-100", [16, 32, 64, 100]),
        ("16:128:16", [16, 32, 48, 64, 80, 96, 112, 128]),
        ("16:20", [16, 17, 18, 19, 20]),
        ("8, 16-64; 100 8", [8, 16, 32, 64, 100]),
    ],
)
def test_values_accept_lists_doubling_ranges_and_stepped_ranges(typed, values):
    chart = whatif_form.evaluate({"sweep.values": typed}, MODEL)
    assert [p.value for p in chart.view.result.points] == values


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("128-16", "ends below its start"),
        ("1:1000", "at most 32"),
        ("4:8:0", "step is 0"),
        ("0-8", "start at 1"),
    ],
)
def test_a_range_that_cannot_be_swept_is_named(typed, says):
    chart = whatif_form.evaluate({"sweep.values": typed}, MODEL)
    assert chart.view is None and chart.error.startswith("values: ") and says in chart.error


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("128-16", "128-16：范围的终点小于起点"),
        ("abc", "values[0] 必须是整数"),
        ("0", "values[0] 至少为 1"),
    ],
)
def test_on_a_chinese_page_the_values_field_is_refused_in_chinese(typed, says):
    with translation.active(i18n.translations("zh")):
        chart = whatif_form.evaluate({"sweep.values": typed}, MODEL)
    assert chart.view is None and says in chart.error


def test_the_x_axis_spaces_values_as_numbers():
    scale = x_scale([16, 20, 24, 128])
    xs = [scale.x(v) for v in (16, 20, 24, 128)]
    assert not scale.log and xs[0] == LEFT and xs[-1] == RIGHT
    assert xs[1] - xs[0] == pytest.approx(
        (RIGHT - LEFT) * 4 / 112, abs=0.01
    )  # not a quarter of the way


def test_the_default_quarter_to_four_times_is_on_a_log_axis_with_round_ticks():
    chart = whatif_form.evaluate({}, MODEL).view
    assert chart.log
    assert [t.label for t in chart.ticks if not t.refused] == ["8", "16", "32", "64", "120"]
    xs = sorted(d.x for d in chart.panels[0].dots)
    gaps = {round(b - a, 1) for a, b in pairwise(xs)}
    assert len(gaps) > 1  # 8, 15, 30, 60, 120: not equally spaced, even on a log axis


def test_y_ticks_start_at_zero_and_carry_units():
    memory = whatif_form.evaluate({}, MODEL).view.panels[2]
    labels = [t.label for t in memory.yticks]
    assert labels[0] == "0 MB" and all(
        label.endswith(" MB") or label.endswith(" GB") for label in labels
    )
    macs = whatif_form.evaluate({}, MODEL).view.panels[1]
    assert [t.label for t in macs.yticks][-1].endswith("G")
    ys = [t.y for t in memory.yticks]
    assert ys == sorted(ys, reverse=True)  # up the axis


def test_the_budget_is_a_line_on_the_memory_panel_and_the_fit_is_marked():
    chart = whatif_form.evaluate({"sweep.budget_mb": "2048", "sweep.fit": "filters"}, MODEL).view
    memory = chart.panels[2]
    assert memory.budget is not None and memory.budget.label == "2 GB"
    top = max(t.y for t in memory.yticks)
    assert memory.budget.y < top  # above the x axis, inside the panel
    assert chart.result.fit.largest is not None
    assert chart.panels[0].budget is None
