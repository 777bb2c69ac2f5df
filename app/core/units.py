"""Byte sizes as Keras prints them (`keras.src.utils.summary_utils.readable_memory_size`)."""

from app.core.records import Size

_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")


def readable(n_bytes: float) -> str:
    """`2.84 MB`: binary units (1 KB = 1024 B, 1 MB = 1024² B), two decimals, like Keras."""
    value = float(n_bytes)
    for unit in _UNITS[:-1]:
        if value < 1024:
            return f"{value:.2f} {unit}"
        value /= 1024
    return f"{value:.2f} {_UNITS[-1]}"


def size(n_bytes: int) -> Size:
    return Size.of(bytes=n_bytes, text=readable(n_bytes))


def readable_seconds(seconds: float) -> str:
    """`1.23 ms`, `45.6 µs`: three significant figures in the largest unit below the value."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"
