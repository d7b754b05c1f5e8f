"""save / load: exact round trips, format checks, atomic writes, corrupted and hostile files."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinygrad_nn.io import FORMAT_VERSION, CheckpointError, load, save

ALL_DTYPES = ["?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "c8", "c16"]


def assert_same(a: Any, b: Any, where: str = "obj") -> None:
    """Strict deep equality: same types, dict key order, dtypes, shapes and values."""
    assert type(a) is type(b), f"{where}: {type(a)} != {type(b)}"
    if isinstance(a, dict):
        assert list(a) == list(b), f"{where}: keys {list(a)} != {list(b)}"
        for k in a:
            assert type(k) is type(next(kb for kb in b if kb == k))
            assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, (np.ndarray, np.generic)):
        assert a.dtype == b.dtype and a.shape == b.shape, f"{where}: {a.dtype}{a.shape}"
        np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(a, float) and a != a:
        assert b != b, where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


class FakeTensor:
    """Anything with an ndarray ``.data`` is stored as that array."""

    def __init__(self, data: np.ndarray) -> None:
        self.data = data


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


def test_tensor_is_stored_as_its_array(tmp_path: Path) -> None:
    w = np.arange(6.0).reshape(2, 3)
    save({"w": FakeTensor(w)}, tmp_path / "a.h5")
    assert_same(load(tmp_path / "a.h5"), {"w": w})


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
    np.testing.assert_array_equal(fresh(x).data, model(x).data)


def test_real_optimizer_state_dict_round_trips_exactly(tmp_path: Path) -> None:
    optim = pytest.importorskip("tinygrad_nn.optim")
    import tinygrad_nn as tg

    if not hasattr(optim, "Adam"):
        pytest.skip("tinygrad_nn.optim.Adam is not available yet")

    def trained(steps: int) -> tuple[Any, Any]:
        w = tg.Tensor(np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3), requires_grad=True)
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
    w2.data[...] = ckpt["w"]
    opt2.load_state_dict(ckpt["optim"])
    for t, o in ((w, opt), (w2, opt2)):  # one more step from the restored state
        o.zero_grad()
        (t * t).sum().backward()
        o.step()
    np.testing.assert_array_equal(w2.data, w.data)


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


# ------------------------------------------------------------------------------ save errors


@pytest.mark.parametrize(
    ("obj", "fragment"),
    [
        ({"a": {"b": [1, object()]}}, "obj['a']['b'][1]"),
        ({"s": {1, 2}}, "builtins.set"),
        ({"x": np.array(["text"])}, "<U4"),
        ({"x": np.array([None], dtype=object)}, "object"),
        ({(1, 2): 0}, "tuple"),
        ({True: 0}, "bool"),
        ({"f": lambda: 0}, "function"),
    ],
)
def test_unsupported_values_raise_type_error_naming_the_key(
        tmp_path: Path, obj: Any, fragment: str) -> None:
    with pytest.raises(TypeError) as info:
        save(obj, tmp_path / "a.h5")
    assert fragment in str(info.value)
    assert os.listdir(tmp_path) == []


def test_self_containing_dict_and_bad_strings_raise_value_error(tmp_path: Path) -> None:
    loop: dict[str, Any] = {}
    loop["me"] = loop
    with pytest.raises(ValueError, match="nested deeper"):
        save(loop, tmp_path / "a.h5")
    with pytest.raises(ValueError, match="UTF-8"):
        save({"s": "\ud800"}, tmp_path / "a.h5")
    assert os.listdir(tmp_path) == []


def test_save_into_missing_folder_or_onto_a_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        save({}, tmp_path / "nope" / "a.h5")
    with pytest.raises(IsADirectoryError, match="is a directory"):
        save({}, tmp_path)


# ----------------------------------------------------------------------------- atomic write


@pytest.fixture
def old_checkpoint(tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / "ckpt.h5"
    save({"epoch": 1, "w": np.arange(10.0)}, path)
    return path, path.read_bytes()


def _assert_untouched(path: Path, old: bytes) -> None:
    assert path.read_bytes() == old
    assert os.listdir(path.parent) == [path.name], "a temporary file was left behind"
    assert load(path)["epoch"] == 1


NEW = {"epoch": 2, "w": np.ones((100, 100)), "more": [np.zeros(3), {"x": np.ones(4)}]}


def test_failure_while_writing_datasets_leaves_old_file(
        monkeypatch: pytest.MonkeyPatch, old_checkpoint: tuple[Path, bytes]) -> None:
    path, old = old_checkpoint
    real = h5py.Group.create_dataset
    calls = []

    def flaky(self: Any, *args: Any, **kw: Any) -> Any:
        calls.append(args)
        if len(calls) == 3:
            raise OSError("disk full (injected)")
        return real(self, *args, **kw)

    monkeypatch.setattr(h5py.Group, "create_dataset", flaky)
    with pytest.raises(OSError, match="injected"):
        save(NEW, path)
    monkeypatch.undo()
    _assert_untouched(path, old)


@pytest.mark.parametrize("target", ["fsync", "replace"])
def test_failure_at_fsync_or_replace_leaves_old_file(
        monkeypatch: pytest.MonkeyPatch, old_checkpoint: tuple[Path, bytes], target: str) -> None:
    path, old = old_checkpoint

    def boom(*args: Any) -> None:
        raise OSError(f"{target} failed (injected)")

    monkeypatch.setattr(os, target, boom)
    with pytest.raises(OSError, match="injected"):
        save(NEW, path)
    monkeypatch.undo()
    _assert_untouched(path, old)


def test_interrupt_or_bad_value_midway_leaves_old_file(
        monkeypatch: pytest.MonkeyPatch, old_checkpoint: tuple[Path, bytes]) -> None:
    path, old = old_checkpoint
    with pytest.raises(TypeError):
        save({"w": np.ones(1000), "bad": object()}, path)
    _assert_untouched(path, old)

    def interrupt(self: Any, *args: Any, **kw: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(h5py.Group, "create_group", interrupt)
    with pytest.raises(KeyboardInterrupt):
        save(NEW, path)
    monkeypatch.undo()
    _assert_untouched(path, old)


def test_successful_overwrite_keeps_permissions(old_checkpoint: tuple[Path, bytes]) -> None:
    path, _ = old_checkpoint
    os.chmod(path, 0o640)
    save(NEW, path)
    assert load(path)["epoch"] == 2
    assert os.listdir(path.parent) == [path.name]
    if os.name == "posix":
        assert os.stat(path).st_mode & 0o777 == 0o640


# ------------------------------------------------------------------- refused or bad files


def _load_error(path: Path) -> CheckpointError:
    with pytest.raises(CheckpointError) as info:
        load(path)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.path == str(path) and str(path) in str(err)
    return err


def test_missing_empty_directory_and_not_hdf5(tmp_path: Path) -> None:
    assert "no such file" in str(_load_error(tmp_path / "missing.h5"))
    assert "directory" in str(_load_error(tmp_path))
    (tmp_path / "empty.h5").write_bytes(b"")
    assert "empty" in str(_load_error(tmp_path / "empty.h5"))
    (tmp_path / "text.h5").write_text("not a checkpoint\n" * 100)
    assert "not an HDF5 file" in str(_load_error(tmp_path / "text.h5"))
    (tmp_path / "pickle.pt").write_bytes(pickle.dumps({"a": 1}))
    assert "not an HDF5 file" in str(_load_error(tmp_path / "pickle.pt"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    assert "not a regular file" in str(_load_error(tmp_path / "pipe"))


def test_truncated_file(old_checkpoint: tuple[Path, bytes]) -> None:
    path, old = old_checkpoint
    path.write_bytes(old[: len(old) // 2])
    _load_error(path)


def test_foreign_hdf5_file(tmp_path: Path) -> None:
    with h5py.File(tmp_path / "keras.h5", "w") as f:
        f.create_dataset("model_weights", data=np.ones(3))
    assert "not written by tinygrad_nn.save" in str(_load_error(tmp_path / "keras.h5"))


def test_newer_format_version_is_refused(old_checkpoint: tuple[Path, bytes]) -> None:
    path, _ = old_checkpoint
    with h5py.File(path, "r+") as f:
        f.attrs["format_version"] = np.int64(FORMAT_VERSION + 1)
        f.attrs["library_version"] = np.bytes_("9.0.0")
    msg = str(_load_error(path))
    assert f"version {FORMAT_VERSION + 1}" in msg and "9.0.0" in msg and "upgrade" in msg


def test_changed_array_bytes_fail_the_checksum(tmp_path: Path) -> None:
    path = tmp_path / "a.h5"
    w = np.arange(64, dtype=np.float64)
    save({"w": w}, path)
    data = bytearray(path.read_bytes())
    at = bytes(data).index(w[1:].tobytes())
    data[at + 20] ^= 0x40
    path.write_bytes(bytes(data))
    assert "checksum" in str(_load_error(path))


class _Trap:
    """Unpickling this calls ``open(marker, 'w')``, i.e. runs code that creates a file."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return open, (self.marker, "w")


