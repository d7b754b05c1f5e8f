"""TensorBoard's event files, written without TensorFlow, TensorBoard or protobuf.

An event file is a sequence of TFRecords (a little-endian uint64 length, its masked
CRC-32C, the bytes, their masked CRC-32C), each holding one serialized ``Event`` protocol
buffer. The few messages a ``SummaryWriter`` writes (``Event``, ``Summary`` and its values:
a scalar, a histogram, an image, a tensor of strings; ``SummaryMetadata``, ``SessionLog``)
are encoded here by their field numbers, as protobuf's wire format defines them, with
proto3's rule that a field at its default value is left out.
"""

from __future__ import annotations

import itertools
import os
import socket
import struct
import time
import zlib
from typing import Any

import numpy as np

# -- CRC-32C (Castagnoli), as TFRecord frames use it --------------------------------------


def _crc_table() -> list[int]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC_TABLE = _crc_table()


def crc32c(data: bytes) -> int:
    """CRC-32C of ``data`` (``crc32c(b"123456789") == 0xE3069283``, the standard check)."""
    crc = 0xFFFFFFFF
    table = _CRC_TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc(data: bytes) -> int:
    """TFRecord's masked CRC: the CRC rotated right by 15 bits plus 0xA282EAD8."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def record(data: bytes) -> bytes:
    """One TFRecord frame around ``data``."""
    header = struct.pack("<Q", len(data))
    return (header + struct.pack("<I", masked_crc(header)) + data
            + struct.pack("<I", masked_crc(data)))


# -- protobuf's wire format ---------------------------------------------------------------


def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # (a negative int64 is its two's complement: ten bytes)
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return _varint(field << 3 | wire)


def f_varint(field: int, value: int) -> bytes:
    return _key(field, 0) + _varint(int(value)) if value else b""


def f_double(field: int, value: float) -> bytes:
    return _key(field, 1) + struct.pack("<d", value) if value else b""


def f_float(field: int, value: float) -> bytes:
    return _key(field, 5) + struct.pack("<f", value) if value else b""


def f_bytes(field: int, value: bytes | str) -> bytes:
    data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    return _key(field, 2) + _varint(len(data)) + data if data else b""


def f_message(field: int, data: bytes) -> bytes:
    """A sub-message (written even when empty: its presence is information)."""
    return _key(field, 2) + _varint(len(data)) + data


def f_packed(field: int, values: Any, fmt: str) -> bytes:
    data = struct.pack(f"<{len(values)}{fmt}", *values)
    return _key(field, 2) + _varint(len(data)) + data if values else b""


# -- the messages -------------------------------------------------------------------------
DT_FLOAT, DT_DOUBLE, DT_STRING = 1, 2, 7  # (tensorflow.DataType)
SESSION_START = 1  # (SessionLog.SessionStatus.START)


def event(wall_time: float, step: int | None = None, *, file_version: str = "",
          summary: bytes | None = None, session_log: int = 0) -> bytes:
    """An ``Event``: its time, step and one of a file version, a summary, a session log."""
    out = f_double(1, wall_time) + f_varint(2, step or 0) + f_bytes(3, file_version)
    if summary is not None:
        out += f_message(5, summary)
    if session_log:
        out += f_message(7, f_varint(1, session_log))
    return out


def summary(*values: bytes) -> bytes:
    """A ``Summary`` of ``Summary.Value`` messages."""
    return b"".join(f_message(1, v) for v in values)


def plugin_metadata(plugin_name: str, content: bytes = b"") -> bytes:
    """A ``SummaryMetadata`` naming the TensorBoard plugin that shows the value."""
    return f_message(1, f_bytes(1, plugin_name) + f_bytes(2, content))


def value(tag: str, *, simple_value: float | None = None, image: bytes | None = None,
          histo: bytes | None = None, tensor: bytes | None = None,
          metadata: bytes | None = None) -> bytes:
    """A ``Summary.Value``: the tag, then one kind of value, then its metadata."""
    out = f_bytes(1, tag)
    if simple_value is not None:  # (a scalar 0.0 is still written: it is the value)
        out += _key(2, 5) + struct.pack("<f", simple_value)
    if image is not None:
        out += f_message(4, image)
    if histo is not None:
        out += f_message(5, histo)
    if tensor is not None:
        out += f_message(8, tensor)
    if metadata is not None:
        out += f_message(9, metadata)
    return out


def tensor_proto(dtype: int, *, float_val: list[float] | None = None,
                 double_val: list[float] | None = None, string_val: list[bytes] | None = None,
                 shape: tuple[int, ...] = ()) -> bytes:
    """A ``TensorProto`` of floats, doubles or strings, with its shape."""
    dims = b"".join(f_message(2, f_varint(1, n)) for n in shape)
    out = f_varint(1, dtype) + (f_message(2, dims) if shape else b"")
    out += f_packed(5, float_val or [], "f") + f_packed(6, double_val or [], "d")
    for s in string_val or []:
        out += _key(8, 2) + _varint(len(s)) + s
    return out


def histogram_proto(lo: float, hi: float, num: float, total: float, sum_squares: float,
                    bucket_limit: list[float], bucket: list[float]) -> bytes:
    """A ``HistogramProto``: the values' range, count, sum and sum of squares, and each
    bucket's right edge and count."""
    return (f_double(1, lo) + f_double(2, hi) + f_double(3, num) + f_double(4, total)
            + f_double(5, sum_squares) + f_packed(6, bucket_limit, "d")
            + f_packed(7, bucket, "d"))


