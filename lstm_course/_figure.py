"""A matplotlib Figure that Jupyter displays by itself, without pyplot (private module).

A Figure made without pyplot is not registered with it, so it is never shown twice and never leaks;
but IPython knows how to draw a Figure only once pyplot has set up the inline backend. This subclass
brings its own ``_repr_png_``, so the figure returned by a plot helper appears once, as a PNG, as the
last expression of a cell, whatever the backend (``MPLBACKEND=Agg`` included).
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure as _MatplotlibFigure


class Figure(_MatplotlibFigure):
    """A ``matplotlib.figure.Figure`` with a PNG representation for Jupyter.

    The class keeps the name ``Figure`` so that its text representation stays
    ``<Figure size 1000x600 with 4 Axes>``.
    """

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png")
        return buffer.getvalue()
