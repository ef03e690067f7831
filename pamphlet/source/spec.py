"""What to build: one edition's identity. A leaf module, so planning a batch imports nothing heavy."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EditionSpec:
    """What to build: one language in one layout, with the options that shape it."""

    lang: str
    layout: str
    paper: str = "a4"
    bleed: float = 0.0
    crop_marks: bool = False
    variant: str | None = None
    poster_size: str | None = None  # a poster's sheet (--poster-size); None: the paper region's
    overlap: float | None = None      # a tiled poster's overlap in mm (--overlap); None: 10 mm

    @property
    def name(self) -> str:
        return f"{self.variant}/{self.lang}/{self.layout}" if self.variant else f"{self.lang}/{self.layout}"
