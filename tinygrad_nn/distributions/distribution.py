"""The ``Distribution`` base (PyTorch's ``torch.distributions.Distribution``): shapes,
argument validation, ``sample`` / ``rsample`` and the derived statistics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from ..grad_mode import no_grad
from ..tensor import Size, Tensor
from ..tensor_functions import broadcast_tensors
from .constraints import Constraint


class lazy_property:
    """A parameter computed from another on first use (``probs`` from ``logits``), then
    kept; only parameters given (or already computed) are validated, as in PyTorch."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn
        self.__doc__ = fn.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = self.fn(obj)
        obj.__dict__[self.name] = value
        return value


def broadcast_all(*values: Any) -> tuple[Tensor, ...]:
    """Numbers and Tensors broadcast to one shape; numbers become Tensors of the Tensors'
    dtype (the default float dtype when there is none)."""
    tensors = [v for v in values if isinstance(v, Tensor)]
    dtype = tensors[0].dtype if tensors else get_default_dtype()
    as_t = [v if isinstance(v, Tensor) else Tensor._new(np.asarray(v, dtype=dtype)) for v in values]
    return tuple(broadcast_tensors(*as_t))


class Distribution:
    """A probability distribution with a batch of independent parameters.

    ``batch_shape``: the shape of the batch of distributions; ``event_shape``: the shape of
    one draw (``()`` for scalar distributions). ``sample(sample_shape)`` and ``rsample``
    (reparameterised, differentiable) give ``sample_shape + batch_shape + event_shape``.
    With ``validate_args`` (the default, as in PyTorch) parameters outside their
    constraints and ``log_prob`` values outside the support raise ``ValueError``.
    """

    arg_constraints: dict[str, Constraint] = {}
    support: Constraint | None = None
    has_rsample = False
    has_enumerate_support = False
    _validate_default = True

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Switch argument validation on or off for distributions created later."""
        if value not in (True, False):
            raise ValueError(f"set_default_validate_args expects a bool, got {value!r}")
        Distribution._validate_default = value

    def __init__(self, batch_shape: Any = (), event_shape: Any = (),
                 validate_args: bool | None = None) -> None:
        self._batch_shape = Size(batch_shape)
        self._event_shape = Size(event_shape)
        self._validate_args = (Distribution._validate_default if validate_args is None
                               else bool(validate_args))
        if not self._validate_args:
            return
        for name, constraint in self.arg_constraints.items():
            if isinstance(getattr(type(self), name, None), lazy_property) \
                    and name not in self.__dict__:
                continue  # not given (e.g. logits when probs were): derived, not checked
            value = getattr(self, name)
            if not np.all(constraint.check(value)):
                shape = tuple(value.shape) if isinstance(value, Tensor) else ()
                raise ValueError(
                    f"Expected parameter {name} (Tensor of shape {shape}) of distribution "
                    f"{self!r} to satisfy the constraint {constraint!r}, but found invalid "
                    f"values:\n{value}")

    # -- shapes -----------------------------------------------------------------------
    @property
    def batch_shape(self) -> Size:
        return self._batch_shape

    @property
    def event_shape(self) -> Size:
        return self._event_shape

    def expand(self, batch_shape: Any, _instance: Any = None) -> Distribution:
        """The same distribution over a larger batch: every parameter (and any tensor cached
        from them) broadcast to ``batch_shape`` (a view, as PyTorch's ``expand``, so the
        gradient flows back to the original parameters); a batch shape the parameters do
        not broadcast to is a RuntimeError, as ``Tensor.expand``'s."""
        batch = Size(batch_shape)
        new = _instance if _instance is not None else type(self).__new__(type(self))
        lead = len(self._batch_shape)
        for name, value in self.__dict__.items():
            if isinstance(value, Tensor) and tuple(value.shape[:lead]) == tuple(self._batch_shape):
                value = value.expand(*batch, *value.shape[lead:])
            elif isinstance(value, Distribution):  # (a wrapped one: OneHotCategorical's)
                value = value.expand(batch)
            new.__dict__[name] = value
        Distribution.__init__(new, batch, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _extended_shape(self, sample_shape: Any = ()) -> tuple[int, ...]:
        return tuple(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape)

    # -- draws ------------------------------------------------------------------------
    def sample(self, sample_shape: Any = ()) -> Tensor:
        """Draws of shape ``sample_shape + batch_shape + event_shape``, without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Any = ()) -> Tensor:
        """Reparameterised draws: differentiable with respect to the parameters."""
        raise NotImplementedError(f"{type(self).__name__} has no reparameterised rsample")

    def sample_n(self, n: int) -> Tensor:
        return self.sample((n,))

    # -- densities and statistics (per distribution) ---------------------------------------
    def log_prob(self, value: Any) -> Tensor:
        raise NotImplementedError

    def cdf(self, value: Any) -> Tensor:
        raise NotImplementedError

    def icdf(self, value: Any) -> Tensor:
        raise NotImplementedError

    def entropy(self) -> Tensor:
        raise NotImplementedError

    def enumerate_support(self, expand: bool = True) -> Tensor:
        raise NotImplementedError

    @property
    def mean(self) -> Tensor:
        raise NotImplementedError

    @property
    def mode(self) -> Tensor:
        raise NotImplementedError

    @property
    def variance(self) -> Tensor:
        raise NotImplementedError

    @property
    def stddev(self) -> Tensor:
        return self.variance.sqrt()

    def perplexity(self) -> Tensor:
        return self.entropy().exp()

    def _validate_sample(self, value: Any) -> Tensor:
        """``value`` as a Tensor, checked to lie in the support (when validating: then a
        value that is not a Tensor is refused, as PyTorch refuses ``log_prob(1)``)."""
        if self._validate_args and not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        if not isinstance(value, Tensor):  # (a Python float computes in the default dtype)
            given = np.asarray(value)
            if given.dtype == np.float64 and not isinstance(value, np.ndarray):
                given = given.astype(get_default_dtype())
            value = Tensor._new(given)
        if self._validate_args and self.support is not None \
                and not np.all(self.support.check(value)):
            raise ValueError(
                f"Expected value argument (Tensor of shape {tuple(value.shape)}) to be within "
                f"the support ({self.support!r}) of the distribution {self!r}, but found "
                f"invalid values:\n{value}")
        return value

    def __repr__(self) -> str:
        parts = []
        for name in self.arg_constraints:
            if name in self.__dict__:
                value = self.__dict__[name]
                parts.append(f"{name}: {value if value.numel() == 1 else value.size()}")
        return f"{type(self).__name__}({', '.join(parts)})"


__all__ = ["Distribution", "broadcast_all", "lazy_property"]