def image_proto(pixels: np.ndarray) -> bytes:
    """A ``Summary.Image``: an (H, W, C) uint8 array, C in {3, 4}, encoded as PNG."""
    height, width, channels = pixels.shape
    return (f_varint(1, height) + f_varint(2, width) + f_varint(3, channels)
            + f_bytes(4, png(pixels)))


def png(pixels: np.ndarray) -> bytes:
    """An (H, W, C) uint8 array as a PNG file (C: 1 grey, 3 RGB, 4 RGBA; no filtering)."""
    height, width, channels = pixels.shape
    color = {1: 0, 3: 2, 4: 6}[channels]
    rows = np.concatenate([np.zeros((height, 1), np.uint8),
                           np.ascontiguousarray(pixels, np.uint8).reshape(height, -1)], 1)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, color, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)) + chunk(b"IEND", b""))


# -- the file ------------------------------------------------------------------------------
_uid = itertools.count()  # (distinguishes the files one process opens in one second)


class EventFileWriter:
    """Appends events to a new ``events.out.tfevents.<time>.<host>.<pid>.<n><suffix>``
    file in ``log_dir`` (made if missing). Events wait in memory until ``max_queue`` of
    them are pending or ``flush_secs`` have passed since the last write, then go to disk
    in one write; ``flush`` and ``close`` write what waits. The first event names the
    file format (``brain.Event:2``), as TensorFlow's writer does."""

    def __init__(self, log_dir: str, max_queue: int = 10, flush_secs: float = 120,
                 filename_suffix: str = "") -> None:
        self.log_dir = str(log_dir)
        os.makedirs(self.log_dir, exist_ok=True)
        name = (f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}."
                f"{os.getpid()}.{next(_uid)}{filename_suffix}")
        self.path = os.path.join(self.log_dir, name)
        self.max_queue, self.flush_secs = max_queue, flush_secs
        self._pending: list[bytes] = []
        self._file: Any = open(self.path, "ab")  # noqa: SIM115 - closed by close()
        self._last_write = time.time()
        self.add_event(event(time.time(), file_version="brain.Event:2"))
        self.flush()

    def add_event(self, data: bytes) -> None:
        if self._file is None:
            raise RuntimeError(f"add_event: the event file {self.path} is closed")
        self._pending.append(record(data))
        if (len(self._pending) >= self.max_queue
                or time.time() - self._last_write >= self.flush_secs):
            self.flush()

    def flush(self) -> None:
        if self._file is None:
            return
        if self._pending:
            self._file.write(b"".join(self._pending))
            self._pending.clear()
        self._file.flush()
        self._last_write = time.time()

    def close(self) -> None:
        if self._file is None:
            return
        self.flush()
        self._file.close()
        self._file = None

    def reopen(self) -> None:
        """Open the same file again (for appending) after ``close``."""
        if self._file is None:
            self._file = open(self.path, "ab")  # noqa: SIM115 - closed by close()
