"""What every example reports besides its metric: progress bars, plots and the model's graph.

tqdm and matplotlib are the ``examples`` extras (``pip install -e ".[examples]"``); without
them the scripts still run, with plain loops and a note instead of the plots. Plots and
pictures go to files (matplotlib's "Agg" backend: no window), under ``--out``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any


def progress(items: Iterable[Any], desc: str, total: int | None = None) -> Iterator[Any]:
    """A tqdm progress bar over ``items`` on a terminal; the plain iterable elsewhere."""
    try:
        from tqdm import tqdm
    except ImportError:
        return iter(items)
    # disable=None: no bar when stderr is not a terminal (CI logs, pipes)
    return iter(tqdm(items, desc=desc, total=total, disable=None, leave=False))


def log(line: str) -> None:
    """Print a line without breaking an active progress bar."""
    try:
        from tqdm import tqdm
    except ImportError:
        print(line)
        return
    tqdm.write(line, file=sys.stdout)


def pyplot() -> Any:
    """matplotlib.pyplot on the file-only "Agg" backend, or None (with a note) if missing."""
    try:
        import matplotlib
    except ImportError:
        print('matplotlib is not installed (pip install -e ".[examples]"): no plots')
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def out_path(folder: str, name: str) -> str:
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, name)


def save_figure(plt: Any, fig: Any, folder: str, name: str, what: str) -> None:
    path = out_path(folder, name)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    print(f"{what} saved to {path}")


def plot_curves(curves: dict[str, Sequence[float]], folder: str, name: str, *,
                xlabel: str, ylabel: str = "cost", title: str = "") -> None:
    """One line per named curve (cost against iterations), written to folder/name."""
    plt = pyplot()
    if plt is None:
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    for label, values in curves.items():
        ax.plot(values, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if len(curves) > 1:
        ax.legend()
    save_figure(plt, fig, folder, name, "plot")


def draw_model(model: Any, example: Any, folder: str, name: str) -> None:
    """The model's forward graph (``Module.draw``) as PNG; the DOT text if `dot` is missing."""
    graph = model.draw(example, compact=True)
    path = out_path(folder, name)
    try:
        written = graph.render(path, format="png", cleanup=True)
    except RuntimeError:  # Graphviz's `dot` program is not installed
        with open(path + ".dot", "w", encoding="utf-8") as f:
            f.write(graph.source)
        print(f"model graph written as DOT text to {path}.dot (install Graphviz's `dot` "
              "to get a picture: sudo apt-get install graphviz / brew install graphviz)")
        return
    print(f"model graph saved to {written}")


def plot_digits(images: Any, labels: Any, predictions: Any, folder: str, name: str,
                n: int = 32) -> None:
    """The first n test digits, each titled with its prediction (red where it is wrong)."""
    plt = pyplot()
    if plt is None:
        return
    cols = 8
    fig, axes = plt.subplots((n + cols - 1) // cols, cols, figsize=(cols * 1.1, n / cols * 1.3))
    for ax, img, y, p in zip(axes.ravel(), images, labels, predictions):
        ax.imshow(img.reshape(8, 8), cmap="gray_r")
        ax.set_title(f"{p}", color="black" if p == y else "red", fontsize=10)
        ax.axis("off")
    fig.suptitle("test digits and predictions (red: wrong)")
    save_figure(plt, fig, folder, name, "digits with predictions")


def train_classifier(model: Any, train: tuple[Any, Any], test: tuple[Any, Any], *, epochs: int,
                     batch: int, lr: float, tag: str = "") -> list[float]:
    """Adam on shuffled mini-batches with cross-entropy; prints the loss and test accuracy.

    ``train`` and ``test`` are (images, labels) arrays. Returns the mean loss of each epoch.
    """
    import tinygrad_nn.functional as F
    from tinygrad_nn import optim
    from tinygrad_nn.data import DataLoader, TensorDataset

    loader = DataLoader(TensorDataset(*train), batch_size=batch, shuffle=True)
    opt = optim.Adam(model.parameters(), lr=lr)
    losses = []
    for epoch in progress(range(epochs), desc=f"training {tag}".strip()):
        model.train()
        total = 0.0
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)
        losses.append(total / len(train[0]))
        log(f"epoch {epoch:3d}  loss {losses[-1]:.4f}  "
            f"test accuracy {100 * accuracy(model, *test):.1f}%")
    return losses


def predict(model: Any, x: Any) -> Any:
    """Class predictions (N,) of a classifier in eval mode, without recording."""
    import tinygrad_nn as tg

    model.eval()
    with tg.no_grad():
        return model(tg.tensor(x)).argmax(dim=1).numpy()


def accuracy(model: Any, x: Any, y: Any) -> float:
    return float((predict(model, x) == y).mean())
