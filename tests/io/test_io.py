"""save / load: exact round trips of every supported type, and the file format's records.

Refused values, atomic writes, and corrupted or hostile files are in test_io_errors.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pytest

import tinygrad_nn
from tests.io.io_helpers import assert_same
from tinygrad_nn.io import FORMAT_VERSION, load, save

ALL_DTYPES = ["?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "c8", "c16"]


def every_type() -> dict[Any, Any]:
    rng = np.random.default_rng(0)
    return {
        "model": {
            "fc1.weight": rng.standard_normal((4, 3)).astype(np.float32),
            "fc1.bias": np.zeros(4, np.float32),
            "bn.num_batches_tracked": np.array(7, dtype=np.int64),
        },
        "optim": {
            "state": {0: {"step": 3, "exp_avg": np.ones((4, 3))}, 1: {}},
            "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "params": [0, 1],
                              "amsgrad": False, "foreach": None}],
        },
        "epoch": 3, "loss": 0.125, "nan": float("nan"), "inf": -float("inf"), "done": True,
        "big": -(2**100), "i64_min": -(2**63), "name": "résumé ✓ 日本", "nul": "a\0b",
        "empty_str": "", "empty_dict": {}, "empty_list": [], "empty_tuple": (), "none": None,
        "nested": [1, "two", 3.0, None, np.arange(3), {"k": [()]}, (1, (2, [3]))],
        "scalar0d": np.array(2.5), "bool_arr": np.array([True, False]),
        "np_scalar": np.float16(1.5), "np_int": np.int32(-4), "np_bool": np.bool_(True),
        "complex": np.array([1 + 2j, -3j], np.complex64), "empty_arr": np.zeros((0, 5)),
        "u8_img": rng.integers(0, 256, (2, 4, 4, 3), dtype=np.uint8),
        7: "int key", -1: "negative int key", "7": "str key that looks like an int",
        "": "empty key", ".": "dot", "..": "dots", "a/b": "slash", "50%": "percent",
        "%i3": "looks like an escaped int key", "%2F": "looks escaped", "\0": "nul key",
    }


def test_round_trip_every_supported_type(tmp_path: Path) -> None:
    obj = every_type()
    save(obj, tmp_path / "ckpt.h5")
    assert_same(load(tmp_path / "ckpt.h5"), obj)
    assert_same(load(str(tmp_path / "ckpt.h5")), obj)


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 0, 3), (2, 3, 4)])
def test_array_dtypes_and_shapes(tmp_path: Path, dtype: str, shape: tuple[int, ...]) -> None:
    arr = (np.arange(int(np.prod(shape))) % 3).astype(dtype).reshape(shape)
    save({"a": arr}, tmp_path / "a.h5")
    assert_same(load(tmp_path / "a.h5"), {"a": arr})


def test_layout_and_byte_order_normalised(tmp_path: Path) -> None:
    fortran = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    big = np.arange(5, dtype=">i4")
    strided = np.arange(20)[::3]
    save([fortran, big, strided], tmp_path / "a.h5")
    out = load(tmp_path / "a.h5")
    np.testing.assert_array_equal(out[0], fortran)
    assert out[1].dtype == np.dtype("i4") and out[1].dtype.isnative
    np.testing.assert_array_equal(out[1], big)
    np.testing.assert_array_equal(out[2], strided)


@pytest.mark.parametrize("obj", [{}, [], (), None, 5, "x", np.arange(3), {"a": {}}, [[[]]]])
def test_top_level_values_and_empty_containers(tmp_path: Path, obj: Any) -> None:
    save(obj, tmp_path / "a.h5")
    assert_same(load(tmp_path / "a.h5"), obj)


@pytest.mark.parametrize("requires_grad", [False, True])
def test_tensor_loads_as_a_tensor(tmp_path: Path, requires_grad: bool) -> None:
    """torch.load gives back a Tensor with its dtype and requires_grad, a Parameter as one."""
    w = tinygrad_nn.tensor(np.arange(6.0).reshape(2, 3), requires_grad=requires_grad)
    p = tinygrad_nn.nn.Parameter(np.ones(2, np.float32), requires_grad=requires_grad)
    save({"w": w, "p": p, "a": w.detach().numpy()}, tmp_path / "a.h5")
    back = load(tmp_path / "a.h5")
    assert_same(back, {"w": w, "p": p, "a": w.detach().numpy()})
    assert type(back["p"]) is tinygrad_nn.nn.Parameter and type(back["w"]) is tinygrad_nn.Tensor
    assert back["w"].is_leaf and back["w"].grad_fn is None


def test_real_model_and_optimizer_state_dicts(tmp_path: Path) -> None:
    nn = pytest.importorskip("tinygrad_nn.nn")
    optim = pytest.importorskip("tinygrad_nn.optim")
    import tinygrad_nn as tg

    if not all(hasattr(nn, n) for n in ("Sequential", "Linear", "ReLU")) or not hasattr(
            optim, "Adam"):
        pytest.skip("tinygrad_nn.nn / optim are not complete yet")
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    opt = optim.Adam(model.parameters(), lr=0.01)
    model(tg.randn(5, 3)).sum().backward()
    opt.step()
    tg.save({"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 3},
            tmp_path / "m.h5")
    ckpt = tg.load(tmp_path / "m.h5")
    assert ckpt["epoch"] == 3
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(ckpt["model"][name], getattr(value, "data", value))
    fresh = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    fresh.load_state_dict(ckpt["model"])
    x = tg.randn(2, 3)
    np.testing.assert_array_equal(fresh(x).detach().numpy(), model(x).detach().numpy())


def test_real_optimizer_state_dict_round_trips_exactly(tmp_path: Path) -> None:
    optim = pytest.importorskip("tinygrad_nn.optim")
    import tinygrad_nn as tg

    if not hasattr(optim, "Adam"):
        pytest.skip("tinygrad_nn.optim.Adam is not available yet")

    def trained(steps: int) -> tuple[Any, Any]:
        w = tg.tensor(np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3), requires_grad=True)
        opt = optim.Adam([w], lr=0.1)
        for _ in range(steps):
            opt.zero_grad()
            (w * w).sum().backward()
            opt.step()
        return w, opt

    w, opt = trained(2)
    tg.save({"optim": opt.state_dict(), "w": w}, tmp_path / "o.h5")
    ckpt = tg.load(tmp_path / "o.h5")
    assert_same(ckpt["optim"], opt.state_dict())
    w2, opt2 = trained(0)
    w2.detach().numpy()[...] = ckpt["w"].detach().numpy()
    opt2.load_state_dict(ckpt["optim"])
    for t, o in ((w, opt), (w2, opt2)):  # one more step from the restored state
        o.zero_grad()
        (t * t).sum().backward()
        o.step()
    np.testing.assert_array_equal(w2.detach().numpy(), w.detach().numpy())


def test_root_records_format_and_library_version(tmp_path: Path) -> None:
    save({"a": 1}, tmp_path / "a.h5")
    with h5py.File(tmp_path / "a.h5", "r") as f:
        assert f.attrs["tinygrad_nn_format"] == b"tinygrad_nn.checkpoint"
        assert int(f.attrs["format_version"]) == FORMAT_VERSION
        assert f.attrs["library_version"].decode() == "0.1.0"


def test_package_level_names() -> None:
    import tinygrad_nn
    import tinygrad_nn.io as tio

    assert tinygrad_nn.save is tio.save and tinygrad_nn.load is tio.load
