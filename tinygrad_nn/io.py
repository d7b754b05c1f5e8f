"""HDF5 checkpoints: ``save(obj, path)`` / ``load(path)``, atomic, pickle-free, self-checking.

Each value is one HDF5 object whose ``kind`` attribute says how to rebuild it: containers are
groups (children in creation order, dict keys as escaped link names), leaves are datasets of
plain numeric dtypes. The root records the format and library versions and a SHA-256 digest of
the whole tree, so a damaged file raises ``CheckpointError`` instead of loading wrong values.
The layout is specified in ``docs/checkpoints.md``. This module handles the files (atomic
writes, checks, the root's attributes); ``_h5tree.py`` maps values to and from the HDF5 tree.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import stat
from functools import partial
from io import BytesIO
from typing import IO, Any

import numpy as np

from ._h5tree import _GROUP_KINDS, _classify, _Reader, _write
from ._h5tree import MAX_DEPTH as MAX_DEPTH  # re-exported: save's documented nesting limit
from ._version import __version__
from .tensor import Device, require_cpu

__all__ = [
    "CheckpointError",
    "CheckpointNotFoundError",
    "save",
    "load",
    "FORMAT_NAME",
    "FORMAT_VERSION",
]

FORMAT_NAME = "tinygrad_nn.checkpoint"
FORMAT_VERSION = 2  # 2: Tensors keep their class and requires_grad (1: stored as arrays)

_SIGNATURE = b"\x89HDF\r\n\x1a\n"


class CheckpointError(ValueError):
    """A file that cannot be loaded as a checkpoint; ``.path`` names it, ``.problem`` says why."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(path, problem)
        self.path = path
        self.problem = problem

    def __str__(self) -> str:
        return f"checkpoint '{self.path}': {self.problem}"


class CheckpointNotFoundError(CheckpointError, FileNotFoundError):
    """The checkpoint file does not exist: both a ``CheckpointError`` and, as in PyTorch's
    ``torch.load``, a ``FileNotFoundError`` (``.filename`` and ``.errno`` are set)."""

    def __init__(self, path: str, problem: str = "no such file") -> None:
        super().__init__(path, problem)
        self.filename = path
        self.errno = errno.ENOENT
        self.strerror = problem

    def __reduce__(self) -> tuple[Any, ...]:  # OSError's own would pass errno and strerror
        return type(self), (self.path, self.problem)


# ----------------------------------------------------------------------------------- helpers


