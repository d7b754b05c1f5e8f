"""PyTorch's ``torch.layout`` and its values (``strided``, ``sparse_coo`` ...).

tinygrad_nn stores every tensor as a NumPy strided array (its sparse tensors too: see
``sparse.py``), so ``Tensor.layout`` is always ``strided``; the other values exist so that
programs naming them (``layout=torch.sparse_coo`` checks, ``x.layout == torch.strided``)
run.
"""

from __future__ import annotations


class layout:  # noqa: N801 - PyTorch's name
    """A memory layout, compared by identity; its values are made once, here (as PyTorch's,
    the class cannot be called)."""

    __slots__ = ("_name",)
    _name: str

    def __new__(cls, *args: object, **kwargs: object) -> layout:
        raise TypeError("cannot create 'tinygrad_nn.layout' instances")

    @classmethod
    def _make(cls, name: str) -> layout:
        obj = object.__new__(cls)
        obj._name = name
        return obj

    def __repr__(self) -> str:
        return f"tinygrad_nn.{self._name}"

    def __reduce__(self) -> str:
        return self._name  # (pickled as the module-level name)


strided = layout._make("strided")
sparse_coo = layout._make("sparse_coo")
sparse_csr = layout._make("sparse_csr")
sparse_csc = layout._make("sparse_csc")
sparse_bsr = layout._make("sparse_bsr")
sparse_bsc = layout._make("sparse_bsc")
_mkldnn = layout._make("_mkldnn")
jagged = layout._make("jagged")

__all__ = ["jagged", "layout", "sparse_bsc", "sparse_bsr", "sparse_coo", "sparse_csc",
           "sparse_csr", "strided"]
