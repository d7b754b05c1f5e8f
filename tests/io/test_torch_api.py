"""save / load with PyTorch's signatures: file objects, map_location, weights_only and the
pickle options PyTorch programs pass, Tensors back as Tensors, and version-1 files."""

from __future__ import annotations

import io
from pathlib import Path

import h5py
import numpy as np
import pytest

import tinygrad_nn as tg
from tests.io.io_helpers import assert_same
from tinygrad_nn.io import CheckpointError, load, save


def _state() -> dict:
    model = tg.nn.Sequential(tg.nn.Linear(3, 4), tg.nn.BatchNorm1d(4))
    return {"model": model.state_dict(), "w": tg.ones(2, requires_grad=True), "n": 3}


def test_bytesio_round_trip() -> None:
    """PyTorch's in-memory idiom: save into a BytesIO, seek(0), load from it."""
    state = _state()
    buffer = io.BytesIO()
    save(state, buffer)
    buffer.seek(0)
    assert_same(load(buffer), state)


def test_open_file_objects_round_trip_and_keep_their_position(tmp_path: Path) -> None:
    """``torch.save(obj, open(p, "wb"))`` (pytorch/examples' time_sequence_prediction) and
    ``torch.load(open(p, "rb"))``; a file object is written and read at its position."""
    data = np.sin(np.arange(12.0)).reshape(3, 4)
    with open(tmp_path / "a.pt", "wb") as fh:
        fh.write(b"HEAD")
        save(data, fh)
        end = fh.tell()
    with open(tmp_path / "a.pt", "rb") as fh:
        assert fh.read(4) == b"HEAD"
        back = load(fh)
        assert fh.tell() == end
    assert_same(back, data)
    assert_same(load(io.BytesIO((tmp_path / "a.pt").read_bytes()[4:])), data)


def test_text_mode_and_non_file_objects_are_refused(tmp_path: Path) -> None:
    save({"a": 1}, tmp_path / "a.pt")
    with open(tmp_path / "a.pt", encoding="latin-1") as fh, \
            pytest.raises(TypeError, match="binary mode"):
        load(fh)
    with pytest.raises(TypeError, match="file path or a binary file object"):
        load(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="file path or a binary file object"):
        save({}, 42)  # type: ignore[arg-type]


