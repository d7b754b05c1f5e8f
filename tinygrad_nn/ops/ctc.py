"""CTC loss: the forward-backward (alpha-beta) recursion in log space, one primitive.

A primitive for speed and stability: the recursion over T steps as a composite would record
~10 T graph nodes, and its logsumexp of all -inf entries (impossible alignments) has no finite
gradient. Here alpha and beta are NumPy loops over time, vectorised over the batch and the
extended label sequence l' = (blank, l1, blank, l2, ..., lL, blank) of length 2L + 1.

The gradient is the true derivative of the loss with respect to ``log_probs``: minus the
occupancy of each class at each step. PyTorch's kernel returns exp(log_probs) minus that
(pytorch/pytorch#52241), which is the same once the log-probabilities come through
``log_softmax`` (the documented use) and differs for unnormalised inputs.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..function import Function, dual

_NEG = -np.inf


class Plan(NamedTuple):
    """The targets of one call in extended-label form (constants of the op)."""

    ext: np.ndarray  # (N, S') class index of each extended label (blank on padding)
    valid: np.ndarray  # (N, S') s < 2 L_b + 1
    skip: np.ndarray  # (N, S') s may be reached from s - 2 (a label unlike the one before)
    in_len: np.ndarray  # (N,) T_b
    tg_len: np.ndarray  # (N,) L_b
    zero_infinity: bool
    # the forward's (lp, log y_t(l'_s), alpha, nll), taken by the first backward: it need
    # not redo the forward recursion
    memo: dict[str, Any]


def plan(targets: np.ndarray, in_len: np.ndarray, tg_len: np.ndarray, blank: int, n: int,
         t_max: int, c: int, zero_infinity: bool) -> Plan:
    """Check the targets and lengths as PyTorch does and lay out the extended labels;
    targets: (N, S) padded or (sum L_b,) concatenated."""
    if not 0 <= blank < c:
        raise RuntimeError("blank must be in label range")
    if in_len.shape != (n,):
        raise RuntimeError("input_lengths must be of size batch_size")
    if tg_len.shape != (n,):
        raise RuntimeError("target_lengths must be of size batch_size")
    if np.any(in_len < 0) or np.any(in_len > t_max):
        bad = in_len[(in_len < 0) | (in_len > t_max)][0]
        raise RuntimeError(f"Expected input_lengths to have value at most {t_max}, but got "
                           f"value {bad} (while checking arguments for ctc_loss_cpu)")
    if np.any(tg_len < 0):
        raise RuntimeError(f"ctc_loss: target_lengths must be non-negative, got {tg_len}")
    if targets.dtype.kind not in "iu":
        raise RuntimeError(f"ctc_loss: targets must hold integer class indices, got dtype "
                           f"{targets.dtype}")
    l_max = int(tg_len.max(initial=0))
    lab = np.full((n, l_max), blank, dtype=np.int64)
    if targets.ndim == 1:  # concatenated
        need = int(tg_len.sum())
        if targets.shape[0] != need:
            raise RuntimeError(f"Expected tensor to have size {need} at dimension 0, but got "
                               f"size {targets.shape[0]} for argument #2 'targets' (while "
                               "checking arguments for ctc_loss_allocate_outputs)")
        starts = np.concatenate([[0], np.cumsum(tg_len)[:-1]])
        for b in range(n):
            lab[b, :tg_len[b]] = targets[starts[b]:starts[b] + tg_len[b]]
    else:  # padded (N, S)
        if targets.ndim != 2 or targets.shape[0] < n:
            raise RuntimeError(f"ctc_loss: padded targets must be (N, S) with N = {n}, got "
                               f"{targets.shape}")
        if targets.shape[1] < l_max:
            raise RuntimeError(f"Expected tensor to have size at least {l_max} at dimension 1, "
                               f"but got size {targets.shape[1]} for argument #2 'targets' "
                               "(while checking arguments for ctc_loss_cpu)")
        lab[:] = targets[:n, :l_max]
    used = np.arange(l_max) < tg_len[:, None]
    lab = np.where(used, lab, blank)
    if np.any((lab < 0) | (lab >= c)):
        raise IndexError(f"ctc_loss: target class out of range for {c} classes")
    s_ext = 2 * l_max + 1
    ext = np.full((n, s_ext), blank, dtype=np.int64)
    ext[:, 1::2] = lab
    valid = np.arange(s_ext) < (2 * tg_len + 1)[:, None]
    skip = np.zeros((n, s_ext), dtype=bool)
    skip[:, 3::2] = lab[:, 1:] != lab[:, :-1]
    return Plan(ext, valid, skip, in_len, tg_len, zero_infinity, {})


def _lse3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    return np.logaddexp(np.logaddexp(a, b), c)


def _extended(lp: np.ndarray, p: Plan) -> np.ndarray:
    """log y_t(l'_s): (T, N, S'), -inf past each sample's 2 L_b + 1 labels."""
    lpe = np.take_along_axis(lp, np.broadcast_to(p.ext, (lp.shape[0],) + p.ext.shape), 2)
    return np.where(p.valid, lpe, _NEG)


