"""PyTorch's storages (``t.untyped_storage()``, ``t.storage()``) on the CPU: the NumPy
buffer a tensor's elements live in, the owner array at the end of its chain of views."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._warn import warn_once

_TYPED_WARN = ("TypedStorage is deprecated. It will be removed in the future and UntypedStorage "
               "will be the only storage class. This should only matter to you if you are using "
               "storages directly.  To access UntypedStorage directly, use "
               "tensor.untyped_storage() instead of tensor.storage()")


def owner_of(a: np.ndarray) -> np.ndarray:
    """The array that owns ``a``'s memory (through the wrappers of strided views)."""
    owner, node = a, a.base
    while node is not None:
        if isinstance(node, np.ndarray):
            owner = node
        node = getattr(node, "base", None)
    return owner


class UntypedStorage:
    """The bytes of a tensor's memory (PyTorch's ``torch.UntypedStorage``): ``size()`` and
    ``nbytes()`` count bytes, ``element_size()`` is 1, ``data_ptr()`` is the first byte."""

    def __init__(self, owner: np.ndarray) -> None:
        self._owner = owner

    def data_ptr(self) -> int:
        return int(self._owner.ctypes.data) if self._owner.size else 0

    def nbytes(self) -> int:
        return int(self._owner.nbytes)

    size = nbytes

    def __len__(self) -> int:
        return self.nbytes()

    def element_size(self) -> int:
        return 1

    @property
    def device(self) -> Any:
        return "cpu"

    def tolist(self) -> list[int]:
        """The bytes, as ints."""
        return np.ascontiguousarray(self._owner).view(np.uint8).reshape(-1).tolist()


class TypedStorage(UntypedStorage):
    """A tensor's memory as elements of its dtype (PyTorch's deprecated ``t.storage()``,
    with its warning): ``size()`` counts elements, ``nbytes()`` bytes."""

    def __init__(self, owner: np.ndarray, dtype: np.dtype) -> None:
        super().__init__(owner)
        self.dtype = dtype

    def element_size(self) -> int:
        return int(self.dtype.itemsize)

    def size(self) -> int:  # type: ignore[override]
        return self.nbytes() // self.element_size()

    def __len__(self) -> int:
        return self.size()

    def tolist(self) -> list[Any]:  # type: ignore[override]
        return np.ascontiguousarray(self._owner).view(self.dtype).reshape(-1).tolist()

    def untyped(self) -> UntypedStorage:
        return UntypedStorage(self._owner)


def typed_storage(a: np.ndarray) -> TypedStorage:
    """``t.storage()``: PyTorch's deprecation warning (once), then the typed storage."""
    warn_once(_TYPED_WARN)
    return TypedStorage(owner_of(a), a.dtype)