def _check_regular_file(path: str) -> int:
    """Return the size of ``path``; raise CheckpointError unless it is a non-empty regular file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise CheckpointNotFoundError(path) from None
    except OSError as exc:
        raise CheckpointError(path, f"cannot be accessed ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise CheckpointError(path, "is a directory, expected an HDF5 file")
    if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
        raise CheckpointError(path, "is not a regular file")
    if st.st_size == 0:
        raise CheckpointError(path, "the file is empty (0 bytes)")
    return st.st_size


# -------------------------------------------------------------------------------------- save


def save(obj: Any, f: str | os.PathLike[str] | IO[bytes], pickle_module: Any = None,
         pickle_protocol: int = 2, _use_new_zipfile_serialization: bool = True,
         _disable_byteorder_record: bool = False) -> None:
    """Write ``obj`` (nested dicts/lists of Tensors, arrays, numbers, str, None) to the HDF5
    file ``f``: PyTorch's ``torch.save``, with HDF5 in place of pickle.

    Parameters
    ----------
    obj : dict, list, tuple, None, str, int, float, bool, np.ndarray, np.generic or Tensor
        Typically ``{"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 3}``.
        Dict keys are ``str`` or ``int``. A Tensor is stored with its dtype and
        ``requires_grad``, a ``Parameter`` as one, and loads back as such.
    f : str, os.PathLike, or a binary file object (``open(p, "wb")``, ``io.BytesIO()``)
        A path is replaced atomically: the data go to a temporary file in the same folder,
        which is flushed, fsynced and then renamed over it, so a crash leaves either the old
        or the new checkpoint, never a mix. A file object gets the whole file in one
        ``write`` at its current position (the caller owns it; nothing is renamed).
    pickle_module, pickle_protocol, _use_new_zipfile_serialization, _disable_byteorder_record
        PyTorch's options for its pickle-based format, accepted so PyTorch programs run;
        nothing is ever pickled, so they change nothing.

    Raises
    ------
    TypeError
        An unsupported value or key type; the message names its key path and type. A Module
        itself (rather than ``model.state_dict()``) is refused with a message saying so. An
        ``f`` that is neither a path nor a writable binary file object.
    ValueError
        A string that is not valid UTF-8, or nesting deeper than ``MAX_DEPTH`` levels.
    OSError
        The folder does not exist or cannot be written (the old file is then untouched).
    """
    if callable(getattr(obj, "state_dict", None)):  # a Module, optimizer or scheduler
        what = "module" if hasattr(obj, "parameters") else "object"
        raise TypeError(
            f"save: got the {type(obj).__name__} {what} itself, expected its state: save "
            "model.state_dict() instead (checkpoints hold arrays and numbers, never code "
            "or pickled objects)"
        )
    if not isinstance(f, (str, bytes, os.PathLike)):
        if not callable(getattr(f, "write", None)):
            raise TypeError(f"save: expected a file path or a binary file object opened for "
                            f"writing as f, got {type(f).__name__}")
        buffer = BytesIO()
        _write_checkpoint(obj, buffer)
        f.write(buffer.getvalue())
        flush = getattr(f, "flush", None)
        if callable(flush):
            flush()
        return
    target = os.fsdecode(f)
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"save: cannot write '{target}': folder '{folder}' does not exist")
    if os.path.isdir(target):
        raise IsADirectoryError(f"save: '{target}' is a directory, expected a file path")
    tmp = os.path.join(folder, f".{os.path.basename(target)}.{secrets.token_hex(6)}.tmp")
    try:
        _write_checkpoint(obj, tmp)
        fd = os.open(tmp, os.O_RDWR)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        with contextlib.suppress(OSError):  # keep an existing checkpoint's permissions
            os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
    _fsync_dir(folder)


def _write_checkpoint(obj: Any, dest: str | BytesIO) -> None:
    """The whole checkpoint of ``obj`` into a new file (a path that must not exist) or a
    buffer: the tree, then the root's format attributes and digest."""
    import h5py

    # libver >= v110: superblock and object headers carry checksums, so damaged metadata
    # is reported by HDF5 instead of being misread.
    with h5py.File(dest, "w-" if isinstance(dest, str) else "w", libver=("v110", "latest"),
                   track_order=True) as h5:
        h = hashlib.sha256()
        kind, payload = _classify(obj, "obj")
        if kind not in _GROUP_KINDS:  # the root is a group: wrap a lone leaf
            kind, payload = "leaf", [("value", obj, "obj")]
        _write(h5, kind, payload, 0, h)
        h5.attrs["tinygrad_nn_format"] = np.bytes_(FORMAT_NAME)
        h5.attrs["format_version"] = np.int64(FORMAT_VERSION)
        h5.attrs["library_version"] = np.bytes_(__version__)
        h5.attrs["digest"] = np.bytes_(h.hexdigest())
        h5.flush()


def _fsync_dir(folder: str) -> None:
    if os.name != "posix":  # directories cannot be opened for fsync on Windows
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:  # some filesystems refuse fsync on a directory; the rename is done anyway
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


# -------------------------------------------------------------------------------------- load



def load(f: str | os.PathLike[str] | IO[bytes], map_location: Any = None,
         pickle_module: Any = None, *, weights_only: bool | None = None, mmap: bool | None = None,
         **pickle_load_args: Any) -> Any:
    """Read the object written by ``save``: PyTorch's ``torch.load``, from HDF5, pickle-free.

    The same keys, values and order come back: Tensors as Tensors (a ``Parameter`` as one,
    ``requires_grad`` as saved), NumPy arrays and scalars as NumPy, tuples as tuples.
    Only numeric datasets are read: nothing is unpickled or executed, whatever the file holds.

    Parameters
    ----------
    f : str, os.PathLike, or a binary file object (``open(p, "rb")``, ``io.BytesIO``)
        A file written by ``tinygrad_nn.save``; a file object is read from its position.
    map_location : None, ``'cpu'``, a ``device``, a dict of device names, or a callable
        As in ``torch.load``. Every tensor loads on the CPU, the only device, so a mapping
        to ``'cpu'`` changes nothing and one to another device raises ``RuntimeError``; a
        callable is called as ``fn(tensor, 'cpu')`` per Tensor, and what it returns (unless
        None) replaces it.
    pickle_module, weights_only, mmap, **pickle_load_args
        PyTorch's options for its pickle-based format, accepted so PyTorch programs run:
        loading never unpickles (it is always "weights only") and reads into memory.

    Returns
    -------
    object
        Usually the saved dict, e.g. ``{"model": {...}, "optim": {...}, "epoch": 3}``.

    Raises
    ------
    CheckpointError
        (a ``ValueError``) if the file is missing (then a ``CheckpointNotFoundError``, also
        a ``FileNotFoundError``), a directory, empty, not HDF5, not written
        by ``save``, from a newer format version, truncated or corrupted (the content
        checksum does not match). ``.path`` and the message name the file.
    TypeError
        ``f`` is neither a path nor a binary file object, or ``map_location`` is of a
        type ``torch.load`` does not take.
    """
    mapper = _location_mapper(map_location)
    source: str | BytesIO
    if isinstance(f, (str, bytes, os.PathLike)):
        target = source = os.fsdecode(f)
        size = _check_regular_file(target)
        try:
            with open(target, "rb") as fh:
                head = fh.read(len(_SIGNATURE))
        except OSError as exc:
            raise CheckpointError(target, f"cannot be read ({exc.strerror or exc})") from None
    else:
        if not callable(getattr(f, "read", None)):
            raise TypeError(f"load: expected a file path or a binary file object as f, got "
                            f"{type(f).__name__}")
        target = str(getattr(f, "name", f"<{type(f).__name__}>"))
        data = f.read()
        if not isinstance(data, bytes):
            raise TypeError(f"load: the file object gave {type(data).__name__}, expected bytes "
                            "(open the file in binary mode, 'rb')")
        size, head, source = len(data), data[:len(_SIGNATURE)], BytesIO(data)
        if size == 0:
            raise CheckpointError(target, "the file is empty (0 bytes)")
    if head != _SIGNATURE:
        raise CheckpointError(target, "not an HDF5 file (no HDF5 signature at byte 0)")
    import h5py

    try:
        h5 = h5py.File(source, "r")
    except Exception as exc:
        raise CheckpointError(target, f"cannot be opened as HDF5, the file is truncated or "
                                      f"corrupted ({exc})") from exc
    try:
        with h5:
            return _load_open(_Reader(partial(CheckpointError, target), size, mapper), h5)
    except CheckpointError:
        raise
    except Exception as exc:  # any failure to parse untrusted bytes means a damaged file
        raise CheckpointError(target, f"the file is corrupted ({type(exc).__name__}: {exc})"
                              ) from exc


def _location_mapper(map_location: Any) -> Any:
    """``torch.load``'s map_location checked: None, or the callable to apply per Tensor."""
    if map_location is None:
        return None
    if isinstance(map_location, dict):
        for device in map_location.values():
            require_cpu(device)
        return None
    if isinstance(map_location, (str, Device)) or hasattr(map_location, "type"):
        require_cpu(map_location)
        return None
    if callable(map_location):
        return map_location
    raise TypeError(f"load: map_location must be None, a device, a str, a dict or a callable, "
                    f"got {type(map_location).__name__}")


def _load_open(reader: _Reader, f: Any) -> Any:
    """Check the root attributes, read the tree, then compare its digest."""
    if "tinygrad_nn_format" not in f.attrs:
        raise reader.fail("an HDF5 file not written by tinygrad_nn.save (no "
                          "'tinygrad_nn_format' attribute)")
    if reader.attr(f, "tinygrad_nn_format", "the root") != FORMAT_NAME:
        raise reader.fail(f"the root attribute 'tinygrad_nn_format' is not '{FORMAT_NAME}'")
    version = reader.attr(f, "format_version", "the root", text=False)
    if version > FORMAT_VERSION:
        writer = "an unknown version"
        with contextlib.suppress(Exception):
            writer = "tinygrad_nn " + reader.attr(f, "library_version", "the root")
        raise reader.fail(f"written in checkpoint format version {version} by {writer}; "
                          f"this tinygrad_nn ({__version__}) reads format versions up "
                          f"to {FORMAT_VERSION}: upgrade tinygrad_nn to load it")
    if version < 1:
        raise reader.fail(f"invalid format_version {version}, expected 1..{FORMAT_VERSION}")
    digest = reader.attr(f, "digest", "the root")
    obj = reader.read(f, "", "/", 0)
    if reader.hash.hexdigest() != digest:
        raise reader.fail("content checksum mismatch: the file is corrupted")
    return obj
