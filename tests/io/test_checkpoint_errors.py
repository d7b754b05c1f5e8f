"""Checkpoint errors PyTorch users expect: saving a Module itself, loading a missing file."""

from __future__ import annotations

import errno
import pickle
from pathlib import Path

import pytest

import tinygrad_nn as tg
from tinygrad_nn import nn
from tinygrad_nn.io import CheckpointError, CheckpointNotFoundError


def test_saving_a_module_itself_says_to_save_its_state_dict(tmp_path: Path) -> None:
    path = tmp_path / "m.h5"
    with pytest.raises(TypeError, match=r"Linear module itself.*model\.state_dict\(\)"):
        tg.save(nn.Linear(2, 3), path)
    model = nn.Sequential(nn.Linear(2, 3))
    opt = tg.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match=r"state_dict\(\)"):
        tg.save(opt, path)
    assert not path.exists()
    tg.save(model.state_dict(), path)  # what the message asks for works
    assert set(tg.load(path)) == {"0.weight", "0.bias"}


def test_missing_file_is_a_file_not_found_error_naming_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nothing_here.h5"
    with pytest.raises(FileNotFoundError, match="nothing_here.h5") as info:
        tg.load(path)
    err = info.value
    assert isinstance(err, CheckpointNotFoundError) and isinstance(err, CheckpointError)
    assert isinstance(err, ValueError)  # still the documented CheckpointError family
    assert err.path == err.filename == str(path) and err.errno == errno.ENOENT
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is CheckpointNotFoundError and str(again) == str(err)
    assert tg.CheckpointNotFoundError is CheckpointNotFoundError


def test_other_load_errors_are_not_file_not_found(tmp_path: Path) -> None:
    empty = tmp_path / "empty.h5"
    empty.write_bytes(b"")
    with pytest.raises(CheckpointError) as info:
        tg.load(empty)
    assert not isinstance(info.value, FileNotFoundError)


def test_load_h5_dataset_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="gone.h5"):
        tg.data.load_h5_dataset(tmp_path / "gone.h5", "x", "y")


def test_missing_file_error_type_matches_torch_load(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    path = tmp_path / "absent.pt"
    with pytest.raises(FileNotFoundError):
        torch.load(path)
    with pytest.raises(FileNotFoundError):
        tg.load(path)
