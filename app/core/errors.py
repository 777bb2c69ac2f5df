"""The one error the core raises: a spec that Keras would reject or that cannot run."""


class SpecError(ValueError):
    """`loc` is relative to the layer (`("kernel_size",)`); the model walker prefixes it.

    `("input",)` blames what the layer receives: the model's `input_shape` for the first
    layer, the layer itself otherwise.

    `msg` is already in the active language (`app.core.translation`): the web layer activates
    the request's language before the core runs, so every reader (the API's 422, the page, a
    sweep point, the CLI) shows it as is, with no msgid and parameters to carry along.
    """

    def __init__(self, loc: tuple[str | int, ...], msg: str) -> None:
        super().__init__(msg)
        self.loc = loc
        self.msg = msg

    def within(self, *prefix: str | int) -> "SpecError":
        return SpecError(prefix + self.loc, self.msg)
