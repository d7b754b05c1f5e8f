"""Registry rows for in-place changes through views: ``t[idx] = v`` and ``v.mul_(w)`` on a view.

Recorded, they make the base a ``CopySlices`` node and re-derive its views (``AsStrided``);
these rows check both, and ``IndexPut`` (an advanced index), at first and second order.
"""

from __future__ import annotations

from tests.ops.registry_helpers import *  # noqa: F403 - the row helpers, numpy and strategies
from tests.ops.rows_shape import _basic_index


def basic_index(draw: Draw, shape: tuple[int, ...]) -> Any:
    """A random basic index of ``shape`` (``rows_shape``'s: negative steps too) that selects
    at least one element (an empty view changes nothing)."""
    idx = _basic_index(draw, shape)
    assume(np.empty(shape)[idx].size > 0)
    return idx


# a view of a view: after the basic index, one more view op (or none)
VIEW_OPS: dict[str, Callable[[Any], Any]] = {
    "none": lambda v: v,
    "t": lambda v: v.transpose(0, -1) if v.ndim else v,
    "diagonal": lambda v: v.diagonal() if v.ndim >= 2 else v,
    "unsqueeze": lambda v: v.unsqueeze(0),
    "flatten": lambda v: v.flatten(),  # a view when contiguous, else a copy: both paths
    "movedim": lambda v: v.movedim(0, -1) if v.ndim else v,
}


@case({"Tensor.__setitem__": lambda z, i, v: z.__setitem__(i, v)})
def _setitem_basic(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    idx = basic_index(draw, shape)
    target = np.empty(shape)[idx].shape
    vshape = target[draw(st.integers(0, len(target))):]  # broadcast from a suffix

    def fn(x: Any, v: Any) -> Any:
        z = x * 1.0
        form(z, idx, v)
        return z * z

    return fn, [arr(draw, shape), arr(draw, vshape)]


@case({"Tensor.__setitem__[advanced]": lambda z, i, v: z.__setitem__(i, v)})
def _setitem_advanced(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    if draw(st.booleans()):  # distinct rows (a repeated target's overwritten value has
        # no numerical gradient, while PyTorch's IndexPutBackward0 gives it one)
        rows = draw(st.lists(st.integers(0, shape[0] - 1), min_size=1, unique=True))
        idx: Any = np.array(rows)
    else:
        idx = draw(tst.arrays(shape=shape, dtype=np.bool_))
        assume(idx.any())
    target = np.empty(shape)[idx].shape

    def fn(x: Any, v: Any) -> Any:
        z = x * 1.0
        form(z, idx, v)
        return z * z

    return fn, [arr(draw, shape), arr(draw, target)]


@case({"Tensor.mul_[through a view]": lambda v, w: v.mul_(w),
       "Tensor.add_[through a view]": lambda v, w: v.add_(w.exp()),
       "Tensor.copy_[through a view]": lambda v, w: v.copy_(w * w),
       "Tensor.exp_[through a view]": lambda v, w: v.exp_().mul_(w)})
def _inplace_through_a_view(draw: Draw, form: Any) -> Any:
    shape = shape_of(draw, min_dims=1)
    idx = basic_index(draw, shape)
    view = VIEW_OPS[draw(st.sampled_from(sorted(VIEW_OPS)))]
    vshape = view(tg.zeros(shape)[idx]).shape

    def fn(x: Any, w: Any) -> Any:
        z = x * 1.0
        early = z.reshape(-1)  # a view taken before: re-derived from the changed base
        form(view(z[idx]), w)
        return z * z + early.reshape(shape)

    return fn, [arr(draw, shape, -1.0, 1.0), arr(draw, vshape, -1.0, 1.0)]
