"""TensorDataset, DataLoader, random_mini_batches (the course's algorithm), load_h5_dataset."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pytest

from tinygrad_nn.data import DataLoader, TensorDataset, load_h5_dataset, random_mini_batches
from tinygrad_nn.io import CheckpointError


@pytest.fixture
def tg() -> Any:
    """The package, once Tensor and manual_seed exist (written in parallel)."""
    pytest.importorskip("tinygrad_nn.tensor")
    import tinygrad_nn

    if not hasattr(tinygrad_nn, "manual_seed"):
        pytest.skip("tinygrad_nn.manual_seed is not available yet")
    return tinygrad_nn


# ------------------------------------------------------------------- random_mini_batches


def course_random_mini_batches(X: np.ndarray, Y: np.ndarray, mini_batch_size: int = 64,
                               seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """The deep-learning course's reference, verbatim in substance."""
    np.random.seed(seed)
    m = X.shape[1]
    mini_batches = []
    permutation = list(np.random.permutation(m))
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, permutation].reshape((1, m))
    num_complete_minibatches = math.floor(m / mini_batch_size)
    for k in range(0, num_complete_minibatches):
        mini_batch_X = shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size]
        mini_batch_Y = shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]
        mini_batches.append((mini_batch_X, mini_batch_Y))
    if m % mini_batch_size != 0:
        mini_batch_X = shuffled_X[:, num_complete_minibatches * mini_batch_size:m]
        mini_batch_Y = shuffled_Y[:, num_complete_minibatches * mini_batch_size:m]
        mini_batches.append((mini_batch_X, mini_batch_Y))
    return mini_batches


@pytest.mark.parametrize(("m", "size", "seed"),
                         [(148, 64, 0), (128, 64, 1), (300, 64, 10), (5, 64, 3), (7, 1, 2),
                          (1, 1, 0), (1000, 100, 42), (63, 64, 0)])
def test_random_mini_batches_matches_the_course(m: int, size: int, seed: int) -> None:
    rng = np.random.default_rng(m)
    X, Y = rng.standard_normal((5, m)), (rng.random((1, m)) > 0.5).astype(float)
    mine = random_mini_batches(X, Y, size, seed)
    state = np.random.get_state()
    try:
        ref = course_random_mini_batches(X, Y, size, seed)
    finally:
        np.random.set_state(state)
    assert len(mine) == len(ref) == math.ceil(m / size)
    for (mx, my), (rx, ry) in zip(mine, ref):
        np.testing.assert_array_equal(mx, rx)
        np.testing.assert_array_equal(my, ry)


def test_random_mini_batches_partition_sizes() -> None:
    X = np.arange(2 * 148).reshape(2, 148)
    Y = np.arange(148).reshape(1, 148)
    batches = random_mini_batches(X, Y, mini_batch_size=64, seed=0)
    assert [bx.shape for bx, _ in batches] == [(2, 64), (2, 64), (2, 20)]
    assert [by.shape for _, by in batches] == [(1, 64), (1, 64), (1, 20)]
    order = np.concatenate([by[0] for _, by in batches])
    assert sorted(order) == list(range(148))
    for bx, by in batches:  # columns stay paired
        np.testing.assert_array_equal(bx[0], by[0] * 1)
        np.testing.assert_array_equal(bx[1], by[0] + 148)
    assert [b[0].shape[1] for b in random_mini_batches(X[:, :128], Y[:, :128])] == [64, 64]


def test_random_mini_batches_leaves_global_rng_alone() -> None:
    np.random.seed(123)
    state = np.random.get_state()
    random_mini_batches(np.ones((3, 50)), np.ones((1, 50)), 8, seed=7)
    after = np.random.get_state()
    assert state[0] == after[0] and np.array_equal(state[1], after[1]) and state[2:] == after[2:]


def test_random_mini_batches_seed_changes_order() -> None:
    X, Y = np.arange(40.0).reshape(1, 40), np.arange(40.0).reshape(1, 40)
    a = random_mini_batches(X, Y, 40, seed=0)[0][0]
    b = random_mini_batches(X, Y, 40, seed=1)[0][0]
    c = random_mini_batches(X, Y, 40, seed=0)[0][0]
    assert not np.array_equal(a, b) and np.array_equal(a, c)


