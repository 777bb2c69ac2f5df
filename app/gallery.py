"""The page's gallery: each preset with a link that loads it into the editor (the page's own
URL for the model, so the address bar describes it) and its figures beside ours."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from urllib.parse import urlencode

from app import editor
from app.presets import FigureResult, PresetOut, presets_out


@dataclass(frozen=True)
class GalleryItem:
    preset: PresetOut
    href: str  # `/?input_shape=...&layers.0.type=...`

    @property
    def figures(self) -> list[FigureResult]:
        return self.preset.figures


@cache
def gallery() -> tuple[GalleryItem, ...]:
    """Computed once: presets and their numbers never change."""
    return tuple(
        GalleryItem(p, "/?" + urlencode(editor.query_items(editor.draft_from_body(p.request))))
        for p in presets_out()
    )
