"""The value <-> HDF5 tree mapping behind ``tinygrad_nn.io`` checkpoints, and its digest.

Encoding (``_classify``, ``_write``) turns nested dicts, lists, tuples and leaves into groups
and datasets with a ``kind`` attribute; decoding (``_Reader``) validates and rebuilds them from
an untrusted file. Both feed the same SHA-256 digest. File handling (atomic writes, the root's
format attributes, ``CheckpointError``) stays in ``io.py``; the layout is ``docs/checkpoints.md``.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

from .nn.parameter import Parameter
from .tensor import Tensor

MAX_DEPTH = 64  # nesting levels; bounds the recursive walks (and catches self-containing dicts)

_ALLOWED_DTYPES = frozenset(
    np.dtype(c).str
    for c in ("?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "c8", "c16")
)
_GROUP_KINDS = ("dict", "odict", "list", "tuple", "none", "leaf")  # odict: an OrderedDict
# a Tensor's kind records its class and requires_grad, which torch.load restores too
_TENSOR_KINDS = {"tensor": (False, False), "tensor_grad": (False, True),
                 "parameter": (True, True), "parameter_nograd": (True, False)}
_LEAF_KINDS = ("ndarray", "npscalar", "int", "bigint", "float", "bool", "str", *_TENSOR_KINDS)
_INT_KEY = re.compile(r"%i(-?[0-9]+)")
_ESCAPED = re.compile(r"%(25|2F|00|2E)")


# ----------------------------------------------------------------------------------- helpers


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
        return "odict" if isinstance(obj, OrderedDict) else "dict", children
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
    if isinstance(obj, Tensor):  # its array, and what it was (a Parameter, requires_grad)
        param = isinstance(obj, Parameter)
        kind = next(k for k, v in _TENSOR_KINDS.items() if v == (param, obj.requires_grad))
        return kind, _leaf_array(obj._data, where)
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


# -------------------------------------------------------------------------------------- load


class _Reader:
    """State of one load: how to report a problem, the file size, the digest, objects seen."""

    def __init__(self, fail: Callable[[str], Exception], file_size: int,
                 map_tensor: Callable[[Any, str], Any] | None = None) -> None:
        import h5py

        self.h5py = h5py
        self.fail = fail  # problem -> the exception to raise (io: a CheckpointError for the file)
        self.file_size = file_size
        self.hash = hashlib.sha256()
        self.seen: set[tuple[int, int]] = set()
        self.map_tensor = map_tensor  # load's map_location as a callable: (tensor, 'cpu')

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

        if kind in ("dict", "odict"):
            entries = {_unescape_key(n): child(n) for n in names}
            return OrderedDict(entries) if kind == "odict" else entries
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
        if kind in _TENSOR_KINDS:
            param, grad = _TENSOR_KINDS[kind]
            t = Parameter(arr, grad) if param else Tensor._new(arr, requires_grad=grad)
            if self.map_tensor is not None:
                mapped = self.map_tensor(t, "cpu")
                t = t if mapped is None else mapped
            return t
        if kind == "npscalar":
            return arr[()]
        if kind in ("str", "bigint"):
            text = arr.tobytes().decode("utf-8")
            return text if kind == "str" else int(text)
        return {"int": int, "float": float, "bool": bool}[kind](arr[()])