def test_random_mini_batches_errors() -> None:
    with pytest.raises(ValueError, match=r"X \(3, 10\) and Y \(1, 9\)"):
        random_mini_batches(np.ones((3, 10)), np.ones((1, 9)))
    with pytest.raises(ValueError, match=">= 1, got 0"):
        random_mini_batches(np.ones((3, 10)), np.ones((1, 10)), 0)
    with pytest.raises(TypeError, match="must be an int, got float"):
        random_mini_batches(np.ones((3, 10)), np.ones((1, 10)), 2.5)  # type: ignore[arg-type]


def test_random_mini_batches_with_tensors(tg: Any) -> None:
    X, Y = np.arange(30.0).reshape(3, 10), np.arange(10.0).reshape(1, 10)
    batches = random_mini_batches(tg.tensor(X), tg.tensor(Y), 4, seed=3)
    ref = random_mini_batches(X, Y, 4, seed=3)
    assert all(isinstance(b, tg.Tensor) for pair in batches for b in pair)
    for (tx, ty), (rx, ry) in zip(batches, ref):
        np.testing.assert_array_equal(tx.numpy(), rx)
        np.testing.assert_array_equal(ty.numpy(), ry)


# --------------------------------------------------------------------------- TensorDataset


def test_tensor_dataset_items(tg: Any) -> None:
    X = np.arange(20.0, dtype=np.float32).reshape(10, 2)
    y = np.arange(10)
    ds = TensorDataset(tg.tensor(X), y)
    assert len(ds) == 10
    x3, y3 = ds[3]
    assert isinstance(x3, tg.Tensor) and isinstance(y3, tg.Tensor)
    np.testing.assert_array_equal(x3.numpy(), X[3])
    assert y3.numpy().shape == () and y3.numpy().dtype == y.dtype and int(y3.numpy()) == 3
    xs, _ = ds[2:5]
    assert xs.numpy().shape == (3, 2)
    np.testing.assert_array_equal(ds[-1][0].numpy(), X[-1])


def test_tensor_dataset_errors(tg: Any) -> None:
    with pytest.raises(AssertionError, match="^Size mismatch between tensors$"):  # PyTorch's
        TensorDataset(tg.tensor(np.ones((10, 2))), tg.tensor(np.ones(9)))
    with pytest.raises(ValueError, match="at least one tensor"):
        TensorDataset()
    with pytest.raises(ValueError, match="first axis"):
        TensorDataset(np.float64(1.0))


# ------------------------------------------------------------------------------ DataLoader


def _dataset(tg: Any, n: int = 10) -> tuple[TensorDataset, np.ndarray, np.ndarray]:
    X = np.arange(3.0 * n, dtype=np.float32).reshape(n, 3)
    y = np.arange(n)
    return TensorDataset(tg.tensor(X), tg.tensor(y)), X, y


@pytest.mark.parametrize(("n", "bs", "drop_last", "sizes"),
                         [(10, 3, False, [3, 3, 3, 1]), (10, 3, True, [3, 3, 3]),
                          (9, 3, False, [3, 3, 3]), (2, 5, False, [2]), (2, 5, True, []),
                          (0, 4, False, [])])
def test_loader_batches_in_order(tg: Any, n: int, bs: int, drop_last: bool,
                                 sizes: list[int]) -> None:
    ds, X, y = _dataset(tg, n)
    loader = DataLoader(ds, batch_size=bs, drop_last=drop_last)
    batches = list(loader)
    assert len(loader) == len(batches) == len(sizes)
    assert [len(bx.numpy()) for bx, _ in batches] == sizes
    if sizes:
        got = np.concatenate([bx.numpy() for bx, _ in batches])
        np.testing.assert_array_equal(got, X[: len(got)])
        np.testing.assert_array_equal(np.concatenate([by.numpy() for _, by in batches]),
                                      y[: len(got)])
        assert all(isinstance(t, tg.Tensor) for b in batches for t in b)


def test_loader_shuffle_is_a_repeatable_permutation(tg: Any) -> None:
    ds, X, y = _dataset(tg, 50)
    loader = DataLoader(ds, batch_size=8, shuffle=True)
    tg.manual_seed(0)
    epoch1 = np.concatenate([by.numpy() for _, by in loader])
    epoch2 = np.concatenate([by.numpy() for _, by in loader])
    tg.manual_seed(0)
    again = np.concatenate([by.numpy() for _, by in loader])
    assert sorted(epoch1) == list(range(50))
    assert not np.array_equal(epoch1, np.arange(50))
    assert not np.array_equal(epoch1, epoch2)
    np.testing.assert_array_equal(epoch1, again)
    for bx, by in loader:  # pairs stay together
        np.testing.assert_array_equal(bx.numpy(), X[by.numpy()])


