"""The examples' data: real data shipped in examples/data, and small generated sets.

Real: scikit-learn's 8x8 handwritten digits (``digits``) and 1,623 dinosaur names
(``dinosaur_names``), both in examples/data (see its README). Generated, each mirroring a
data set of the deep-learning course in shape and layout: the planar "flower" (the course
generates it too), sklearn-style "moons" and "circles", a 3-class spiral, and synthetic cat /
non-cat pictures in the course's HDF5 format, used when the course's files are not given.
NumPy and h5py only.
"""

from __future__ import annotations

import os
import sys

import numpy as np

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def digits(split: str) -> tuple[np.ndarray, np.ndarray]:
    """The shipped 8x8 digits: images (m, 1, 8, 8) float32 in [0, 1], labels (m,) int64.

    ``split`` is "train" (1,438 images) or "test" (359), read from examples/data/{split}_digits.h5
    (the course's HDF5 layout: {split}_set_x, {split}_set_y, list_classes).
    """
    from tinygrad_nn.data import load_h5_dataset

    x, y = load_h5_dataset(os.path.join(DATA, f"{split}_digits.h5"), f"{split}_set_x",
                           f"{split}_set_y")
    return (x[:, None] / 16.0).astype(np.float32), y.astype(np.int64)


def dinosaur_names() -> list[str]:
    """The 1,623 dinosaur genus names of examples/data/dinos.txt, lower case."""
    with open(os.path.join(DATA, "dinos.txt"), encoding="utf-8") as f:
        return [line.strip().lower() for line in f if line.strip()]


