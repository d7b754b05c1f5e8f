"""Numerical gradient checks: analytic derivatives against two-sided finite differences.

``gradcheck`` compares, for every input that requires grad, the reverse-mode derivative of
``fn`` with ``(f(x + eps·d) - f(x - eps·d)) / (2·eps)`` computed in float64. Two modes:

* ``"full"``: every entry of the Jacobian ``J`` (one backward pass per output element and
  two evaluations of ``fn`` per input element).
* ``"projection"`` (HIPS autograd): one random unit vector ``v`` over the outputs and one
  ``u`` per input, so the check is the scalar ``vᵀ·J·u`` (one backward pass for all inputs
  and two evaluations of ``fn`` per input). On a mismatch the checker computes ``vᵀJ``
  numerically entry by entry to name the worst input element.
* ``"auto"`` (the default): ``"full"`` when the input and the output both have at most
  64 elements, ``"projection"`` otherwise.

``gradgradcheck`` runs the same check on the first derivative ``x -> vᵀ·∂f/∂x`` computed
with ``create_graph=True``, so it tests the derivative of every backward.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np

from .._warn import user_stacklevel
from ..grad_mode import enable_grad, no_grad
from ..tensor import Tensor
from ..tensor_autograd import grad

Mode = Literal["auto", "projection", "full"]
_FULL_LIMIT = 64  # "auto" checks every Jacobian entry when input and output are this small


class GradcheckError(RuntimeError, AssertionError):
    """Raised when |analytic - numeric| > atol + rtol·|numeric| for some derivative.

    A ``RuntimeError`` as PyTorch's ``torch.autograd.gradcheck.GradcheckError``; also an
    ``AssertionError``, as it was here first."""


def gradcheck(
    fn: Callable[..., Any],
    inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    mode: Mode = "auto",
    seed: int = 0,
) -> bool:
    """Check ∂fn/∂x against (f(x + eps) - f(x - eps)) / (2 eps) for each input x that requires grad.

    Parameters
    ----------
    fn : callable
        ``fn(*inputs)`` returns a Tensor of any shape, or a tuple / list of them. Outputs
        that are not floating point are ignored.
    inputs : sequence
        Tensors, arrays or numbers (a single Tensor is accepted too). Floating-point Tensors
        are copied to float64; those with ``requires_grad=True`` are checked, the rest (and
        integer Tensors, arrays, numbers) are passed through as constants.
    eps : float
        Step of the two-sided difference.
    atol, rtol : float
        An entry passes when ``|analytic - numeric| <= atol + rtol * |numeric|``.
    raise_exception : bool
        Raise ``GradcheckError`` on a mismatch (default) instead of returning ``False``.
    mode : {"auto", "projection", "full"}
        Every Jacobian entry, or the random projection ``vᵀ·J·u`` (see module doc).
    seed : int
        Seed of the random projection vectors.

    Returns
    -------
    bool
        ``True`` when every checked derivative matches.

    Raises
    ------
    GradcheckError
        On a mismatch (if ``raise_exception``); the message names the input (position and
        ``.name``), the worst element's index and both values.
    """
    return _check(fn, inputs, eps, atol, rtol, raise_exception, mode, seed, "gradcheck", None)


def gradgradcheck(
    fn: Callable[..., Any],
    inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    mode: Mode = "auto",
    seed: int = 0,
) -> bool:
    """Check ∂(vᵀ·∂fn/∂x)/∂x (through ``create_graph``) against finite differences of vᵀ·∂fn/∂x.

    ``v`` is a fixed random vector over the outputs of ``fn`` (drawn from ``seed``). The
    first derivative is computed with ``grad(..., create_graph=True)``; a backward that
    leaves the graph (``.data``, ``np.*`` on its values, ``.detach()``) is caught here even
    when ``gradcheck`` passes. Parameters, return value and errors are as in ``gradcheck``.
    """
    xs, checked = _prepare(inputs, "gradgradcheck")
    with enable_grad():
        probe = _call(fn, xs, "at the given inputs")
    rng = np.random.default_rng(seed + 1)
    vs = {pos: rng.standard_normal(np.shape(_array(o))) for pos, o in probe}
    if sum(v.size for v in vs.values()) == 1:  # one output element: v = 1, plain 2nd derivative
        vs = {pos: np.ones_like(v) for pos, v in vs.items()}
    wrt_names = [f"first derivative w.r.t. input {i}"
                 + (f" ({xs[i].name!r})" if xs[i].name else "") for i in checked]

    def first_derivative(*args: Any) -> tuple[Any, ...]:
        with enable_grad():
            outs = _call(fn, args, "inside the first derivative")
            diff = [(pos, o) for pos, o in outs if _differentiable(o)]
            wrt = [args[i] for i in checked]
            gs: Sequence[Any] = [None] * len(wrt)
            if diff:
                seeds = [Tensor._new(vs[pos].astype(o._data.dtype)) for pos, o in diff]
                gs = grad([o for _, o in diff], wrt, grad_outputs=seeds,
                             create_graph=True, allow_unused=True)
        return tuple(
            Tensor._new(np.zeros(w.shape)) if g is None else g for g, w in zip(gs, wrt)
        )

    return _check(first_derivative, xs, eps, atol, rtol, raise_exception, mode, seed,
                  "gradgradcheck", wrt_names)


# -- the check ------------------------------------------------------------------------------


def _check(
    fn: Callable[..., Any],
    inputs: Any,
    eps: float,
    atol: float,
    rtol: float,
    raise_exception: bool,
    mode: str,
    seed: int,
    label: str,
    out_names: list[str] | None,
    like_torch: bool = False,
) -> bool:
    """Shared body of gradcheck / gradgradcheck: True, False or GradcheckError.

    ``like_torch`` (PyTorch's ``gradcheck``): check in the inputs' own precision, and start
    a failure message with PyTorch's first line ("Jacobian mismatch for output ...")."""
    if not callable(fn):
        raise TypeError(f"{label}: fn must be callable, got {type(fn).__name__}")
    if mode not in ("auto", "projection", "full"):
        raise ValueError(f"{label}: mode must be 'auto', 'projection' or 'full', got {mode!r}")
    if not eps > 0 or not atol >= 0 or not rtol >= 0:
        raise ValueError(f"{label}: need eps > 0, atol >= 0, rtol >= 0; got "
                         f"eps={eps}, atol={atol}, rtol={rtol}")
    xs, checked = _prepare(inputs, label, upcast=not like_torch)
    with enable_grad():
        outs = _call(fn, xs, "at the given inputs")
    sizes = [int(np.size(_array(o))) for _, o in outs]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    m = int(offsets[-1])
    names = out_names if out_names is not None else [f"output {pos}" for pos, _ in outs]
    if out_names is None and len(outs) == 1:
        names = ["output"]
    diff = [(k, o) for k, (_, o) in enumerate(outs) if _differentiable(o)]

    def vjp(v: np.ndarray) -> list[np.ndarray]:
        """vᵀ·J for every checked input (zeros where an input is unused)."""
        zeros = [np.zeros(xs[i].shape) for i in checked]
        used = [(k, o) for k, o in diff if np.any(v[offsets[k]:offsets[k + 1]])]
        if not used:
            return zeros
        seeds = [Tensor._new(v[offsets[k]:offsets[k + 1]].reshape(o.shape).astype(o._data.dtype))
                 for k, o in used]
        gs = grad([o for _, o in used], [xs[i] for i in checked], grad_outputs=seeds,
                     retain_graph=True, allow_unused=True)
        return [z if g is None else np.asarray(g._data, dtype=np.float64)
                for g, z in zip(gs, zeros)]

    def numeric(i: int, d: np.ndarray, what: str) -> np.ndarray:
        """(f(x + eps·d) - f(x - eps·d)) / (2 eps) over the flattened outputs."""
        x = xs[i]
        vals = []
        for sign, op in ((1.0, "+"), (-1.0, "-")):
            args = list(xs)
            moved = (x._data + (sign * eps) * d).astype(x._data.dtype, copy=False)
            args[i] = Tensor._new(moved, requires_grad=x.requires_grad, name=x.name)
            with no_grad():
                f = _flat(_call(fn, args, f"at input {i} {op} eps * {what}"))
            if f.shape != (m,):
                raise RuntimeError(f"{label}: fn returned {f.size} output elements at a "
                                   f"perturbed input but {m} at the given inputs")
            vals.append(f)
        return (vals[0] - vals[1]) / (2.0 * eps)

    def unit(j: int, shape: tuple[int, ...]) -> np.ndarray:
        d = np.zeros(shape)
        d.flat[j] = 1.0
        return d

    rng = np.random.default_rng(seed)
    modes = {i: mode if mode != "auto" else
             ("full" if xs[i]._data.size <= _FULL_LIMIT and m <= _FULL_LIMIT else "projection")
             for i in checked}
    v = np.ones(m) if m <= 1 else _unit_random(rng, (m,))
    rows = [vjp(unit(k, (m,))) for k in range(m)] if "full" in modes.values() else []
    gv = vjp(v) if "projection" in modes.values() else []

    for c, i in enumerate(checked):
        x = xs[i]
        n = x._data.size
        if n == 0 or m == 0:
            continue
        desc = _describe_input(i, x)
        if modes[i] == "full":
            ana = np.stack([r[c].ravel() for r in rows])  # (m, n)
            num = np.stack([numeric(i, unit(j, x.shape), f"e{_index(j, x.shape)}")
                            for j in range(n)], axis=1)
            found = _worst(ana.ravel(), num.ravel(), atol, rtol)
            if found is None:
                continue
            flat, nbad = found
            k, j = divmod(flat, n)
            where = ""
            o = int(np.searchsorted(offsets, k, side="right") - 1)
            out_pos: int | None = outs[o][0]
            if m > 1 or names != ["output"]:
                shape = np.shape(_array(outs[o][1]))
                where = f", {names[o]} element {_index(k - offsets[o], shape)}"
            note = f"{nbad} of {ana.size} Jacobian entries differ"
            msg = _message(label, desc, _index(j, x.shape), where, ana.flat[flat],
                           num.flat[flat], atol, rtol, note, "full", eps)
        else:
            u = np.ones(x.shape) if n == 1 else _unit_random(rng, x.shape)
            a = float(np.sum(gv[c] * u))
            nu = float(v @ numeric(i, u, "u"))
            if _worst(np.array([a]), np.array([nu]), atol, rtol) is None:
                continue
            # locate the worst element: vᵀJ entry by entry, numerically
            num = np.array([v @ numeric(i, unit(j, x.shape), f"e{_index(j, x.shape)}")
                            for j in range(n)])
            ana = gv[c].ravel()
            found = _worst(ana, num, atol, rtol)
            j, nbad = found if found is not None else (int(np.argmax(np.abs(ana - num))), 0)
            where = "" if m == 1 else " (outputs projected on a random unit vector v)"
            out_pos = outs[0][0] if len(outs) == 1 else None
            note = (f"projected check vᵀJu: analytic {a:.6g} vs numeric {nu:.6g}; "
                    f"{nbad} of {n} entries of vᵀJ differ")
            msg = _message(label, desc, _index(j, x.shape), where, ana[j], num[j], atol,
                           rtol, note, "projection", eps)
        if like_torch:
            of = "" if out_pos is None else f" for output {out_pos}"
            msg = f"Jacobian mismatch{of} with respect to input {i},\n{msg}"
        if raise_exception:
            raise GradcheckError(msg)
        return False
    return True


# -- PyTorch's torch.autograd.gradcheck / gradgradcheck (their signatures are there) -------


def check_like_torch(fn: Callable[..., Any], inputs: Any, eps: float, atol: float,
                     rtol: float, raise_exception: bool, fast_mode: bool,
                     check_undefined_grad: bool, check_grad_dtypes: bool,
                     label: str = "gradcheck") -> bool:
    """The body of ``torch.autograd.gradcheck``: the check above in the inputs' precision
    (every Jacobian entry, or the projection ``vᵀ·J·u`` with ``fast_mode``), then PyTorch's
    checks that a zero output gradient gives zero input gradients of the inputs' dtypes."""
    mode = "projection" if fast_mode else "full"
    if not _check(fn, inputs, eps, atol, rtol, raise_exception, mode, 0, label, None,
                  like_torch=True):
        return False
    del check_undefined_grad  # an undefined output gradient is a zero one here: the next
    # check (which PyTorch runs always) covers it
    problem = _zero_grad_problem(fn, inputs, check_grad_dtypes)
    if problem is None:
        return True
    if raise_exception:
        raise GradcheckError(problem)
    return False


def _zero_grad_problem(fn: Callable[..., Any], inputs: Any, dtypes: bool) -> str | None:
    """PyTorch's message for a backward that is not linear in its gradient, or returns
    gradients of another dtype than its inputs; None when there is none."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # _check warned already
        xs, checked = _prepare(inputs, "gradcheck", upcast=False)
    with enable_grad():
        outs = [o for _, o in _call(fn, xs, "at the given inputs") if _differentiable(o)]
    if not outs:
        return None
    wrt = [xs[i] for i in checked]
    if dtypes:
        ones = [Tensor._new(np.ones(o.shape, dtype=o._data.dtype)) for o in outs]
        gs = grad(outs, wrt, grad_outputs=ones, retain_graph=True, allow_unused=True)
        if any(g is not None and g._data.dtype != x._data.dtype for g, x in zip(gs, wrt)):
            return "Gradient has dtype mismatch"
    zeros = [Tensor._new(np.zeros(o.shape, dtype=o._data.dtype)) for o in outs]
    gs = grad(outs, wrt, grad_outputs=zeros, allow_unused=True)
    for g, x in zip(gs, wrt):
        if g is None:
            continue
        if np.any(g._data != 0):
            return "backward not multiplied by grad_output"
        if g._data.dtype != x._data.dtype:
            return "grad is incorrect type"
    return None


def gradgradcheck_like_torch(fn: Callable[..., Any], inputs: Any, grad_outputs: Any,
                             **check: Any) -> bool:
    """The body of ``torch.autograd.gradgradcheck``: ``check_like_torch`` on
    ``(inputs, grad_outputs) -> grad(fn(inputs), inputs, grad_outputs, create_graph=True)``,
    so the second derivatives w.r.t. the inputs and the grad_outputs are both checked.
    Without ``grad_outputs``, random ones in [-1, 1) that require grad (PyTorch's); they
    are always contiguous arrays (the memory layout does not change a value here)."""
    xs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    if grad_outputs is None:
        with enable_grad():
            outs = [o for _, o in _call(fn, xs, "at the given inputs") if _differentiable(o)]
        rng = np.random.default_rng(0)
        gos: tuple[Any, ...] = tuple(
            Tensor._new(rng.uniform(-1.0, 1.0, o.shape).astype(o._data.dtype), requires_grad=True)
            for o in outs
        )
    else:
        gos = (grad_outputs,) if isinstance(grad_outputs, Tensor) else tuple(grad_outputs)
    n = len(xs)

    def first_derivative(*args: Any) -> tuple[Any, ...]:
        with enable_grad():
            outs = [o for _, o in _call(fn, args[:n], "inside the first derivative")
                    if _differentiable(o)]
            wrt = [a for a in args[:n] if isinstance(a, Tensor) and a.requires_grad]
            gs = grad(outs, wrt, grad_outputs=list(args[n:]), create_graph=True,
                      allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return check_like_torch(first_derivative, xs + gos, label="gradgradcheck", **check)


# -- helpers ------------------------------------------------------------------------------


def _prepare(inputs: Any, label: str, upcast: bool = True) -> tuple[list[Any], list[int]]:
    """Copies of the inputs (float64 if ``upcast``) and the positions of those to check.

    Without ``upcast`` (PyTorch's check) an input that requires grad and is not float64
    gets PyTorch's warning."""
    if isinstance(inputs, (Tensor, np.ndarray)) or not isinstance(inputs, (tuple, list)):
        inputs = (inputs,)
    xs: list[Any] = []
    checked = []
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor):
            kind = x._data.dtype.kind
            if kind == "c":
                raise TypeError(f"{label}: input {i} is complex; only real inputs are supported")
            if kind == "f":
                if not upcast and x.requires_grad and x._data.dtype != np.float64:
                    warnings.warn(
                        f"Input #{i} requires gradient and is not a double precision floating "
                        "point or complex. This check will likely fail if all the inputs are "
                        "not of double precision floating point or complex. ",
                                  stacklevel=user_stacklevel())
                x = Tensor._new(np.array(x._data, dtype=np.float64 if upcast else None, copy=True),
                           requires_grad=x.requires_grad, name=x.name)
                if x.requires_grad:
                    checked.append(i)
        elif upcast and isinstance(x, np.ndarray) and x.dtype.kind == "f":
            x = x.astype(np.float64)
        xs.append(x)
    if not checked and not upcast:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, "
                         "but none of them have requires_grad=True.")
    if not checked:
        raise ValueError(f"{label}: no input requires grad; pass at least one floating-point "
                         "Tensor with requires_grad=True")
    return xs, checked


def _call(fn: Callable[..., Any], args: Sequence[Any], where: str) -> list[tuple[int, Any]]:
    """fn(*args) -> [(position, output)] for its floating-point outputs."""
    try:
        out = fn(*args)
    except Exception as e:
        e.add_note(f"(raised by the function under gradient check, evaluated {where})")
        raise
    items = out if isinstance(out, (tuple, list)) else (out,)
    return [(pos, o) for pos, o in enumerate(items)
            if o is not None and np.asarray(_array(o)).dtype.kind == "f"]


def _array(o: Any) -> Any:
    data = getattr(o, "_data", None)
    return data if isinstance(data, np.ndarray) else o


def _differentiable(o: Any) -> bool:
    return bool(getattr(o, "requires_grad", False)) and isinstance(o, Tensor)


def _flat(outs: list[tuple[int, Any]]) -> np.ndarray:
    parts = [np.asarray(_array(o), dtype=np.float64).ravel() for _, o in outs]
    return np.concatenate(parts) if parts else np.zeros(0)


def _unit_random(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    d = rng.standard_normal(shape)
    return d / np.linalg.norm(d)


def _index(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(a) for a in np.unravel_index(flat, shape)) if shape else ()


def _worst(ana: np.ndarray, num: np.ndarray, atol: float, rtol: float
           ) -> tuple[int, int] | None:
    """(flat index of the largest error/tolerance ratio, count of failures), or None."""
    err = np.abs(ana - num)
    tol = atol + rtol * np.abs(num)
    bad = ~(err <= tol)  # NaN fails
    if not bad.any():
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(np.isnan(err), np.inf, err / tol)
    ratio = np.where(bad, np.nan_to_num(ratio, nan=np.inf), -1.0)
    return int(np.argmax(ratio)), int(bad.sum())


def _describe_input(i: int, x: Any) -> str:
    name = f"{x.name!r}, " if getattr(x, "name", None) else ""
    return f"input {i} ({name}shape {tuple(x.shape)})"


def _message(label: str, desc: str, idx: tuple[int, ...], where: str, a: float, n: float,
             atol: float, rtol: float, note: str, mode: str, eps: float) -> str:
    a, n = float(a), float(n)
    msg = (f"{label} failed for {desc} at index {idx}{where}: analytic {a:.6g} vs numeric "
           f"{n:.6g} (abs error {abs(a - n):.3g}, tolerance {atol:.1e} + {rtol:.1e} * "
           f"|numeric|)\n  {note} (mode {mode!r}, eps {eps:g}, float64).")
    if a == 0.0 and n != 0.0:
        msg += ("\n  The analytic derivative is zero: the output may reach this input only "
                "through values that left the graph (._data, .detach(), NumPy functions).")
    elif np.isnan(a) or np.isnan(n):
        msg += "\n  A value is NaN: is the input inside the function's domain?"
    return msg


__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]
