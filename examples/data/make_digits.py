"""Export scikit-learn's 8x8 digits to HDF5 in the course's layout (run once; output committed).

    python examples/data/make_digits.py

scikit-learn bundles the 1,797 handwritten digits of the UCI "Optical Recognition of
Handwritten Digits" set (BSD licence; no download). This writes, next to this script,

    train_digits.h5   train_set_x (1438, 8, 8) uint8, train_set_y (1438,) int64, list_classes
    test_digits.h5    test_set_x  (359, 8, 8)  uint8, test_set_y  (359,)  int64, list_classes

the keys and dtypes of the course's train_catvnoncat.h5 / test_catvnoncat.h5. Pixels are the
original 0-16 grey levels (read them with ``tinygrad_nn.data.load_h5_dataset`` and divide by
16). The split is stratified, 80 % / 20 %, with a fixed seed, so the files are reproducible.
"""

from __future__ import annotations

import os

import h5py
import numpy as np
from sklearn.datasets import load_digits

HERE = os.path.dirname(os.path.abspath(__file__))


def split(y: np.ndarray, test_fraction: float = 0.2, seed: int = 0) -> tuple[np.ndarray, ...]:
    """Stratified split: the same fraction of every class goes to the test set."""
    rng = np.random.RandomState(seed)
    train, test = [], []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        n_test = int(round(test_fraction * len(idx)))
        test.append(idx[:n_test])
        train.append(idx[n_test:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def main() -> None:
    digits = load_digits()
    x = digits.images.astype(np.uint8)  # (1797, 8, 8), grey levels 0..16
    y = digits.target.astype(np.int64)
    classes = np.array([str(c).encode() for c in digits.target_names])  # b"0" ... b"9"
    for name, idx in zip(("train", "test"), split(y)):
        path = os.path.join(HERE, f"{name}_digits.h5")
        # fixed timestamps off, so re-running the script gives the same bytes
        with h5py.File(path, "w", track_times=False) as f:
            f.create_dataset(f"{name}_set_x", data=x[idx], track_times=False)
            f.create_dataset(f"{name}_set_y", data=y[idx], track_times=False)
            f.create_dataset("list_classes", data=classes, track_times=False)
        print(f"{path}: {len(idx)} images")


if __name__ == "__main__":
    main()
