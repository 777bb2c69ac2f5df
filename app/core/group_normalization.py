"""GroupNormalization (`keras/src/layers/normalization/group_normalization.py`).

The C channels of `axis` are split into `groups` groups (`-1`: one per channel); each group is
normalised over its channels and every other non-batch axis. γ (with `scale`) and β (with
`center`) are (C,) vectors, both trainable: 2C parameters. Keras's `build` refuses an unknown
C, more groups than channels, and C not divisible by `groups`.

Costs, as LayerNormalization's: per element mean and variance (3), x − μ and ÷ σ (2), × γ,
+ β: (5 + scale + center)·N FLOPs, no MACs; the input is saved for backward.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictFloat, StrictInt, field_validator

from app.core.common_help import layer_help
from app.core.costs import CostContext, CostFacts, elements
from app.core.errors import SpecError
from app.core.family import EditorHints, LayerFamily
from app.core.family_costs import _elementwise
from app.core.formula import num
from app.core.keras_objects import Constraint, Initializer, Regularizer
from app.core.normalization import known_sizes
from app.core.records import LayerRecord, Shape
from app.core.registry import LayerFacts, Namer, weight
from app.core.shapes import axis_index
from app.core.spec_base import MAX_DIM, LayerSpecBase
from app.core.translation import N_
from app.core.translation import gettext as _


class GroupNormalizationSpec(LayerSpecBase):
    """`keras.layers.GroupNormalization`: γ and β per channel of `axis`; `groups=-1` means one
    group per channel (instance normalisation)."""

    type: Literal["GroupNormalization"]
    groups: Annotated[StrictInt, Field(ge=-1, le=MAX_DIM)] = 32
    axis: StrictInt = -1
    epsilon: StrictFloat | StrictInt = 0.001
    center: StrictBool = True
    scale: StrictBool = True
    beta_initializer: Initializer = "zeros"
    gamma_initializer: Initializer = "ones"
    beta_regularizer: Regularizer = None
    gamma_regularizer: Regularizer = None
    beta_constraint: Constraint = None
    gamma_constraint: Constraint = None

    @field_validator("groups")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("groups must be a positive integer, or -1 for one group per channel")
        return value


def group_count(spec: GroupNormalizationSpec, channels: int) -> int:
    """The number of groups Keras builds with; refuses what its `build` refuses."""
    groups = channels if spec.groups == -1 else spec.groups
    if groups > channels:
        raise SpecError(
            ("groups",),
            _(
                "groups={groups} is more than the {channels} channels of axis {axis}; use at "
                "most {channels} (or -1 for one group per channel)"
            ).format(groups=groups, channels=channels, axis=spec.axis),
        )
    if channels % groups:
        fitting = [g for g in range(1, channels + 1) if channels % g == 0]
        raise SpecError(
            ("groups",),
            _(
                "the {channels} channels of axis {axis} do not split into groups={groups} equal "
                "groups; use one of {choices}"
            ).format(
                channels=channels,
                axis=spec.axis,
                groups=groups,
                choices=", ".join(map(str, fitting[:12])) + (", ..." if len(fitting) > 12 else ""),
            ),
        )
    return groups


def group_normalization(
    spec: GroupNormalizationSpec, input_shape: Shape, namer: Namer
) -> LayerFacts:
    """γ and β of shape (C,): (scale + center) × C."""
    axis = axis_index(spec.axis, input_shape)
    (c,) = known_sizes(input_shape, [axis], spec.type, N_("grouped"))
    groups = group_count(spec, c)
    names = [*(["gamma"] if spec.scale else []), *(["beta"] if spec.center else [])]
    weights = tuple(weight(n, (c,)) for n in names)
    labels = ", ".join({"gamma": "γ", "beta": "β"}[n] for n in names)
    formula = (
        f"{len(weights)} × {num(c)} = {num(len(weights) * c)} "
        + _("({weights} per channel; {groups} groups of {size} channels)").format(
            weights=labels, groups=groups, size=c // groups
        )
        if weights
        else _("no γ, β (center and scale off): 0 ({groups} groups of {size} channels)").format(
            groups=groups, size=c // groups
        )
    )
    return LayerFacts(output_shape=input_shape, weights=weights, formula=formula)


def group_normalization_costs(
    spec: GroupNormalizationSpec, record: LayerRecord, context: CostContext
) -> CostFacts:
    n_in = elements(record.input_shape)
    per = 5 + int(spec.scale) + int(spec.center)
    rule = (
        _("mean and variance (3), x − μ, ÷ σ")
        + (", × γ" if spec.scale else "")
        + (", + β" if spec.center else "")
    )
    return _elementwise(record, per, rule, n_in, _("input {input}").format(input=num(n_in)))


FAMILY_SPECS = (GroupNormalizationSpec,)
# Help per editor control (app/argument_help.py), English; the page translates it.
HELP: dict[str, dict[str, str]] = {
    "GroupNormalization": {
        **layer_help(),
        "groups": N_(
            "Channel groups normalized together; the channels must divide by it; -1: one group "
            "per channel (instance normalization)."
        ),
        "axis": N_("The channels axis that is split into groups (default -1, the last)."),
        "center": N_("Adds the learned offset β, one per channel."),
        "scale": N_("Adds the learned factor γ, one per channel."),
        "epsilon": N_("Small number added to the variance before its square root, against ÷ 0."),
        "beta_initializer": N_("Starting values of β (default zeros); no effect on counts."),
        "gamma_initializer": N_("Starting values of γ (default ones); no effect on counts."),
        "beta_regularizer": N_("Penalty on β added to the loss; no effect on counts."),
        "gamma_regularizer": N_("Penalty on γ added to the loss; no effect on counts."),
        "beta_constraint": N_("Projection applied to β after each update; no effect on counts."),
        "gamma_constraint": N_("Projection applied to γ after each update; no effect on counts."),
    },
}


FAMILY = LayerFamily(
    name="Group normalization",
    specs=FAMILY_SPECS,
    analysers=((FAMILY_SPECS, group_normalization),),
    costs=((FAMILY_SPECS, group_normalization_costs),),
    editor=EditorHints(primary=frozenset({"groups", "axis", "center", "scale"})),
    help=HELP,
)
