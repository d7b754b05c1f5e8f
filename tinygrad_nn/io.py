"""HDF5 checkpoints: ``save(obj, path)`` / ``load(path)``, atomic, pickle-free, self-checking.

Each value is one HDF5 object whose ``kind`` attribute says how to rebuild it: containers are
groups (children in creation order, dict keys as escaped link names), leaves are datasets of
plain numeric dtypes. The root records the format and library versions and a SHA-256 digest of
the whole tree, so a damaged file raises ``CheckpointError`` instead of loading wrong values.
The layout is specified in ``docs/checkpoints.md``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import stat
from typing import Any

import numpy as np

__all__ = ["CheckpointError", "save", "load", "FORMAT_NAME", "FORMAT_VERSION"]

FORMAT_NAME = "tinygrad_nn.checkpoint"
FORMAT_VERSION = 1
MAX_DEPTH = 64  # nesting levels; bounds the recursive walks (and catches self-containing dicts)

_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_ALLOWED_DTYPES = frozenset(
    np.dtype(c).str
    for c in ("?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "c8", "c16")
)
_GROUP_KINDS = ("dict", "list", "tuple", "none", "leaf")
_LEAF_KINDS = ("ndarray", "npscalar", "int", "bigint", "float", "bool", "str")
_INT_KEY = re.compile(r"%i(-?[0-9]+)")
_ESCAPED = re.compile(r"%(25|2F|00|2E)")


class CheckpointError(ValueError):
    """A file that cannot be loaded as a checkpoint; ``.path`` names it, ``.problem`` says why."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(path, problem)
        self.path = path
        self.problem = problem

    def __str__(self) -> str:
        return f"checkpoint '{self.path}': {self.problem}"


# ----------------------------------------------------------------------------------- helpers


def _library_version() -> str:
    try:
        from . import __version__
    except ImportError:
        return "0.1.0"
    return str(__version__)


def _escape_key(key: str) -> str:
    if key == "":
        return "%"
    if key == ".":
        return "%2E"
    return key.replace("%", "%25").replace("/", "%2F").replace("\0", "%00")


def _unescape_key(name: str) -> str | int:
    if name == "%":
        return ""
    match = _INT_KEY.fullmatch(name)
    if match:
        return int(match.group(1))
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), name)


def _utf8(text: str, where: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"save: the string at {where} is not valid UTF-8 ({exc})") from None


def _feed(h: Any, *parts: bytes | np.ndarray) -> None:
    for part in parts:  # length-prefixed, so the concatenation is unambiguous
        size = part.nbytes if isinstance(part, np.ndarray) else len(part)
        h.update(size.to_bytes(8, "little"))
        h.update(part)


def _feed_array(h: Any, name: str, kind: str, arr: np.ndarray) -> None:
    """Hash a leaf: its name, kind, little-endian dtype, shape and bytes."""
    le = arr.astype(arr.dtype.newbyteorder("<"), order="C", copy=False)
    _feed(h, name.encode("utf-8", "surrogateescape"), kind.encode(), le.dtype.str.encode(),
          repr(le.shape).encode(), le.reshape(-1).view(np.uint8))


def _feed_group(h: Any, name: str, kind: str, n_children: int) -> None:
    _feed(h, name.encode("utf-8", "surrogateescape"), kind.encode(), str(n_children).encode())


