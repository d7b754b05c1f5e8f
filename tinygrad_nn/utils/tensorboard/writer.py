"""PyTorch's ``torch.utils.tensorboard.SummaryWriter`` and ``FileWriter``: scalars,
histograms, text and images logged to TensorBoard event files, with PyTorch's arguments,
directory layout, tags and values (``_events`` encodes the files; no TensorBoard,
TensorFlow or protobuf package is needed to write them)."""

from __future__ import annotations

import os
import socket
import time
from datetime import datetime
from typing import Any

import numpy as np

from ...tensor_base import TensorBase
from . import _events as E


class SummaryArgumentError(ValueError, AssertionError):
    """A value a summary cannot take (a scalar of several elements, an image whose shape
    does not fit its dataformats): PyTorch raises AssertionError; a ValueError too."""


def _make_np(x: Any, what: str) -> np.ndarray:
    """A tensor, array or number as a NumPy array (PyTorch's ``make_np``)."""
    if isinstance(x, TensorBase):
        return np.asarray(x.detach().numpy())  # type: ignore[attr-defined]
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, (int, float, np.number, bool)):
        return np.array([x])
    raise NotImplementedError(
        f"{what}: got {type(x).__name__}, but numpy array, tensor or a number was expected")


def _tensorflow_bins() -> list[float]:
    """The histogram edges ``bins='tensorflow'`` stands for: +-1e-12 growing by 1.1 up to
    1e20 in magnitude, and 0 (TensorBoard's generate_testdata.py)."""
    v, buckets = 1e-12, []
    while v < 1e20:
        buckets.append(v)
        v *= 1.1
    return [-b for b in reversed(buckets)] + [0.0] + buckets


