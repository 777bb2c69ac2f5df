"""Byte sizes as Keras prints them (`keras.src.utils.summary_utils.readable_memory_size`)."""

_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")


def scaled(n_bytes: float) -> tuple[float, str]:
    """(value, unit) in binary units (1 KB = 1024 B), stepping exactly as Keras does: it divides
    once more past PB before giving up, so 1024 PB comes out as `1.00 PB`."""
    value = float(n_bytes)
    for unit in _UNITS:
        if value / 1024 < 1:
            return value, unit
        value /= 1024
    return value, _UNITS[-1]


def readable(n_bytes: float) -> str:
    """`2.84 MB`: two decimals in binary units, like Keras's `model.summary()`."""
    value, unit = scaled(n_bytes)
    return f"{value:.2f} {unit}"


def readable_seconds(seconds: float) -> str:
    """`1.23 ms`, `45.6 µs`: three significant figures in the largest unit below the value."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"