def test_loader_batches_are_copies(tg: Any) -> None:
    ds, X, _ = _dataset(tg, 4)
    bx, _ = next(iter(DataLoader(ds, batch_size=4)))
    bx.numpy()[...] = -1
    np.testing.assert_array_equal(ds.tensors[0].numpy(), X)


def test_loader_on_plain_sequences(tg: Any) -> None:
    pairs = [(np.full(2, i, np.float32), i) for i in range(5)]
    (bx, by), (cx, cy) = list(DataLoader(pairs, batch_size=3))
    assert bx.numpy().shape == (3, 2) and bx.numpy().dtype == np.float32
    np.testing.assert_array_equal(by.numpy(), [0, 1, 2])
    np.testing.assert_array_equal(cy.numpy(), [3, 4])
    single = list(DataLoader([tg.tensor(np.ones(3)) * 1.0] * 4, batch_size=2))
    assert len(single) == 2 and single[0].numpy().shape == (2, 3)


def test_loader_errors() -> None:
    # PyTorch's BatchSampler error (a ValueError also for a bool or float batch_size)
    for bad in (0, True, 2.0):
        with pytest.raises(ValueError, match=f"batch_size should be a positive integer value, "
                           f"but got batch_size={bad}"):
            DataLoader([1, 2], batch_size=bad)
    with pytest.raises(TypeError, match="len"):
        DataLoader(5)


# ------------------------------------------------------------------------- load_h5_dataset


@pytest.fixture
def course_file(tmp_path: Path) -> Path:
    path = tmp_path / "train_catvnoncat.h5"
    rng = np.random.default_rng(0)
    with h5py.File(path, "w") as f:
        f.create_dataset("train_set_x", data=rng.integers(0, 256, (7, 8, 8, 3), dtype=np.uint8))
        f.create_dataset("train_set_y", data=np.array([0, 1, 1, 0, 0, 1, 0]))
        f.create_dataset("list_classes", data=np.array([b"non-cat", b"cat"]))
        f.create_dataset("grp/x", data=np.ones((2, 2)))
    return path


def test_load_h5_dataset(course_file: Path) -> None:
    X, Y = load_h5_dataset(course_file, "train_set_x", "train_set_y")
    assert isinstance(X, np.ndarray) and X.shape == (7, 8, 8, 3) and X.dtype == np.uint8
    np.testing.assert_array_equal(Y, [0, 1, 1, 0, 0, 1, 0])
    with h5py.File(course_file, "r") as f:
        np.testing.assert_array_equal(X, f["train_set_x"][()])
    gx, _ = load_h5_dataset(str(course_file), "grp/x", "train_set_y")
    assert gx.shape == (2, 2)


def test_load_h5_dataset_missing_key_lists_keys(course_file: Path) -> None:
    with pytest.raises(KeyError) as info:
        load_h5_dataset(course_file, "train_set_x", "test_set_y")
    msg = str(info.value)
    assert "test_set_y" in msg and "train_set_y" in msg and "list_classes" in msg
    with pytest.raises(KeyError, match="grp"):  # a group is not a dataset
        load_h5_dataset(course_file, "grp", "train_set_y")


def test_load_h5_dataset_bad_files(tmp_path: Path, course_file: Path) -> None:
    for path, fragment in [(tmp_path / "nope.h5", "no such file"), (tmp_path, "directory")]:
        with pytest.raises(CheckpointError, match=fragment) as info:
            load_h5_dataset(path, "x", "y")
        assert info.value.path == str(path)
    (tmp_path / "t.h5").write_text("hello")
    with pytest.raises(CheckpointError, match="not an HDF5 file"):
        load_h5_dataset(tmp_path / "t.h5", "x", "y")
    (tmp_path / "cut.h5").write_bytes(course_file.read_bytes()[:1000])
    with pytest.raises(CheckpointError, match="cut.h5"):
        load_h5_dataset(tmp_path / "cut.h5", "train_set_x", "train_set_y")
    with pytest.raises(CheckpointError, match="dtype"):
        load_h5_dataset(course_file, "list_classes", "train_set_y")
    with h5py.File(tmp_path / "obj.h5", "w") as f:
        f.create_dataset("x", shape=(1,), dtype=h5py.vlen_dtype(np.uint8))
        f.create_dataset("y", data=np.ones(1))
    with pytest.raises(CheckpointError, match="dtype"):
        load_h5_dataset(tmp_path / "obj.h5", "x", "y")