def _alpha(lpe: np.ndarray, p: Plan) -> tuple[np.ndarray, np.ndarray]:
    """Forward variables alpha (T, N, S') and each sample's negative log-likelihood (N,)."""
    t_max, n, s_ext = lpe.shape
    # two -inf columns in front, so alpha(s - 1) and alpha(s - 2) are views, not copies
    alpha = np.full((t_max, n, s_ext + 2), _NEG)
    skip = np.where(p.skip, 0.0, _NEG)
    if t_max:
        alpha[0, :, 2:4] = lpe[0, :, :2]
    for t in range(1, t_max):
        a = alpha[t - 1]
        np.add(lpe[t], _lse3(a[:, 2:], a[:, 1:-1], a[:, :-2] + skip), out=alpha[t, :, 2:])
    alpha = alpha[:, :, 2:]
    rows = np.arange(n)
    last = np.maximum(p.in_len - 1, 0)
    end = alpha[last, rows, 2 * p.tg_len]
    before = np.where(p.tg_len > 0, alpha[last, rows, np.maximum(2 * p.tg_len - 1, 0)], _NEG)
    ll = np.logaddexp(end, before)
    ll = np.where(p.in_len == 0, np.where(p.tg_len == 0, 0.0, _NEG), ll)
    return alpha, -ll


def _beta(lpe: np.ndarray, p: Plan) -> np.ndarray:
    """Backward variables beta (T, N, S'), counting y_t(l'_s) at t as alpha does."""
    t_max, n, s_ext = lpe.shape
    rows = np.arange(n)
    last = p.in_len - 1
    init = np.full((n, s_ext), _NEG)
    ends = (2 * p.tg_len, np.maximum(2 * p.tg_len - 1, 0))
    for s, ok in zip(ends, (p.tg_len >= 0, p.tg_len > 0)):
        init[rows[ok], s[ok]] = lpe[np.maximum(last, 0), rows, s][ok]
    skip_next = np.full((n, s_ext), _NEG)  # 0 where s + 2 is reachable from s
    skip_next[:, :-2] = np.where(p.skip[:, 2:], 0.0, _NEG)
    none = np.full((n, s_ext), _NEG)
    # two -inf columns at the end, so beta(s + 1) and beta(s + 2) are views
    beta = np.full((t_max, n, s_ext + 2), _NEG)
    for t in range(t_max - 1, -1, -1):
        rec = none
        if t < t_max - 1:
            b = beta[t + 1]
            rec = lpe[t] + _lse3(b[:, :-2], b[:, 1:-1], b[:, 2:] + skip_next)
        at_end, inside = np.equal(last, t)[:, None], np.greater(last, t)[:, None]
        beta[t, :, :-2] = np.where(at_end, init, np.where(inside, rec, _NEG))
    return beta[:, :, :-2]


def _grad(lp: np.ndarray, p: Plan) -> np.ndarray:
    """d nll_b / d lp[t, b, c] = -(occupancy of class c at step t), 0 for t >= T_b: (T, N, C)."""
    memo = p.memo.pop("forward", None)
    if memo is not None and memo[0] is lp:
        _, lpe, alpha, nll = memo
    else:
        lpe = _extended(lp.astype(np.float64, copy=False), p)
        alpha, nll = _alpha(lpe, p)
    beta = _beta(lpe, p)
    live = p.valid & (np.arange(lp.shape[0])[:, None, None] < p.in_len[:, None])
    live = live & (lpe > _NEG)  # a label of probability 0 is never occupied
    with np.errstate(invalid="ignore", over="ignore"):  # inf nll: NaN, as PyTorch
        occ = np.exp(np.where(live, alpha + beta - lpe + nll[:, None], _NEG))
    onehot = p.ext[:, :, None] == np.arange(lp.shape[2])
    g = -np.einsum("tns,nsc->tnc", occ, onehot.astype(np.float64))
    if p.zero_infinity:
        g[:, np.isinf(nll)] = 0.0
    return g.astype(lp.dtype, copy=False)


class CtcGrad(Function):
    """The CTC gradient d nll / d log_probs as a function of log_probs: what CtcLoss.backward
    returns under create_graph. Its own derivative (the loss's second) is not implemented,
    as in PyTorch."""

    @staticmethod
    def forward(ctx: Any, lp: Any, p: Plan) -> Any:
        return _grad(lp, p)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        raise RuntimeError("ctc_loss: second derivatives are not implemented (PyTorch's "
                           "ctc_loss has none either)")


ctc_grad = dual(_grad, CtcGrad, "p")


class CtcLoss(Function):
    """nll_b = -log sum over alignments pi of target b of prod_t y_t(pi_t); log_probs
    (T, N, C) -> (N,); ``zero_infinity`` gives 0 (and a 0 gradient) for impossible ones."""

    @staticmethod
    def forward(ctx: Any, lp: Any, *, p: Plan) -> Any:
        # float32 inputs: the recursion in float64
        lpe = _extended(lp.astype(np.float64, copy=False), p)
        alpha, nll = _alpha(lpe, p)
        p.memo["forward"] = (lp, lpe, alpha, nll)
        ctx.save_for_backward(lp)
        ctx.p = p
        out = np.where(np.isinf(nll), 0.0, nll) if p.zero_infinity else nll
        return out.astype(lp.dtype, copy=False)

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        (lp,) = ctx.saved_tensors
        return (g.reshape(1, -1, 1) * ctc_grad(lp, ctx.p),)
