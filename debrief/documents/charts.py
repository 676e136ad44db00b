"""Charts for the board pack, drawn with matplotlib as PNG images (the pack's tables carry the same
numbers: a chart is there because a picture says it faster, never instead of the figures).

matplotlib is imported only when a pack is built, with its non-interactive Agg backend.
"""
from __future__ import annotations

import io

# GOV.UK colours: each series is told apart by its label in the legend as well as its colour.
COLOURS = ("#1d70b8", "#f47738", "#d4351c", "#00703c", "#505a5f")


def horizontal_bars(title: str, labels: list[str], series: list[tuple[str, list[int]]]) -> bytes:
    """Stacked horizontal bars, one per label, with each bar's total written at its end. Empty
    (no labels) gives no chart: b""."""
    if not labels:
        return b""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.5, 0.45 * len(labels) + 1.4), dpi=150)
    axes = figure.subplots()
    rows = list(range(len(labels)))[::-1]  # the first label at the top
    left = [0] * len(labels)
    for (name, values), colour in zip(series, COLOURS):
        axes.barh(rows, values, left=left, color=colour, label=name, height=0.6)
        left = [a + b for a, b in zip(left, values)]
    for row, total in zip(rows, left):
        axes.text(total, row, f" {total}", va="center", fontsize=8)
    axes.set_yticks(rows, labels=[label if len(label) <= 40 else label[:39] + "…" for label in labels], fontsize=8)
    axes.set_title(title, fontsize=10, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.xaxis.get_major_locator().set_params(integer=True)
    if len(series) > 1:
        axes.legend(fontsize=8, frameon=False, loc="lower right")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