def _live_payload(marker: Path) -> bytes:
    payload = pickle.dumps(_Trap(marker), protocol=0)  # ASCII, so it fits a string too
    pickle.loads(payload).close()  # prove the payload really runs code...
    assert marker.exists()
    marker.unlink()  # ...then reset
    return payload


@pytest.mark.parametrize("storage", ["opaque", "vlen-str", "vlen-uint8", "uint8"])
@pytest.mark.parametrize("disguised", [False, True])
def test_pickled_payload_is_never_unpickled(
        tmp_path: Path, storage: str, disguised: bool) -> None:
    marker = tmp_path / "PWNED"
    payload = _live_payload(marker)
    path = tmp_path / "evil.h5"
    with h5py.File(path, "w", track_order=True) as f:
        if storage == "opaque":
            ds = f.create_dataset("w", data=np.void(payload))
        elif storage == "vlen-str":
            ds = f.create_dataset("w", data=payload, dtype=h5py.string_dtype("ascii"))
        elif storage == "vlen-uint8":
            ds = f.create_dataset("w", shape=(1,), dtype=h5py.vlen_dtype(np.uint8))
            ds[0] = np.frombuffer(payload, np.uint8)
        else:  # raw bytes: only a loader that called pickle.loads on them would run them
            ds = f.create_dataset("w", data=np.frombuffer(payload, np.uint8))
        if disguised:  # everything else looks like a real checkpoint
            f.attrs["tinygrad_nn_format"] = np.bytes_("tinygrad_nn.checkpoint")
            f.attrs["format_version"] = np.int64(1)
            f.attrs["digest"] = np.bytes_("0" * 64)
            f.attrs["kind"] = np.bytes_("dict")
            ds.attrs["kind"] = np.bytes_("ndarray" if storage != "uint8" else "str")
    err = _load_error(path)
    assert not marker.exists()
    if disguised and storage != "uint8":
        assert "dtype" in str(err)


