"""``tinygrad_nn.utils.tensorboard.SummaryWriter`` writes what PyTorch's writes: the same
calls, read back with TensorBoard's own reader, give the same tags, steps, values,
histograms, text, image pixels and directory layout; the record framing is checked against
CRC-32C's published check value."""

from __future__ import annotations

import io
import os
import re
import struct
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn.utils.tensorboard import SummaryWriter
from tinygrad_nn.utils.tensorboard import _events as E
from tinygrad_nn.utils.tensorboard.writer import SummaryArgumentError


def test_crc32c_and_the_record_frame() -> None:
    assert E.crc32c(b"123456789") == 0xE3069283  # (the CRC-32C check value, RFC 3720)
    frame = E.record(b"hello")
    (length,) = struct.unpack("<Q", frame[:8])
    assert length == 5 and frame[12:17] == b"hello"
    assert struct.unpack("<I", frame[8:12])[0] == E.masked_crc(frame[:8])
    assert struct.unpack("<I", frame[17:])[0] == E.masked_crc(b"hello")


def test_files_are_named_and_laid_out_as_torchs(tmp_path: Any) -> None:
    w = SummaryWriter(str(tmp_path / "run"), filename_suffix=".x")
    w.add_scalars("a/b", {"p": 1.0, "q": 2.0}, 0)
    w.close()
    w.close()  # (twice is fine)
    names = sorted(os.listdir(tmp_path / "run"))
    assert names[:2] == ["a_b_p", "a_b_q"]
    assert re.fullmatch(r"events\.out\.tfevents\.\d{10}\.[^.]+\.\d+\.\d+\.x", names[2])
    w.add_scalar("after", 1.0)  # a closed writer opens a new file
    w.close()
    assert len([n for n in os.listdir(tmp_path / "run") if n.startswith("events")]) == 2


def test_default_log_dir_and_comment(tmp_path: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    with SummaryWriter(comment="_lr0.1") as w:
        assert re.fullmatch(r"runs/[A-Z][a-z]{2}\d\d_\d\d-\d\d-\d\d_.+_lr0\.1", w.get_logdir())
    assert os.path.isdir(w.get_logdir())


@pytest.mark.parametrize("call", [
    lambda w: w.add_scalar("x", np.ones(3)),
    lambda w: w.add_image("x", np.ones((3, 4))),
    lambda w: w.add_image("x", np.ones((3, 4, 5)), dataformats="CCH"),
    lambda w: w.add_images("x", np.ones((2, 2, 4, 4))),
])
def test_bad_values_raise_torchs_assertion_error(tmp_path: Any, call: Any) -> None:
    with SummaryWriter(str(tmp_path)) as w, pytest.raises(AssertionError):
        call(w)
    assert issubclass(SummaryArgumentError, ValueError)


# -- against PyTorch's writer, read with TensorBoard's reader --------------------------------
torch = pytest.importorskip("torch")
pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import (  # noqa: E402
    EventAccumulator,
)

RNG = np.random.default_rng(0)
DATA = RNG.standard_normal(1000)
IMG = RNG.random((3, 8, 5)).astype(np.float32)
IMGS = RNG.integers(0, 255, (5, 1, 4, 6)).astype(np.uint8)


def _log(writer_class: Any, lib: Any, logdir: str) -> None:
    w = writer_class(logdir)
    for i in range(5):
        w.add_scalar("loss/train", 1.0 / (i + 1), i)
        w.add_scalar("acc", lib.tensor(0.5 + i / 10), i, new_style=True)
        w.add_scalar("acc64", np.float64(i / 3), i, new_style=True, double_precision=True)
    w.add_scalars("run", {"a": 1.0, "b": lib.tensor(2.0)}, 3)
    w.add_histogram("w", lib.tensor(DATA), 1)
    w.add_histogram("w_bins", DATA, 2, bins=10)
    w.add_histogram("w_auto", DATA * 1e3, 2, bins="auto", max_bins=7)
    w.add_histogram_raw("raw", 0.0, 3.0, 4, 6.0, 14.0, [1.0, 2.0, 3.0], [1, 2, 1], 5)
    w.add_text("note", "hello **world** ü", 4)
    w.add_image("img", lib.tensor(IMG), 0)
    w.add_image("img_hwc", IMG.transpose(1, 2, 0), 1, dataformats="HWC")
    w.add_image("img_hw", IMG[0] * 2 - 0.5, 2, dataformats="HW")
    w.add_images("imgs", IMGS, 0)
    w.close()


def _read(path: str) -> EventAccumulator:
    acc = EventAccumulator(path, size_guidance={"images": 0, "histograms": 0, "tensors": 0,
                                                "scalars": 0})
    acc.Reload()
    return acc


def _pixels(png: bytes) -> np.ndarray:
    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(png)))


def test_every_summary_reads_back_as_torchs(tmp_path: Any) -> None:
    from torch.utils.tensorboard import SummaryWriter as TorchWriter
    _log(SummaryWriter, tg, str(tmp_path / "ours"))
    _log(TorchWriter, torch, str(tmp_path / "theirs"))
    ours, theirs = _read(str(tmp_path / "ours")), _read(str(tmp_path / "theirs"))
    assert ours.Tags() == theirs.Tags()
    for tag in theirs.Tags()["scalars"]:
        assert [(e.step, e.value) for e in ours.Scalars(tag)] == [
            (e.step, e.value) for e in theirs.Scalars(tag)]
    for tag in theirs.Tags()["tensors"]:
        assert [(e.step, e.tensor_proto) for e in ours.Tensors(tag)] == [
            (e.step, e.tensor_proto) for e in theirs.Tensors(tag)]
    for tag in theirs.Tags()["histograms"]:
        assert [(e.step, e.histogram_value) for e in ours.Histograms(tag)] == [
            (e.step, e.histogram_value) for e in theirs.Histograms(tag)]
    for tag in theirs.Tags()["images"]:
        (a,), (b,) = ours.Images(tag), theirs.Images(tag)
        assert (a.step, a.width, a.height) == (b.step, b.width, b.height)
        np.testing.assert_array_equal(_pixels(a.encoded_image_string),
                                      _pixels(b.encoded_image_string))
    def subdirs(path: Any) -> list[str]:
        return sorted(n for n in os.listdir(path) if not n.startswith("events"))

    assert subdirs(tmp_path / "ours") == subdirs(tmp_path / "theirs") == ["run_a", "run_b"]
    for sub in ("run_a", "run_b"):
        assert [(e.step, e.value) for e in _read(str(tmp_path / "ours" / sub)).Scalars("run")] \
            == [(e.step, e.value) for e in _read(str(tmp_path / "theirs" / sub)).Scalars("run")]


def test_purge_step_drops_the_later_events_as_torchs(tmp_path: Any) -> None:
    from torch.utils.tensorboard import SummaryWriter as TorchWriter
    for name, writer_class in (("ours", SummaryWriter), ("theirs", TorchWriter)):
        with writer_class(str(tmp_path / name)) as w:
            for i in range(10):
                w.add_scalar("x", float(i), i, walltime=1000.0 + i)
        with writer_class(str(tmp_path / name), purge_step=5) as w:
            for i in range(5, 8):
                w.add_scalar("x", 100.0 + i, i, walltime=2000.0 + i)
    got = [(e.step, e.value) for e in _read(str(tmp_path / "ours")).Scalars("x")]
    want = [(e.step, e.value) for e in _read(str(tmp_path / "theirs")).Scalars("x")]
    assert got == want and len(got) == 8
