"""metrics.png: the headline metrics as bars, product and baseline side by side."""

from __future__ import annotations

from pathlib import Path

from evals.evaluate import PLOTTED_METRICS, lower_is_better
from evals.outcome import EvalOutcome


def plot_metrics(outcome: EvalOutcome, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display on servers and in CI
    import matplotlib.pyplot as plt

    systems = [s for s, _ in outcome.systems()]
    width = 0.8 / len(systems)
    fig, ax = plt.subplots(figsize=(11, 4.8))
    for i, system in enumerate(systems):
        xs = [x + (i - (len(systems) - 1) / 2) * width for x in range(len(PLOTTED_METRICS))]
        values = [system.value(name) for name in PLOTTED_METRICS]
        # Error bars: the Wilson 95 % interval of each proportion (none for MRR or a metric not scored).
        errors = [[0.0] * len(PLOTTED_METRICS), [0.0] * len(PLOTTED_METRICS)]
        for j, name in enumerate(PLOTTED_METRICS):
            result = system.metrics.get(name)
            share = result.share() if result is not None else None
            if share is not None and share.value is not None:
                lo, hi = share.interval
                errors[0][j], errors[1][j] = share.value - lo, hi - share.value
        bars = ax.bar(xs, [v or 0.0 for v in values], width, label=system.name, yerr=errors, capsize=2)
        for bar, value in zip(bars, values, strict=True):
            label = "n/s" if value is None else f"{value:.2f}"
            ax.annotate(
                label,
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontsize=7,
                xytext=(0, 2),
                textcoords="offset points",
            )
    ax.set_xticks(range(len(PLOTTED_METRICS)))
    ax.set_xticklabels([f"{n}\n(lower is better)" if lower_is_better(n) else n for n in PLOTTED_METRICS], fontsize=7)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("share")
    ax.set_title(f"GFMD assistant evaluation: {len(outcome.product_runs)} items ({outcome.mode})")
    ax.legend(loc="upper right")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