def planar_flower(m: int = 400, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The course's ``load_planar_dataset``: X (2, m) float32 points, Y (1, m) labels 0/1."""
    rng = np.random.RandomState(seed)
    n = m // 2  # points per class
    X = np.zeros((m, 2))
    Y = np.zeros((m, 1))
    a = 4  # maximum ray of the flower
    for j in range(2):
        ix = slice(n * j, n * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, n) + rng.randn(n) * 0.2  # angle
        r = a * np.sin(4 * t) + rng.randn(n) * 0.2  # radius
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X.T.astype(np.float32), Y.T.astype(np.float32)


def moons(m: int = 300, noise: float = 0.2, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles like ``sklearn.datasets.make_moons``: X (2, m), Y (1, m)."""
    rng = np.random.RandomState(seed)
    n_out = m // 2
    n_in = m - n_out
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    X = np.r_[np.c_[np.cos(t_out), np.sin(t_out)], np.c_[1 - np.cos(t_in), 0.5 - np.sin(t_in)]]
    X += rng.normal(scale=noise, size=X.shape)
    Y = np.r_[np.zeros(n_out), np.ones(n_in)]
    perm = rng.permutation(m)
    return X[perm].T.astype(np.float32), Y[perm][None, :].astype(np.float32)


def circles(m: int = 300, noise: float = 0.05, factor: float = 0.5,
            seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """An inner and an outer circle like ``sklearn.datasets.make_circles``: X (2, m), Y (1, m)."""
    rng = np.random.RandomState(seed)
    n_out = m // 2
    n_in = m - n_out
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.r_[np.c_[np.cos(t_out), np.sin(t_out)], factor * np.c_[np.cos(t_in), np.sin(t_in)]]
    X += rng.normal(scale=noise, size=X.shape)
    Y = np.r_[np.zeros(n_out), np.ones(n_in)]
    perm = rng.permutation(m)
    return X[perm].T.astype(np.float32), Y[perm][None, :].astype(np.float32)


def spiral(n_per_class: int = 100, classes: int = 3,
           seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class: X (N, 2) float32, y (N,) int64 class indices."""
    rng = np.random.RandomState(seed)
    X, y = [], []
    for k in range(classes):
        r = np.linspace(0.05, 1, n_per_class)
        t = np.linspace(k * 4, (k + 1) * 4, n_per_class) + rng.randn(n_per_class) * 0.2
        X.append(np.c_[r * np.sin(t), r * np.cos(t)])
        y.append(np.full(n_per_class, k))
    return np.concatenate(X).astype(np.float32), np.concatenate(y).astype(np.int64)


def _picture(rng: np.random.RandomState, cat: bool, size: int = 64) -> np.ndarray:
    """One (size, size, 3) uint8 picture: a cat face (orange disc, ears, eyes) or clutter."""
    yy, xx = np.mgrid[0:size, 0:size] / size
    top, bottom = rng.uniform(0, 1, 3), rng.uniform(0, 1, 3)  # background gradient
    img = top * (1 - yy[..., None]) + bottom * yy[..., None]
    if cat:
        cx, cy, r = rng.uniform(0.35, 0.65), rng.uniform(0.4, 0.65), rng.uniform(0.18, 0.3)
        fur = np.array([0.9, 0.55, 0.2]) + rng.uniform(-0.1, 0.1, 3)
        face = (xx - cx) ** 2 + (yy - cy) ** 2 < r ** 2
        for side in (-1, 1):  # two triangular ears above the face
            ex = cx + side * 0.6 * r
            ear = (yy < cy - 0.5 * r) & (yy > cy - 1.4 * r) & (
                np.abs(xx - ex) < 0.5 * r * (yy - (cy - 1.4 * r)) / (0.9 * r))
            face |= ear
        img[face] = fur
        for side in (-1, 1):  # dark eyes
            eye = (xx - cx - side * 0.4 * r) ** 2 + (yy - cy + 0.2 * r) ** 2 < (0.12 * r) ** 2
            img[eye] = (0.05, 0.1, 0.05)
    else:
        for _ in range(rng.randint(1, 4)):  # a few blocks of cool colours
            x0, y0 = rng.uniform(0, 0.7, 2)
            w, h = rng.uniform(0.15, 0.4, 2)
            block = (xx > x0) & (xx < x0 + w) & (yy > y0) & (yy < y0 + h)
            img[block] = rng.uniform(0, 1, 3) * np.array([0.5, 0.8, 1.0])
    img += rng.normal(scale=0.04, size=img.shape)
    return (np.clip(img, 0, 1) * 255).astype(np.uint8)


def write_cat_h5(folder: str, m_train: int = 209, m_test: int = 50,
                 seed: int = 0) -> tuple[str, str]:
    """Write ``train_catvnoncat.h5`` and ``test_catvnoncat.h5`` in the course's format.

    Keys as in the course's files: ``train_set_x`` (m, 64, 64, 3) uint8, ``train_set_y`` (m,)
    int64, ``list_classes`` [b'non-cat', b'cat'] (and ``test_set_x`` / ``test_set_y``).
    Returns the two paths.
    """
    import h5py

    rng = np.random.RandomState(seed)
    paths = []
    for split, m in (("train", m_train), ("test", m_test)):
        y = (rng.uniform(size=m) < 0.35).astype(np.int64)  # about a third are cats, as there
        x = np.stack([_picture(rng, bool(label)) for label in y])
        path = os.path.join(folder, f"{split}_catvnoncat.h5")
        with h5py.File(path, "w") as f:
            f[f"{split}_set_x"] = x
            f[f"{split}_set_y"] = y
            f["list_classes"] = np.array([b"non-cat", b"cat"])
        paths.append(path)
    return paths[0], paths[1]


def cat_files(data: str | None, workdir: str, m_train: int = 209,
              m_test: int = 50) -> tuple[str, str]:
    """The course's two files in folder ``data``, or synthetic ones written to ``workdir``."""
    if data is None:
        print("NOTE: no --data FOLDER with the course's train_catvnoncat.h5 / test_catvnoncat.h5"
              " (see examples/data/README.md), so this run uses GENERATED pictures (orange"
              " discs with ears on coloured clutter); its accuracy says nothing about real"
              " photos.", file=sys.stderr)
        print("data: generated cat pictures (not the course's photos)")
        return write_cat_h5(workdir, m_train, m_test)
    train, test = (os.path.join(data, f"{s}_catvnoncat.h5") for s in ("train", "test"))
    for path in (train, test):
        if not os.path.isfile(path):
            raise SystemExit(f"--data {data}: expected the file {path}")
    print(f"data: the course's pictures from {data}")
    return train, test
