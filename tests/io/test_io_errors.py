"""save / load when things go wrong: refused values, atomic writes, corrupted and hostile files.

A failed save leaves the old file as it was; a bad file raises CheckpointError naming it and
never runs code from it. Round trips of good files are in test_io.py.
"""

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

from tests.io.io_helpers import assert_same
from tinygrad_nn.io import FORMAT_VERSION, CheckpointError, load, save

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
