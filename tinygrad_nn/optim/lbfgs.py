"""L-BFGS (PyTorch's ``torch.optim.LBFGS``): quasi-Newton steps from the last few gradient
differences, with an optional strong-Wolfe line search.

It works on all parameters as one flat vector: each ``step(closure)`` re-evaluates the loss
up to ``max_eval`` times. The algorithm is PyTorch's, step for step (the two-loop recursion,
the first step's length ``min(1, 1/|g|₁)·lr``, the stopping tests, the line search's cubic
interpolation), so its trajectories match PyTorch's (checked in tests/optim).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..grad_mode import enable_grad, no_grad
from ..tensor import Tensor
from ._complex import RealView, as_real
from ._multi import as_arrays, tensors_in
from .optimizer import Optimizer, ParamsT


def _cubic_interpolate(x1: float, f1: float, g1: float, x2: float, f2: float, g2: float,
                       bounds: tuple[float, float] | None = None) -> float:
    """The minimiser of the cubic through (x1, f1, slope g1) and (x2, f2, slope g2), clipped
    to ``bounds`` (default: between x1 and x2); their midpoint when the cubic has none."""
    lo, hi = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 * d1 - g1 * g2
    if d2_square < 0:
        return (lo + hi) / 2.0
    d2 = np.sqrt(d2_square)
    if x1 <= x2:
        at = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        at = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(at, lo), hi)


Evaluate = Callable[[list[np.ndarray], Any, np.ndarray], tuple[float, np.ndarray]]


class LineSearchError(ValueError, RuntimeError):
    """An unknown ``line_search_fn``: refused at construction (PyTorch raises RuntimeError at
    the first step; this is both)."""


def _strong_wolfe(evaluate: Evaluate, x: list[np.ndarray], t: Any, d: np.ndarray, f: float,
                  g: np.ndarray, gtd: Any, c1: float = 1e-4, c2: float = 0.9,
                  tolerance_change: float = 1e-9, max_ls: int = 25
                  ) -> tuple[float, np.ndarray, Any, int]:
    """A step length t along d meeting the strong Wolfe conditions (sufficient decrease c1,
    curvature c2): bracketing, then zooming by cubic interpolation (Nocedal & Wright,
    algorithms 3.5 and 3.6, as PyTorch implements them). Returns (f, g, t, evaluations)."""
    d_norm = np.abs(d).max()
    g = g.copy()
    f_new, g_new = evaluate(x, t, d)
    evals = 1
    gtd_new = g_new.dot(d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    bracket: list[Any] = []
    bracket_f: list[float] = []
    bracket_g: list[np.ndarray] = []
    bracket_gtd: list[Any] = []
    while ls_iter < max_ls:  # bracketing: grow t until an interval must hold a minimiser
        if f_new > f + c1 * t * gtd or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        min_step, max_step = t + 0.01 * (t - t_prev), t * 10
        t_prev, t = t, _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                                          bounds=(min_step, max_step))
        f_prev, g_prev, gtd_prev = f_new, g_new.copy(), gtd_new
        f_new, g_new = evaluate(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    insufficient = False  # zoom: shrink the bracket around a point meeting both conditions
    low, high = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0],
                               bracket[1], bracket_f[1], bracket_gtd[1])
        top, bottom = max(bracket), min(bracket)
        eps = 0.1 * (top - bottom)
        if min(top - t, t - bottom) < eps:  # too close to an end: step away from it
            if insufficient or t >= top or t <= bottom:
                t = top - eps if abs(t - top) < abs(t - bottom) else bottom + eps
                insufficient = False
            else:
                insufficient = True
        else:
            insufficient = False
        f_new, g_new = evaluate(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
        if f_new > f + c1 * t * gtd or f_new >= bracket_f[low]:
            bracket[high], bracket_f[high] = t, f_new
            bracket_g[high], bracket_gtd[high] = g_new.copy(), gtd_new
            low, high = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                bracket[high], bracket_f[high] = bracket[low], bracket_f[low]
                bracket_g[high], bracket_gtd[high] = bracket_g[low], bracket_gtd[low]
            bracket[low], bracket_f[low] = t, f_new
            bracket_g[low], bracket_gtd[low] = g_new.copy(), gtd_new
    return bracket_f[low], bracket_g[low], bracket[low], evals


class LBFGS(Optimizer):
    """L-BFGS: d = −H∇f from the last ``history_size`` pairs (s, y) of steps and gradient
    changes (two-loop recursion, H₀ = sᵀy / yᵀy), then p ← p + t·d.

    Parameters
    ----------
    params : iterable of Tensor
        One group only (L-BFGS treats all parameters as one vector).
    lr : float, default 1
        Step length t (the first step is ``min(1, 1/|∇f|₁)·lr``).
    max_iter : int, default 20
        Iterations per ``step``.
    max_eval : int, optional
        Loss evaluations per ``step`` (default ``max_iter * 5 // 4``).
    tolerance_grad : float, default 1e-7
        Stop when every |∂f/∂p| is at most this.
    tolerance_change : float, default 1e-9
        Stop when the loss or the step changes less than this.
    history_size : int, default 100
        Pairs (s, y) kept.
    line_search_fn : None or 'strong_wolfe'
        With 'strong_wolfe', t comes from a line search instead of being ``lr``.
    """

    def __init__(self, params: ParamsT, lr: float = 1, max_iter: int = 20,
                 max_eval: int | None = None, tolerance_grad: float = 1e-7,
                 tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None) -> None:
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(lr=lr, max_iter=max_iter, max_eval=max_eval,
                        tolerance_grad=tolerance_grad, tolerance_change=tolerance_change,
                        history_size=history_size, line_search_fn=line_search_fn)
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params: list[Tensor] = self.param_groups[0]["params"]

    def _check_hyper(self, group: dict[str, Any]) -> None:
        self._check_range(group, "lr", 0.0)
        if group["line_search_fn"] not in (None, "strong_wolfe"):
            raise LineSearchError(f"LBFGS: line_search_fn must be None or 'strong_wolfe', got "
                                  f"{group['line_search_fn']!r}")

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        if self.param_groups:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        super().add_param_group(param_group)

    # -- the parameters as one flat vector ---------------------------------------------
    def _flat_grad(self) -> np.ndarray:
        """The gradients in one vector; a complex one as its (re, im) pairs (PyTorch's
        view_as_real), so the directions and curvature pairs are real."""
        parts = []
        for p in self._params:
            complex_ = p.dtype.kind == "c"
            if p.grad is None:
                dtype = np.zeros(0, p.dtype).real.dtype
                parts.append(np.zeros(p.numel() * (2 if complex_ else 1), dtype))
            else:
                parts.append(as_real(p.grad._data) if complex_ else p.grad._data.reshape(-1))
        return np.concatenate(parts)

    def _add_step(self, t: Any, d: np.ndarray) -> None:
        """p ← p + t·d, d split over the parameters in order (complex ones as real pairs)."""
        offset = 0
        for p in self._params:
            if p.dtype.kind == "c":
                real = RealView(p)
                n = real._data.size
                real._data += (t * d[offset:offset + n]).astype(real._data.dtype, copy=False)
                real.finish()
            else:
                n = p.numel()
                p._data += (t * d[offset:offset + n]).reshape(p.shape).astype(p.dtype,
                                                                            copy=False)
            p._bump_version()
            offset += n

    def _set_params(self, x: list[np.ndarray]) -> None:
        for p, value in zip(self._params, x):
            p._data[...] = value
            p._bump_version()

    def _evaluate(self, closure: Callable[[], Any], x: list[np.ndarray], t: Any,
                  d: np.ndarray) -> tuple[float, np.ndarray]:
        """Loss and gradient at x + t·d; the parameters are put back to x after."""
        self._add_step(t, d)
        with enable_grad():  # (read after: as PyTorch's, under no_grad, without its warning)
            value = closure()
        loss = float(value)
        g = self._flat_grad()
        self._set_params(x)
        return loss, g

    # -- the step --------------------------------------------------------------------
    def step(self, closure: Callable[[], Any]) -> Any:  # type: ignore[override]
        """Up to ``max_iter`` L-BFGS iterations; returns the closure's first loss."""
        if closure is None:
            raise RuntimeError("LBFGS.step needs a closure that re-evaluates the model and "
                               "returns the loss")
        with no_grad():
            return self._step_all(closure)

    def _step_all(self, closure: Callable[[], Any]) -> Any:
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tol_grad, tol_change = group["tolerance_grad"], group["tolerance_change"]
        history_size = group["history_size"]
        state = self.state.setdefault(self._params[0], {})
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        with enable_grad():
            orig_loss = closure()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._flat_grad()
        if np.abs(flat_grad).max() <= tol_grad:  # already optimal
            return orig_loss

        # (the carried state is set by the first iteration before any use)
        # (Tensors to the user, as PyTorch's; arrays here)
        d: Any = as_arrays(state.get("d"))
        t: Any = state.get("t")
        old_dirs: Any = as_arrays(state.get("old_dirs"))
        old_stps: Any = as_arrays(state.get("old_stps"))
        ro: Any = as_arrays(state.get("ro"))
        h_diag: Any = as_arrays(state.get("H_diag"))
        prev_flat_grad: Any = as_arrays(state.get("prev_flat_grad"))
        prev_loss: Any = state.get("prev_loss")
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                h_diag = 1
            else:  # the new pair (s, y), then d = -H g by the two-loop recursion
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = y.dot(s)
                if ys > 1e-10:  # curvature condition: otherwise the pair is skipped
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    h_diag = ys / y.dot(y)
                al = state.setdefault("al", [None] * history_size)
                q = -flat_grad
                for i in range(len(old_dirs) - 1, -1, -1):
                    al[i] = old_stps[i].dot(q) * ro[i]
                    q -= al[i] * old_dirs[i]
                d = r = q * h_diag
                for i in range(len(old_dirs)):
                    be_i = old_dirs[i].dot(r) * ro[i]
                    r += (al[i] - be_i) * old_stps[i]
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss
            t = min(1.0, 1.0 / np.abs(flat_grad).sum()) * lr if state["n_iter"] == 1 else lr
            gtd = flat_grad.dot(d)
            if gtd > -tol_change:  # not a descent direction
                break

            ls_evals = 0
            if group["line_search_fn"] is not None:
                x0 = [p._data.copy() for p in self._params]
                loss, flat_grad, t, ls_evals = _strong_wolfe(
                    lambda x, step, direction: self._evaluate(closure, x, step, direction),
                    x0, t, d, loss, flat_grad, gtd)
                self._add_step(t, d)
                opt_cond = np.abs(flat_grad).max() <= tol_grad
            else:
                self._add_step(t, d)
                opt_cond = False
                if n_iter != max_iter:  # the loss and gradient at the new point
                    with enable_grad():
                        value = closure()
                    loss = float(value)
                    flat_grad = self._flat_grad()
                    opt_cond = np.abs(flat_grad).max() <= tol_grad
                    ls_evals = 1
            current_evals += ls_evals
            state["func_evals"] += ls_evals
            if (n_iter == max_iter or current_evals >= max_eval or opt_cond
                    or np.abs(d * t).max() <= tol_change or abs(loss - prev_loss) < tol_change):
                break

        carried = dict(d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=h_diag,
                       prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
        state.update(tensors_in(carried))
        return orig_loss

    def _load_param_state(self, k: int, p: Tensor, saved: Any,
                          group: dict[str, Any]) -> dict[str, Any]:
        """L-BFGS's state is about the flat vector, not shaped like one parameter: copied."""
        def copy(v: Any) -> Any:
            if isinstance(v, Tensor):
                return v._data.copy()
            if isinstance(v, np.ndarray):
                return v.copy()
            if isinstance(v, (list, tuple)):
                return [copy(x) for x in v]
            return v

        return {key: copy(value) for key, value in saved.items()}


__all__ = ["LBFGS"]