def histogram_value(tag: str, values: Any, bins: Any, max_bins: int | None = None) -> bytes:
    """A histogram ``Summary.Value`` of ``values`` (any shape) with NumPy's ``bins`` (edges,
    a count or a rule name), its empty buckets at both ends trimmed as PyTorch's does."""
    v = _make_np(values, "add_histogram").astype(float).reshape(-1)
    if v.size == 0:
        raise ValueError("The input has no element.")
    counts, limits = np.histogram(v, bins=bins)
    n = len(counts)
    if max_bins is not None and n > max_bins:  # merge neighbours, padding the last group
        group = n // max_bins
        if n % group:
            counts = np.pad(counts, (0, group - n % group))
        counts = counts.reshape(-1, group).sum(axis=-1)
        limits = np.concatenate([limits[:-1:group], limits[-1:]])
    nonzero = np.cumsum(counts > 0)
    start, end = np.searchsorted(nonzero, [0, nonzero[-1] - 1], side="right")
    start, end = int(start), int(end) + 1
    # TensorBoard draws right edges only: an empty bucket on the left keeps the left edge
    counts = counts[start - 1:end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    if counts.size == 0 or limits.size == 0:
        raise ValueError(f"add_histogram: no bucket holds the values of {tag!r}")
    histo = E.histogram_proto(float(v.min()), float(v.max()), float(len(v)), float(v.sum()),
                              float(v.dot(v)), [float(x) for x in limits],
                              [float(c) for c in counts])
    return E.value(tag, histo=histo)


def _to_hwc(pixels: np.ndarray, dataformats: str) -> np.ndarray:
    """An image in ``dataformats`` (e.g. 'CHW', 'HWC', 'HW', 'NCHW': a batch becomes a grid
    of up to 8 columns) as (H, W, C), C in {3, 4} (grey is repeated to RGB), PyTorch's."""
    fmt = dataformats.upper()
    if len(set(fmt)) != len(fmt):
        raise SummaryArgumentError(
            f"add_image: dataformats {dataformats!r} names a dimension twice")
    if pixels.ndim != len(fmt):
        raise SummaryArgumentError(f"add_image: an image of shape {pixels.shape} does not have the "
                         f"{len(fmt)} dimensions of dataformats {dataformats!r}")
    if fmt not in ("NCHW", "NHWC", "CHW", "HWC", "HW") and sorted(fmt) not in (
            sorted("NCHW"), sorted("CHW"), sorted("HW")):
        raise SummaryArgumentError(f"add_image: dataformats must be a permutation of NCHW, "
                                   f"CHW or HW, got {dataformats!r}")
    if len(fmt) == 4:
        batch = pixels.transpose([fmt.find(c) for c in "NCHW"])
        if batch.shape[1] == 1:
            batch = np.concatenate([batch] * 3, 1)
        if batch.shape[1] != 3:
            raise SummaryArgumentError(
                f"add_images: expected 1 or 3 channels, got {batch.shape[1]}")
        n, _, h, w = batch.shape
        cols = min(n, 8)
        rows = -(-n // cols)
        grid = np.zeros((3, h * rows, w * cols), batch.dtype)
        for i in range(n):
            r, c = divmod(i, cols)
            grid[:, r * h:(r + 1) * h, c * w:(c + 1) * w] = batch[i]
        return grid.transpose(1, 2, 0)
    if len(fmt) == 3:
        hwc = pixels.transpose([fmt.find(c) for c in "HWC"])
        return np.concatenate([hwc] * 3, 2) if hwc.shape[2] == 1 else hwc
    hw = pixels.transpose([fmt.find(c) for c in "HW"])
    return np.stack([hw] * 3, 2)


def image_value(tag: str, img: Any, dataformats: str) -> bytes:
    """An image ``Summary.Value``: uint8 pixels as they are, others scaled by 255 (floats in
    [0, 1]) and clipped to [0, 255], PyTorch's rule."""
    pixels = _make_np(img, "add_image")
    scale = 1 if pixels.dtype == np.uint8 else 255
    hwc = _to_hwc(pixels, dataformats)
    if hwc.shape[2] not in (3, 4):
        raise ValueError(f"add_image: expected 1, 3 or 4 channels, got {hwc.shape[2]}")
    hwc = (hwc.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)
    return E.value(tag, image=E.image_proto(hwc))


class FileWriter:
    """Writes ``Event``s (as their encoded bytes) to one event file in ``log_dir``."""

    def __init__(self, log_dir: Any, max_queue: int = 10, flush_secs: float = 120,
                 filename_suffix: str = "") -> None:
        self.event_writer = E.EventFileWriter(str(log_dir), max_queue, flush_secs,
                                              filename_suffix)

    def get_logdir(self) -> str:
        return self.event_writer.log_dir

    def add_event(self, event: bytes) -> None:
        self.event_writer.add_event(event)

    def add_summary(self, summary: bytes, global_step: Any = None,
                    walltime: float | None = None) -> None:
        """Wrap an encoded ``Summary`` in an ``Event`` at ``global_step`` and write it."""
        wall = time.time() if walltime is None else float(walltime)
        step = None if global_step is None else int(global_step)
        self.add_event(E.event(wall, step, summary=summary))

    def flush(self) -> None:
        self.event_writer.flush()

    def close(self) -> None:
        self.event_writer.close()

    def reopen(self) -> None:
        self.event_writer.reopen()


class SummaryWriter:
    """Log to TensorBoard: ``SummaryWriter(log_dir=None, comment='', purge_step=None,
    max_queue=10, flush_secs=120, filename_suffix='')``, as PyTorch's.

    ``log_dir`` defaults to ``runs/<Mon>DD_HH-MM-SS_<host><comment>``. Scalars, scalar groups
    (``add_scalars``: one sub-directory per series), histograms, text and images are
    written with PyTorch's tags and encodings, so TensorBoard shows them as it shows
    PyTorch's. Not provided: graphs, embeddings, audio, video, figures, meshes, PR curves
    and hparams (calling them is an AttributeError).
    """

    def __init__(self, log_dir: Any = None, comment: str = "", purge_step: int | None = None,
                 max_queue: int = 10, flush_secs: float = 120,
                 filename_suffix: str = "") -> None:
        if not log_dir:
            now = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", now + "_" + socket.gethostname() + comment)
        self.log_dir = str(log_dir)
        self.purge_step = purge_step
        self.max_queue, self.flush_secs = max_queue, flush_secs
        self.filename_suffix = filename_suffix
        self.file_writer: FileWriter | None = None
        self.all_writers: dict[str, FileWriter] | None = None
        self._get_file_writer()
        self.default_bins = _tensorflow_bins()

    def _get_file_writer(self) -> FileWriter:
        """The writer of ``log_dir``'s own file; made again after ``close``. With
        ``purge_step``, TensorBoard is told to drop the events from that step on (a restart
        from a checkpoint)."""
        if self.file_writer is None or self.all_writers is None:
            fw = FileWriter(self.log_dir, self.max_queue, self.flush_secs,
                            self.filename_suffix)
            self.file_writer, self.all_writers = fw, {fw.get_logdir(): fw}
            if self.purge_step is not None:
                step = self.purge_step
                fw.add_event(E.event(time.time(), step, file_version="brain.Event:2"))
                fw.add_event(E.event(time.time(), step, session_log=E.SESSION_START))
                self.purge_step = None
        return self.file_writer

    def get_logdir(self) -> str:
        """The directory the event files go to."""
        return self.log_dir

    def add_scalar(self, tag: str, scalar_value: Any, global_step: Any = None,
                   walltime: float | None = None, new_style: bool = False,
                   double_precision: bool = False) -> None:
        """Log one number (a Python number, or a one-element tensor or array) under ``tag``
        at ``global_step``. ``new_style`` writes it as a tensor of the scalars plugin
        (float32, or float64 with ``double_precision``) rather than a simple value."""
        v = _make_np(scalar_value, "add_scalar").squeeze()
        if v.ndim != 0:
            raise SummaryArgumentError(
                f"add_scalar: the value of {tag!r} should have one element, got {v.size} "
                f"elements in {v.ndim} dimensions")
        x = float(v)
        if new_style:
            tensor = (E.tensor_proto(E.DT_DOUBLE, double_val=[x]) if double_precision
                      else E.tensor_proto(E.DT_FLOAT, float_val=[x]))
            val = E.value(tag, tensor=tensor, metadata=E.plugin_metadata("scalars"))
        else:
            val = E.value(tag, simple_value=x)
        self._get_file_writer().add_summary(E.summary(val), global_step, walltime)

    def add_scalars(self, main_tag: str, tag_scalar_dict: dict[str, Any],
                    global_step: Any = None, walltime: float | None = None) -> None:
        """Log several series in one chart: each ``tag`` goes to its own writer in
        ``<log_dir>/<main_tag>_<tag>`` (``/`` in main_tag becomes ``_``), all under
        ``main_tag``, at one wall time."""
        walltime = time.time() if walltime is None else walltime
        logdir = self._get_file_writer().get_logdir()
        assert self.all_writers is not None
        for tag, scalar_value in tag_scalar_dict.items():
            where = logdir + "/" + main_tag.replace("/", "_") + "_" + tag
            fw = self.all_writers.get(where)
            if fw is None:
                fw = FileWriter(where, self.max_queue, self.flush_secs, self.filename_suffix)
                self.all_writers[where] = fw
            v = _make_np(scalar_value, "add_scalars").squeeze()
            fw.add_summary(E.summary(E.value(main_tag, simple_value=float(v))), global_step,
                           walltime)

    def add_histogram(self, tag: str, values: Any, global_step: Any = None,
                      bins: Any = "tensorflow", walltime: float | None = None,
                      max_bins: int | None = None) -> None:
        """Log the distribution of ``values`` (any shape): ``bins`` is 'tensorflow' (the
        default: TensorBoard's exponential edges), a NumPy rule ('auto', 'fd', ...), a count
        or edges; ``max_bins`` merges neighbouring buckets down to at most that many."""
        if isinstance(bins, str) and bins == "tensorflow":
            bins = self.default_bins
        self._get_file_writer().add_summary(
            E.summary(histogram_value(tag, values, bins, max_bins)), global_step, walltime)

    def add_histogram_raw(self, tag: str, min: float, max: float, num: float,  # noqa: A002
                          sum: float, sum_squares: float, bucket_limits: Any,  # noqa: A002
                          bucket_counts: Any, global_step: Any = None,
                          walltime: float | None = None) -> None:
        """Log a histogram already counted: its range, count, sums and buckets (as many
        right edges as counts)."""
        limits, counts = list(bucket_limits), list(bucket_counts)
        if len(limits) != len(counts):
            raise ValueError("len(bucket_limits) != len(bucket_counts), see the document.")
        histo = E.histogram_proto(float(min), float(max), float(num), float(sum),
                                  float(sum_squares), [float(x) for x in limits],
                                  [float(c) for c in counts])
        self._get_file_writer().add_summary(E.summary(E.value(tag, histo=histo)),
                                            global_step, walltime)

    def add_image(self, tag: str, img_tensor: Any, global_step: Any = None,
                  walltime: float | None = None, dataformats: str = "CHW") -> None:
        """Log an image: ``img_tensor`` in ``dataformats`` ('CHW', 'HWC', 'HW'), uint8 in
        [0, 255] or floats in [0, 1]."""
        self._get_file_writer().add_summary(
            E.summary(image_value(tag, img_tensor, dataformats)), global_step, walltime)

    def add_images(self, tag: str, img_tensor: Any, global_step: Any = None,
                   walltime: float | None = None, dataformats: str = "NCHW") -> None:
        """Log a batch of images as one grid (up to 8 per row)."""
        self._get_file_writer().add_summary(
            E.summary(image_value(tag, img_tensor, dataformats)), global_step, walltime)

    def add_text(self, tag: str, text_string: str, global_step: Any = None,
                 walltime: float | None = None) -> None:
        """Log text (Markdown in TensorBoard) under ``<tag>/text_summary``."""
        tensor = E.tensor_proto(E.DT_STRING, string_val=[text_string.encode("utf-8")],
                                shape=(1,))
        val = E.value(tag + "/text_summary", tensor=tensor, metadata=E.plugin_metadata("text"))
        self._get_file_writer().add_summary(E.summary(val), global_step, walltime)

    def flush(self) -> None:
        """Write every pending event of every file to disk."""
        for fw in (self.all_writers or {}).values():
            fw.flush()

    def close(self) -> None:
        """Flush and close every file (a later ``add_*`` opens new ones); twice is fine."""
        if self.all_writers is None:
            return
        for fw in self.all_writers.values():
            fw.flush()
            fw.close()
        self.file_writer = self.all_writers = None

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["FileWriter", "SummaryArgumentError", "SummaryWriter"]