def test_empty_and_foreign_file_objects_raise_checkpoint_errors() -> None:
    with pytest.raises(CheckpointError, match="empty"):
        load(io.BytesIO())
    with pytest.raises(CheckpointError, match="signature"):
        load(io.BytesIO(b"PK\x03\x04 a torch zip file"))
    buffer = io.BytesIO()
    save({"a": np.arange(100.0)}, buffer)
    with pytest.raises(CheckpointError):
        load(io.BytesIO(buffer.getvalue()[: len(buffer.getvalue()) // 2]))


@pytest.mark.parametrize("where", ["cpu", "cpu:0", tg.device("cpu"), {"cuda:0": "cpu"},
                                   {"cpu": "cpu"}])
def test_map_location_to_the_cpu_changes_nothing(tmp_path: Path, where: object) -> None:
    state = _state()
    save(state, tmp_path / "a.pt")
    assert_same(load(tmp_path / "a.pt", map_location=where), state)


@pytest.mark.parametrize("where", ["cuda", "cuda:1", {"cpu": "cuda:0"}, "mps"])
def test_map_location_to_another_device_raises(tmp_path: Path, where: object) -> None:
    save({"a": tg.ones(2)}, tmp_path / "a.pt")
    with pytest.raises(RuntimeError, match="CPU only"):
        load(tmp_path / "a.pt", map_location=where)


def test_map_location_callable_sees_every_tensor_and_may_replace_it(tmp_path: Path) -> None:
    save({"a": tg.ones(2), "b": [tg.zeros(3)], "c": np.ones(1)}, tmp_path / "a.pt")
    seen = []

    def keep(storage: tg.Tensor, location: str) -> tg.Tensor:  # torch's idiom: lambda s, l: s
        seen.append((tuple(storage.shape), location))
        return storage

    back = load(tmp_path / "a.pt", map_location=keep)
    assert seen == [((2,), "cpu"), ((3,), "cpu")]  # Tensors only, in order
    np.testing.assert_array_equal(back["a"].numpy(), np.ones(2))
    doubled = load(tmp_path / "a.pt", map_location=lambda s, loc: s * 2)
    np.testing.assert_array_equal(doubled["b"][0].numpy(), np.zeros(3))
    np.testing.assert_array_equal(doubled["a"].numpy(), 2 * np.ones(2))
    with pytest.raises(TypeError, match="map_location"):
        load(tmp_path / "a.pt", map_location=3)


def test_pytorch_only_options_are_accepted(tmp_path: Path) -> None:
    """Options of PyTorch's pickle format: nothing is pickled, so they change nothing."""
    import pickle

    state = _state()
    save(state, tmp_path / "a.pt", pickle_module=pickle, pickle_protocol=4,
         _use_new_zipfile_serialization=False)
    for kw in ({"weights_only": True}, {"weights_only": False}, {"mmap": True},
               {"pickle_module": pickle, "encoding": "latin1"}):
        assert_same(load(tmp_path / "a.pt", **kw), state)


def test_a_loaded_state_dict_restores_a_model(tmp_path: Path) -> None:
    """The everyday round trip, with what torch.load returns (Tensors)."""
    tg.manual_seed(0)
    model = tg.nn.Sequential(tg.nn.Linear(3, 4), tg.nn.ReLU(), tg.nn.Linear(4, 2))
    save(model.state_dict(), tmp_path / "m.pt")
    loaded = load(tmp_path / "m.pt", map_location="cpu", weights_only=True)
    assert all(type(v) is tg.Tensor and not v.requires_grad for v in loaded.values())
    fresh = tg.nn.Sequential(tg.nn.Linear(3, 4), tg.nn.ReLU(), tg.nn.Linear(4, 2))
    fresh.load_state_dict(loaded)
    x = tg.randn(5, 3)
    np.testing.assert_array_equal(fresh(x).detach().numpy(), model(x).detach().numpy())


def test_version_1_files_still_load(tmp_path: Path) -> None:
    """Format 1 stored Tensors as arrays (kind 'ndarray'): such files load as before."""
    path = tmp_path / "v1.h5"
    save({"w": np.arange(3.0)}, path)  # arrays are stored the same way in both versions
    with h5py.File(path, "r+") as f:
        f.attrs["format_version"] = np.int64(1)
    assert_same(load(path), {"w": np.arange(3.0)})


def test_same_objects_as_torch_load_returns(tmp_path: Path) -> None:
    """The types torch.load gives back for what torch.save was given."""
    torch = pytest.importorskip("torch")
    ours = {"t": tg.ones(2), "g": tg.ones(2, requires_grad=True),
            "p": tg.nn.Parameter(tg.ones(2)), "a": np.ones(2), "i": 1, "s": "x", "l": [1.5]}
    theirs = {"t": torch.ones(2), "g": torch.ones(2, requires_grad=True),
              "p": torch.nn.Parameter(torch.ones(2)), "a": np.ones(2), "i": 1, "s": "x",
              "l": [1.5]}
    save(ours, tmp_path / "a.pt")
    torch.save(theirs, tmp_path / "b.pt")
    mine = load(tmp_path / "a.pt")
    ref = torch.load(tmp_path / "b.pt", weights_only=False)
    kinds = {torch.Tensor: tg.Tensor, torch.nn.Parameter: tg.nn.Parameter}
    for key, value in ref.items():
        assert type(mine[key]) is kinds.get(type(value), type(value)), key
        if isinstance(value, torch.Tensor):
            assert mine[key].requires_grad == value.requires_grad, key
            np.testing.assert_array_equal(mine[key].detach().numpy(), value.detach().numpy())