def test_soft_and_external_links_are_refused(tmp_path: Path) -> None:
    save({"a": np.ones(2)}, tmp_path / "other.h5")
    for link in (h5py.SoftLink("/a"), h5py.ExternalLink(str(tmp_path / "other.h5"), "/a")):
        path = tmp_path / "linked.h5"
        save({"a": np.ones(2)}, path)
        with h5py.File(path, "r+") as f:
            f["b"] = link
        assert "Link" in str(_load_error(path))


def test_error_pickles_and_is_a_value_error() -> None:
    err = CheckpointError("/x/y.h5", "the file is empty (0 bytes)")
    again = pickle.loads(pickle.dumps(err))
    assert isinstance(again, ValueError)
    assert (again.path, again.problem, str(again)) == (err.path, err.problem, str(err))


# ------------------------------------------------------------------------ fuzzed corruption

FUZZ_OBJ = {"model": {"w": np.arange(12, dtype=np.float32).reshape(3, 4), "b": np.zeros(3)},
            "optim": {"state": {0: {"step": 3, "m": np.ones(2)}},
                      "groups": [{"lr": 0.1, "betas": (0.9, 0.999)}]},
            "epoch": 3, "name": "run", "flag": True, "none": None}


@pytest.fixture(scope="module")
def good_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("fuzz") / "good.h5"
    save(FUZZ_OBJ, path)
    return path.read_bytes()


def _load_or_error(tmp: Path, data: bytes) -> None:
    path = tmp / "bad.h5"
    path.write_bytes(data)
    try:
        out = load(path)
    except CheckpointError as err:
        assert err.path == str(path)
        return
    assert_same(out, FUZZ_OBJ)


FUZZ = settings(max_examples=150, deadline=1000,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(cut=st.floats(0.0, 1.0, exclude_max=True))
def test_fuzz_truncation(tmp_path: Path, good_bytes: bytes, cut: float) -> None:
    _load_or_error(tmp_path, good_bytes[: int(cut * len(good_bytes))])


@FUZZ
@given(flips=st.lists(st.tuples(st.floats(0.0, 1.0, exclude_max=True), st.integers(1, 255)),
                      min_size=1, max_size=6))
def test_fuzz_byte_flips(tmp_path: Path, good_bytes: bytes,
                         flips: list[tuple[float, int]]) -> None:
    data = bytearray(good_bytes)
    for where, mask in flips:
        data[int(where * len(data))] ^= mask
    _load_or_error(tmp_path, bytes(data))
