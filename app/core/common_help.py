"""Help texts every layer family shares: the layer's `name`, `trainable`, and what a graph model
calls the layer on (`inputs`, `initial_state`). Each family's `HELP` starts from `layer_help`.

English source texts, marked with `N_`; the page translates them with the catalog.
"""

from __future__ import annotations

from app.core.translation import N_

NAME = N_(
    "The layer's name, as model.summary() prints it; empty: Keras's automatic name from the "
    "class name (conv2d, conv2d_1, ...)."
)
# `trainable`, by what the layer holds.
FREEZES_WEIGHTS = N_(
    "false freezes this layer's weights: they move from trainable to non-trainable "
    "parameters; the total stays."
)
NO_WEIGHTS = N_("This layer has no weights, so trainable changes no count.")
# `inputs`: one tensor, or the several a merge layer takes.
ONE_INPUT = N_(
    "Graph models: the tensor this layer is called on, e.g. frames or encoder[0][1] "
    "(layer[call][output]); empty: the layer above."
)
SEVERAL_INPUTS = N_(
    "Graph models: the tensors to merge, two or more, e.g. left, right[0][1] "
    "(layer[call][output]); empty: the layer above."
)
# `initial_state`: only recurrent layers take one (app/core/graph.py refuses the rest).
NO_STATE = N_(
    "Only recurrent layers (ConvLSTM, LSTM, GRU, SimpleRNN) take an initial state: leave empty."
)
LSTM_STATES = N_(
    "Graph models: the states to start from, h then c, e.g. encoder[0][1], encoder[0][2] (an "
    "encoder with return_state); empty: zeros."
)
ONE_STATE = N_(
    "Graph models: the state h to start from, e.g. encoder[0][1] (an encoder with "
    "return_state); empty: zeros."
)


def layer_help(
    trainable: str = FREEZES_WEIGHTS,
    *,
    inputs: str = ONE_INPUT,
    initial_state: str = NO_STATE,
) -> dict[str, str]:
    """The entries every layer type has: `name`, `trainable`, `inputs`, `initial_state`."""
    return {
        "trainable": trainable,
        "name": NAME,
        "inputs": inputs,
        "initial_state": initial_state,
    }


# Initializers, regularizers and constraints of a kernel and a bias (Dense, Conv, Conv…Transpose):
# they shape training, never a count or a shape.
KERNEL_AND_BIAS = {
    "kernel_initializer": N_(
        "How the kernel's starting values are drawn (default glorot_uniform); no effect on counts."
    ),
    "bias_initializer": N_("Starting values of the bias (default zeros); no effect on counts."),
    "kernel_regularizer": N_(
        "Penalty on the kernel added to the loss (e.g. l2); no effect on counts."
    ),
    "bias_regularizer": N_("Penalty on the bias added to the loss; no effect on counts."),
    "activity_regularizer": N_(
        "Penalty on the layer's output added to the loss; no effect on counts."
    ),
    "kernel_constraint": N_(
        "Projection applied to the kernel after each update (e.g. max_norm); no effect on counts."
    ),
    "bias_constraint": N_("Projection applied to the bias after each update; no effect on counts."),
}