def _check_regular_file(path: str) -> int:
    """Return the size of ``path``; raise CheckpointError unless it is a non-empty regular file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise CheckpointError(path, "no such file") from None
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


def _leaf_array(arr: np.ndarray, where: str) -> np.ndarray:
    if arr.dtype.newbyteorder("<").str not in _ALLOWED_DTYPES:
        raise TypeError(f"save: the array at {where} has dtype {arr.dtype}; expected bool, "
                        "(unsigned) integer, float or complex")
    return arr.astype(arr.dtype.newbyteorder("<"), order="C", copy=False)


def _classify(obj: Any, where: str) -> tuple[str, Any]:
    """Return ``(kind, payload)``: children ``[(name, value, where)]`` or a leaf array."""
    if obj is None:
        return "none", []
    if isinstance(obj, dict):
        children = []
        for key, value in obj.items():
            if isinstance(key, (bool, np.bool_)):
                raise TypeError(f"save: dict key {key!r} at {where} is a bool; keys must be "
                                "str or int")
            if isinstance(key, (int, np.integer)):
                name = f"%i{int(key)}"
            elif isinstance(key, str):
                name = _escape_key(key)
                _utf8(key, f"{where} (a key)")
            else:
                raise TypeError(f"save: dict key {key!r} at {where} has type "
                                f"{type(key).__name__}; keys must be str or int")
            children.append((name, value, f"{where}[{key!r}]"))
        return "dict", children
    if isinstance(obj, (list, tuple)):
        kind = "list" if isinstance(obj, list) else "tuple"
        return kind, [(str(i), v, f"{where}[{i}]") for i, v in enumerate(obj)]
    if isinstance(obj, bool):
        return "bool", np.array(obj)
    if isinstance(obj, int):
        if -(2**63) <= obj < 2**63:
            return "int", np.array(obj, dtype=np.int64)
        return "bigint", np.frombuffer(str(obj).encode(), dtype=np.uint8)
    if isinstance(obj, float):
        return "float", np.array(obj, dtype=np.float64)
    if isinstance(obj, str):
        return "str", np.frombuffer(_utf8(obj, where), dtype=np.uint8)
    if isinstance(obj, np.generic):
        return "npscalar", _leaf_array(np.asarray(obj), where)
    if isinstance(obj, np.ndarray):
        return "ndarray", _leaf_array(obj, where)
    data = getattr(obj, "data", None)
    if isinstance(data, np.ndarray):  # a Tensor: store its array
        return "ndarray", _leaf_array(data, where)
    raise TypeError(f"save: cannot store {type(obj).__module__}.{type(obj).__qualname__} at "
                    f"{where}; expected dict, list, tuple, None, str, int, float, bool, a NumPy "
                    "array or scalar, or a Tensor")


def _write(group: Any, kind: str, children: list, depth: int, h: Any, name: str = "") -> None:
    """Store a container of ``kind`` as ``group``, creating its children in order."""
    group.attrs["kind"] = np.bytes_(kind)
    _feed_group(h, name, kind, len(children))
    for child_name, value, where in children:
        child_kind, payload = _classify(value, where)
        if child_kind in _GROUP_KINDS:
            if depth >= MAX_DEPTH:
                raise ValueError(f"save: {where[:80]}... is nested deeper than {MAX_DEPTH} levels "
                                 "(does a container contain itself?)")
            sub = group.create_group(child_name, track_order=True)
            _write(sub, child_kind, payload, depth + 1, h, child_name)
        else:
            ds = group.create_dataset(child_name, data=payload)
            ds.attrs["kind"] = np.bytes_(child_kind)
            _feed_array(h, child_name, child_kind, payload)


def save(obj: Any, path: str | os.PathLike[str]) -> None:
    """Write ``obj`` (nested dicts/lists of arrays, numbers, str, None) to the HDF5 file ``path``.

    Parameters
    ----------
    obj : dict, list, tuple, None, str, int, float, bool, np.ndarray, np.generic or Tensor
        Typically ``{"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 3}``.
        Dict keys are ``str`` or ``int``; a Tensor is stored as its ``.data`` array.
    path : str or os.PathLike
        The target file. It is replaced atomically: the data go to a temporary file in the
        same folder, which is flushed, fsynced and then renamed over ``path``, so a crash
        leaves either the old or the new checkpoint, never a mix.

    Raises
    ------
    TypeError
        An unsupported value or key type; the message names its key path and type.
    ValueError
        A string that is not valid UTF-8, or nesting deeper than ``MAX_DEPTH`` levels.
    OSError
        The folder does not exist or cannot be written (the old file is then untouched).
    """
    import h5py

    target = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"save: cannot write '{target}': folder '{folder}' does not exist")
    if os.path.isdir(target):
        raise IsADirectoryError(f"save: '{target}' is a directory, expected a file path")
    tmp = os.path.join(folder, f".{os.path.basename(target)}.{secrets.token_hex(6)}.tmp")
    try:
        # libver >= v110: superblock and object headers carry checksums, so damaged metadata
        # is reported by HDF5 instead of being misread.
        with h5py.File(tmp, "w-", libver=("v110", "latest"), track_order=True) as f:
            h = hashlib.sha256()
            kind, payload = _classify(obj, "obj")
            if kind not in _GROUP_KINDS:  # the root is a group: wrap a lone leaf
                kind, payload = "leaf", [("value", obj, "obj")]
            _write(f, kind, payload, 0, h)
            f.attrs["tinygrad_nn_format"] = np.bytes_(FORMAT_NAME)
            f.attrs["format_version"] = np.int64(FORMAT_VERSION)
            f.attrs["library_version"] = np.bytes_(_library_version())
            f.attrs["digest"] = np.bytes_(h.hexdigest())
            f.flush()
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


class _Reader:
    """State of one load: the path for messages, the file size, the digest, objects seen."""

    def __init__(self, path: str, file_size: int) -> None:
        import h5py

        self.h5py = h5py
        self.path = path
        self.file_size = file_size
        self.hash = hashlib.sha256()
        self.seen: set[tuple[int, int]] = set()

    def fail(self, problem: str) -> CheckpointError:
        return CheckpointError(self.path, problem)

    def attr(self, obj: Any, name: str, where: str, text: bool = True) -> Any:
        """A short byte-string attribute as ``str`` (or an integer one as ``int``)."""
        if name not in obj.attrs:
            raise self.fail(f"{where} has no '{name}' attribute")
        aid = obj.attrs.get_id(name)  # its type is checked before its value is read
        kinds = "S" if text else "iu"
        if aid.shape != () or aid.dtype.kind not in kinds or aid.dtype.itemsize > 256:
            raise self.fail(f"attribute '{name}' of {where} has type {aid.dtype}{aid.shape}, "
                            f"expected {'a short byte string' if text else 'an integer'}")
        value = obj.attrs[name]
        return bytes(value).decode("ascii") if text else int(value)

    def children(self, group: Any, where: str) -> list[str]:
        names = list(group)  # creation order (track_order)
        for name in names:
            link = group.get(name, getlink=True)
            if not isinstance(link, self.h5py.HardLink):  # soft/external links lead elsewhere
                raise self.fail(f"{where}/{name} is a {type(link).__name__}, expected a "
                                "plain member")
        return names

    def visit(self, obj: Any, where: str) -> None:
        info = self.h5py.h5o.get_info(obj.id)
        key = (info.fileno, info.addr)
        if key in self.seen:  # shared or cyclic links would repeat or never end
            raise self.fail(f"{where} is linked more than once")
        self.seen.add(key)

    def read(self, obj: Any, name: str, where: str, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise self.fail(f"{where} is nested deeper than {MAX_DEPTH} levels")
        self.visit(obj, where)
        kind = self.attr(obj, "kind", where)
        if isinstance(obj, self.h5py.Group):
            return self.read_group(obj, kind, name, where, depth)
        if isinstance(obj, self.h5py.Dataset):
            return self.read_leaf(obj, kind, name, where)
        raise self.fail(f"{where} is a {type(obj).__name__}, expected a group or dataset")

    def read_group(self, group: Any, kind: str, name: str, where: str, depth: int) -> Any:
        if kind not in _GROUP_KINDS:
            raise self.fail(f"group {where} has kind '{kind}', expected one of {_GROUP_KINDS}")
        names = self.children(group, where)
        _feed_group(self.hash, name, kind, len(names))

        def child(n: str) -> Any:
            return self.read(group[n], n, f"{where.rstrip('/')}/{n}", depth + 1)

        if kind == "dict":
            return {_unescape_key(n): child(n) for n in names}
        if (kind == "leaf" and names != ["value"]) or (kind == "none" and names):
            raise self.fail(f"{where} has members {names}, which a '{kind}' node cannot have")
        if kind == "leaf":
            return child("value")
        if kind == "none":
            return None
        if names != [str(i) for i in range(len(names))]:
            raise self.fail(f"the {kind} {where} has members {names[:10]}, expected 0, 1, ...")
        items = [child(n) for n in names]
        return items if kind == "list" else tuple(items)

    def read_leaf(self, ds: Any, kind: str, name: str, where: str) -> Any:
        if kind not in _LEAF_KINDS:
            raise self.fail(f"dataset {where} has kind '{kind}', expected one of {_LEAF_KINDS}")
        h5d = self.h5py.h5d
        plist = ds.id.get_create_plist()
        if (ds.is_virtual or plist.get_nfilters() or plist.get_external_count()
                or plist.get_layout() not in (h5d.CONTIGUOUS, h5d.COMPACT)):
            raise self.fail(f"dataset {where} uses filters, chunks or external storage, "
                            "which tinygrad_nn.save never writes")
        dtype, shape = ds.dtype, ds.shape
        # Checked before any byte is read: object, opaque, string and compound types
        # (the carriers of pickled payloads) never reach NumPy.
        if dtype.str not in _ALLOWED_DTYPES or shape is None:
            raise self.fail(f"dataset {where} has dtype {dtype}, expected bool, integer, "
                            "float or complex")
        wanted = {"int": ("<i8", 0), "float": ("<f8", 0), "bool": ("|b1", 0),
                  "str": ("|u1", 1), "bigint": ("|u1", 1)}.get(kind)
        if wanted is not None and (dtype.str, len(shape)) != wanted:
            raise self.fail(f"dataset {where} of kind '{kind}' has dtype {dtype} and shape "
                            f"{shape}, expected {wanted[0]} with {wanted[1]} axes")
        if kind == "npscalar" and shape != ():
            raise self.fail(f"dataset {where} of kind 'npscalar' has shape {shape}")
        nbytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
        if nbytes > self.file_size:  # unfiltered data lives in the file: a lie about the size
            raise self.fail(f"dataset {where} claims {nbytes} bytes, more than the whole file")
        arr = np.asarray(ds[()])
        if arr.dtype.str != dtype.str or arr.shape != shape:
            raise self.fail(f"dataset {where} read back as {arr.dtype}{arr.shape}")
        _feed_array(self.hash, name, kind, arr)
        arr = arr.astype(arr.dtype.newbyteorder("="), copy=False)
        if kind == "ndarray":
            return arr
        if kind == "npscalar":
            return arr[()]
        if kind in ("str", "bigint"):
            text = arr.tobytes().decode("utf-8")
            return text if kind == "str" else int(text)
        return {"int": int, "float": float, "bool": bool}[kind](arr[()])


def load(path: str | os.PathLike[str]) -> Any:
    """Read the object written by ``save``: same keys, values and order; arrays as NumPy.

    Tuples come back as tuples, NumPy scalars as NumPy scalars and Tensors as ``np.ndarray``.
    Only numeric datasets are read: nothing is unpickled or executed, whatever the file holds.

    Parameters
    ----------
    path : str or os.PathLike
        A file written by ``tinygrad_nn.save``.

    Returns
    -------
    object
        Usually the saved dict, e.g. ``{"model": {...}, "optim": {...}, "epoch": 3}``.

    Raises
    ------
    CheckpointError
        (a ``ValueError``) if the file is missing, a directory, empty, not HDF5, not written
        by ``save``, from a newer format version, truncated or corrupted (the content
        checksum does not match). ``.path`` and the message name the file.
    """
    target = os.fspath(path)
    size = _check_regular_file(target)
    try:
        with open(target, "rb") as fh:
            head = fh.read(len(_SIGNATURE))
    except OSError as exc:
        raise CheckpointError(target, f"cannot be read ({exc.strerror or exc})") from None
    if head != _SIGNATURE:
        raise CheckpointError(target, "not an HDF5 file (no HDF5 signature at byte 0)")
    import h5py

    try:
        f = h5py.File(target, "r")
    except Exception as exc:
        raise CheckpointError(target, f"cannot be opened as HDF5, the file is truncated or "
                                      f"corrupted ({exc})") from exc
    try:
        with f:
            return _load_open(_Reader(target, size), f)
    except CheckpointError:
        raise
    except Exception as exc:  # any failure to parse untrusted bytes means a damaged file
        raise CheckpointError(target, f"the file is corrupted ({type(exc).__name__}: {exc})"
                              ) from exc


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
                          f"this tinygrad_nn ({_library_version()}) reads format versions up "
                          f"to {FORMAT_VERSION}: upgrade tinygrad_nn to load it")
    if version < 1:
        raise reader.fail(f"invalid format_version {version}, expected 1..{FORMAT_VERSION}")
    digest = reader.attr(f, "digest", "the root")
    obj = reader.read(f, "", "/", 0)
    if reader.hash.hexdigest() != digest:
        raise reader.fail("content checksum mismatch: the file is corrupted")
    return obj
