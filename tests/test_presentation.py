"""How the page writes numbers: Keras-style sizes, locale counts, chart bars."""

from hypothesis import given
from hypothesis import strategies as st
from keras_reference import keras  # sets KERAS_BACKEND=numpy before Keras loads

from app.core.model import summarize
from app.presentation import chart, count, keras_size, percent, shape_text
from app.schema import SEED_MODEL, SummaryRequest

SEED = summarize(SummaryRequest.model_validate(SEED_MODEL))


def test_seed_weight_size_is_printed_like_keras_summary():
    assert keras_size(SEED.total_bytes) == "2.84 MB"


def test_sizes_step_by_1024_with_two_decimals():
    assert keras_size(0) == "0.00 B"
    assert keras_size(1023) == "1023.00 B"
    assert keras_size(1024) == "1.00 KB"
    assert keras_size(1024**3 * 3 // 2) == "1.50 GB"


@given(st.integers(min_value=0, max_value=2**60))
def test_sizes_agree_with_keras_readable_memory_size(n):

    assert keras_size(n) == keras.src.utils.summary_utils.readable_memory_size(n)


def test_counts_use_the_locales_grouping():
    assert count(745680, "en") == "745,680"
    assert count(745680, "zh_Hans") == "745,680"
    assert count(745680, "de") == "745.680"


def test_shapes_print_like_keras_and_list_several_outputs():
    assert shape_text((None, 40, 40, 30)) == "(None, 40, 40, 30)"
    assert shape_text([(None, 4), (None, 4)]) == "(None, 4), (None, 4)"


def test_percent_of_nothing_is_zero():
    assert percent(5, 0) == 0.0


def test_the_largest_layer_fills_its_row_and_is_marked_dominant():
    bars = chart(SEED.layers).bars
    assert [b.width for b in bars][-1] == 100.0
    assert [b.dominant for b in bars] == [False, False, False, True]
    assert bars[0].width == percent(35_760, 327_880)


def test_bar_shares_add_up_to_the_whole_model():
    assert abs(sum(b.share for b in chart(SEED.layers).bars) - 100) < 0.05


def test_chart_rows_stack_downwards():
    c = chart(SEED.layers)
    assert [b.y for b in c.bars] == sorted({b.y for b in c.bars})
    assert c.height > c.bars[-1].y
