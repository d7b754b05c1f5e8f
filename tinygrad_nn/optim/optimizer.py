"""The ``Optimizer`` base: parameter groups, per-parameter state, checkpoints.

Concrete optimisers only say how one parameter moves (``_update``); this class owns
everything around that: validating the parameters, filling each group's defaults,
skipping parameters without a gradient, bumping the version counter after the in-place
update, and converting the state to and from PyTorch's ``state_dict`` layout
(``{'state': {index: {...}}, 'param_groups': [{..., 'params': [index, ...]}]}``) with
NumPy arrays inside, so that ``tinygrad_nn.save`` can write it to HDF5.

Updates touch only ``p.data`` (in place) and the state arrays: no graph nodes are
built and ``p.grad`` is never modified.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from ..grad_mode import enable_grad
from ..nn.parameter import zero_grads
from ..tensor import Tensor
from ._complex import apply_as_real
from ._hooks import OptimizerHooks
from ._hooks import register_optimizer_step_post_hook as register_optimizer_step_post_hook
from ._hooks import register_optimizer_step_pre_hook as register_optimizer_step_pre_hook
from ._multi import (
    FlatGroup,
    arrays_of,
    is_array_state,
    keep_arrays,
    tensors_in,
    to_python,
    uniform_states,
)
from ._step_count import bump_step, load_step, spread_step


class CapturableError(RuntimeError, AssertionError):
    """``capturable=True`` on CPU (PyTorch raises AssertionError; also a RuntimeError)."""


def _refuse_switches(group: dict[str, Any]) -> None:
    """PyTorch's failures at ``step`` for capturable / differentiable on CPU leaf params."""
    if group.get("capturable"):
        raise CapturableError(
            "If capturable=True, params and state_steps must be on supported devices: "
            "['cuda', 'xpu', 'hpu', 'privateuseone'] (capturable is for CUDA graphs; this "
            "library runs on the CPU: use capturable=False)")
    raise RuntimeError(
        "a leaf Variable that requires grad is being used in an in-place operation. "
        "(differentiable=True records the update in the graph, which PyTorch refuses for "
        "leaf parameters and tinygrad_nn never does: use differentiable=False)")


class MissingParamsError(KeyError, ValueError):
    """A parameter group without ``'params'`` (PyTorch's KeyError; also the ValueError it
    was)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class PairIndexError(IndexError, ValueError):
    """A hyper-parameter pair with one element (PyTorch indexes it: IndexError)."""


class PairTypeError(TypeError, ValueError):
    """A hyper-parameter pair given as a scalar (PyTorch indexes it: TypeError)."""


def check_pair(opt_name: str, key: str, value: Any) -> None:
    """Raise PyTorch's exception types for a ``betas``/``etas`` that is not a pair."""
    if not isinstance(value, (tuple, list)):
        raise PairTypeError(f"{opt_name}: {key} must be a pair, got {value!r}")
    if len(value) < 2:
        raise PairIndexError(f"{opt_name}: {key} must be a pair, got {value!r}")
    if len(value) > 2:  # PyTorch fails later, at step (unpacking): fail here, clearly
        raise ValueError(f"{opt_name}: {key} must be a pair, got {value!r}")


class _Required:
    """Sentinel for a hyper-parameter without a default (e.g. SGD's ``lr``)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required: Any = _Required()

ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]] | Iterable[tuple[str, Tensor]]


class Optimizer(OptimizerHooks):
    """Base class: ``p ← update(p, ∇p, state)`` for every parameter in ``param_groups``.

    PyTorch's implementation switches, where an optimiser has them, are kept in the groups
    as PyTorch keeps them: ``foreach`` and ``fused`` choose a kernel (here one vectorised
    NumPy update serves every choice, so results are identical; both True is PyTorch's
    RuntimeError); ``capturable=True`` (CUDA graphs) fails at ``step`` as PyTorch's does on
    CPU; ``differentiable=True`` (an update recorded in the graph) fails at ``step`` as
    PyTorch's does for leaf parameters, since updates are never recorded here.

    Parameters
    ----------
    params : iterable of Tensor, of ``(name, Tensor)`` pairs, or of dicts
        The leaf tensors to optimise (``requires_grad=True``). Dicts define parameter
        groups: ``{'params': [...], 'lr': 0.1, ...}``; keys a group leaves out take the
        optimiser's defaults.
    defaults : dict
        Every hyper-parameter's default value (``required`` where there is none).

    Attributes
    ----------
    param_groups : list of dict
        Each with ``'params'`` (a list of Tensors) and every hyper-parameter.
    state : defaultdict
        ``state[p]`` is a dict of NumPy arrays (``'exp_avg'`` ...) and, where PyTorch keeps
        one, the step count ``'step'``: a 0-d Tensor as PyTorch's (see ``_step_count``),
        created on the parameter's first update (``{}`` before it, as in PyTorch).
    """

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        name = type(self).__name__
        if isinstance(params, Tensor):
            raise TypeError(
                f"{name}: params must be an iterable of Tensors or dicts, got a single "
                f"Tensor of shape {tuple(params.shape)}; wrap it in a list: [param]"
            )
        if isinstance(params, (set, frozenset)):
            raise TypeError(
                f"{name}: params must be an ordered collection (list, tuple, generator), "
                "got a set, whose order changes between runs"
            )
        if defaults.get("fused"):
            if defaults.get("differentiable"):
                raise RuntimeError("`fused` does not support `differentiable`")
            if defaults.get("foreach"):
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        self._init_hooks()
        self.defaults: dict[str, Any] = dict(defaults)
        # a defaultdict, as PyTorch's: opt.state[p] of a parameter not yet updated is {}
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        self._flat: dict[int, FlatGroup] = {}  # id(group) -> its multi-tensor buffers
        groups: list[Any] = list(params)
        if not groups:
            raise ValueError(f"{name}: got an empty parameter list, expected at least one")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # -- parameter groups -----------------------------------------------------------
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Append a group ``{'params': [...], **hyper}``; missing keys take the defaults."""
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(
                f"{name}: a parameter group must be a dict, got {type(param_group).__name__}"
            )
        if "params" not in param_group:
            raise MissingParamsError(
                f"{name}: parameter group has no 'params' key: {sorted(param_group)}")
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(f"{name}: a group's params must be an ordered collection, got a set")
        params = list(params)  # (may be empty, as in PyTorch: e.g. a model's no-decay group)
        names = [p[0] for p in params if isinstance(p, tuple)]
        if names:
            if len(names) != len(params):
                raise ValueError(
                    f"{name}: give either all parameters with names, (name, tensor), or none"
                )
            group["param_names"] = names
            params = [p[1] for p in params]
        for i, p in enumerate(params):
            where = f"parameter {i} of group {len(self.param_groups)}"
            if names:
                where += f" ({names[i]!r})"
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"{name}: can only optimise Tensors, {where} is a {type(p).__name__}"
                )
            if not p.is_leaf:
                raise ValueError(
                    f"{name}: {where} (shape {tuple(p.shape)}) is not a leaf tensor (it was "
                    f"computed "
                    "by an op); optimise the leaf it came from, or .detach().requires_grad_()"
                )
        ids = [id(p) for p in params]
        if len(set(ids)) != len(ids):
            dup = next(i for i, k in enumerate(ids) if ids.index(k) != i)
            raise ValueError(
                f"{name}: parameter {dup} of group {len(self.param_groups)} appears more than "
                "once in the group"
            )
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if seen.intersection(ids):
            raise ValueError(
                f"{name}: some parameters of the new group {len(self.param_groups)} already "
                "appear in another parameter group"
            )
        group["params"] = params
        for key, default in self.defaults.items():
            if key not in group:
                if default is required:
                    raise ValueError(
                        f"{name}: parameter group {len(self.param_groups)} does not set "
                        f"{key!r}, which has no default"
                    )
                group[key] = default
        self._check_hyper(group)
        self.param_groups.append(group)

    def _check_hyper(self, group: dict[str, Any]) -> None:
        """Raise ``ValueError`` naming the value when a hyper-parameter is out of range."""
        self._check_range(group, "lr", 0.0)
        self._check_range(group, "weight_decay", 0.0)
        if "eps" in group:
            self._check_range(group, "eps", 0.0)

    def _check_range(
        self, group: dict[str, Any], key: str, lo: float, hi: float | None = None
    ) -> None:
        """Raise unless ``lo <= group[key]`` (``<= hi`` too when given); NaN fails."""
        value = group[key]
        name = type(self).__name__
        if not isinstance(value, (int, float, np.number)):  # (bool is an int, as in PyTorch)
            raise TypeError(f"{name}: {key} must be a number, got {value!r}")
        if not (value >= lo and (hi is None or value <= hi)):
            bound = f">= {lo}" if hi is None else f"in [{lo}, {hi}]"
            raise ValueError(f"{name}: {key} must be {bound}, got {value}")

    # -- the update -----------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """``p.grad = None`` for every parameter, or (``set_to_none=False``) zero it in place,
        so the next backward accumulates into the same buffer (no new pages per step)."""
        zero_grads((p for g in self.param_groups for p in g["params"]), set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient; returns ``closure()``.

        Parameters
        ----------
        closure : callable, optional
            Re-evaluates the model and returns the loss (run with grad enabled).
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            if group.get("capturable") or group.get("differentiable"):
                _refuse_switches(group)
            params = [p for p in group["params"] if p.grad is not None]
            for p in params:
                if p.grad.shape != p.shape:
                    raise RuntimeError(
                        f"{type(self).__name__}: gradient of shape {tuple(p.grad.shape)} for a "
                        f"parameter of shape {tuple(p.shape)}"
                    )
            fresh = [p for p in params if p not in self.state]
            states = [self.state[p] for p in params]
            flat = self._flat_group(group, params, states)
            if flat is None:
                for p, st in zip(params, states):
                    g = p.grad._data  # aliases .grad: the update must not write into it
                    g = g if g.dtype == p.dtype else g.astype(p.dtype)
                    work = arrays_of(st)  # (the formulas run on the state tensors' arrays)
                    if p.dtype.kind == "c":  # PyTorch's view_as_real: per (re, im) component
                        apply_as_real(self._apply, group, p, g, work)
                    else:
                        self._apply(group, [p], g, work, owned=False)
                    keep_arrays(st, work)
            else:
                # (the step counted on the first parameter's counter, then on the others')
                state = dict(flat.state, **{k: v for k, v in states[0].items()
                                             if not is_array_state(k, v)})
                self._apply(group, params, flat.gather(), state, owned=True, flat=flat)
                for key, value in state.items():
                    if key == "step":
                        spread_step(value, states)
                    elif not isinstance(value, np.ndarray):
                        for st in states:
                            st[key] = value
                    elif flat.state.get(key) is not value:  # created by the formula this step
                        flat.adopt(key, value, states)
            for p in params:
                p._bump_version()
            for p in fresh:  # as PyTorch's: no entry made for a parameter whose update keeps
                if not self.state[p]:  # no state (SGD without momentum)
                    del self.state[p]
        return loss

    def _flat_group(self, group: dict[str, Any], params: list[Tensor],
                    states: list[dict[str, Any]]) -> FlatGroup | None:
        """The group's flat buffers when one vectorised update can serve all of ``params``
        (same float dtype, same step, same state keys), else None (one update per param)."""
        if len(params) < 2 or len({p.dtype for p in params}) != 1 or params[0].dtype.kind != "f":
            return None
        if not uniform_states(states):
            return None
        flat = self._flat.get(id(group))
        if flat is not None and flat.fits(group, params, states):
            return flat
        flat = FlatGroup(group, params)
        arrays = {k for k, v in states[0].items() if is_array_state(k, v)}
        for key in arrays:
            parts = [st[key]._data for st in states]
            if any(a.shape != p.shape or a.dtype != p.dtype for a, p in zip(parts, params)):
                return None
            flat.adopt(key, np.concatenate([a.ravel() for a in parts]), states)
        self._flat[id(group)] = flat
        return flat

    def _apply(self, group: dict[str, Any], params: list[Tensor], g: np.ndarray,
               state: dict[str, Any], owned: bool, flat: FlatGroup | None = None) -> None:
        """The shared plumbing around the formula: maximize, state init, step count, weight
        decay (L2 or decoupled), then ``p <- p - step`` for the ``step`` it returns.

        ``g`` is one parameter's gradient, or with ``flat`` the group's flat gradient; it is
        ``owned`` when it is our buffer (then it is changed in place to save temporaries).
        """
        scalar = flat is None and params[0]._data.ndim == 0
        if scalar:  # NumPy's ufuncs give scalars for 0-d operands, which no `out=` accepts:
            g = g.reshape(1)  # the formula runs on 1-element views of the 0-d arrays
            state.update({k: v.reshape(1) for k, v in state.items() if isinstance(v, np.ndarray)})
        if group.get("maximize", False):
            g = np.negative(g, out=g) if owned else -g
        if not state:
            state.update(self._init_state(g, group))
        if "step" in state:
            bump_step(state)  # in place on the counter's 0-d array, as PyTorch's step_t += 1
        wd = group.get("weight_decay", 0)
        if wd != 0:
            if group.get("decoupled_weight_decay", False):
                for p in params:
                    p._data *= 1 - group["lr"] * wd
            else:  # L2: g + wd * p
                p_arr = params[0]._data.reshape(g.shape) * wd if flat is None else np.concatenate(
                    [p._data.ravel() for p in params])
                if flat is not None:
                    p_arr *= wd
                g = np.add(g, p_arr, out=g if owned else p_arr)
        step = self._step(g, state, group)
        if scalar:
            params[0]._data -= step.reshape(())
            state.update({k: v.reshape(()) for k, v in state.items() if isinstance(v, np.ndarray)})
        elif flat is None:
            params[0]._data -= step
        else:
            for p, s in zip(params, flat.split(step)):
                p._data -= s

    def _init_state(self, g: np.ndarray, group: dict[str, Any]) -> dict[str, Any]:
        """A parameter's (or flat group's) state before its first update, shaped like ``g``."""
        return {}

    def _step(self, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> np.ndarray:
        """The optimiser's formula: update ``state`` in place and return the step ``s``
        (``p <- p - s``). ``g`` already has maximize and L2 weight decay applied and may alias
        the parameter's ``.grad``: never write into it.
        """
        raise NotImplementedError

    # -- checkpoints ----------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """``{'state': {i: {...}}, 'param_groups': [{..., 'params': [i]}]}``, as PyTorch's.

        Parameters are numbered 0, 1, ... across the groups in order. As in PyTorch, the
        state is the optimiser's own: ``state[i]`` is ``opt.state[p]`` (the same dict, its
        live Tensors), so later steps show in it; ``copy.deepcopy`` it to keep a snapshot
        (``save`` writes the values as they are when it runs).
        """
        self._state_dict_pre()
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                packed["params"].append(index[id(p)])
            groups.append(packed)
        state = {index[id(p)]: s for p, s in self.state.items() if id(p) in index}
        return self._state_dict_post({"state": state, "param_groups": groups})

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore hyper-parameters and state saved by ``state_dict`` (arrays are copied).

        The optimiser must have the same number of groups, each with the same number of
        parameters of the same shapes; integer keys may come back as strings (HDF5).
        Nothing changes when a check fails.
        """
        name = type(self).__name__
        state_dict = self._load_state_dict_pre(state_dict)
        for key in ("state", "param_groups"):
            if key not in state_dict:
                raise KeyError(
                    f"{name}.load_state_dict: missing key {key!r}; expected a dict with "
                    f"'state' and 'param_groups', got keys {sorted(state_dict)}"
                )
        saved_groups = list(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{name}.load_state_dict: the state dict has {len(saved_groups)} parameter "
                f"group(s), the optimiser has {len(self.param_groups)}"
            )
        by_index: dict[int, Tensor] = {}
        group_of: dict[int, dict[str, Any]] = {}  # index -> its new group
        new_groups = []
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            saved_params = [int(k) for k in np.atleast_1d(np.asarray(saved["params"]))]
            if len(saved_params) != len(group["params"]):
                raise ValueError(
                    f"{name}.load_state_dict: group {i} of the state dict has "
                    f"{len(saved_params)} parameter(s), the optimiser's group {i} has "
                    f"{len(group['params'])}"
                )
            by_index.update(zip(saved_params, group["params"]))
            new = {k: to_python(v) for k, v in saved.items() if k != "params"}
            if "param_names" in new:
                new["param_names"] = list(new["param_names"])
            for key, default in self.defaults.items():
                new.setdefault(key, group.get(key, default))
            new["params"] = group["params"]
            self._check_hyper(new)
            new_groups.append(new)
            group_of.update(dict.fromkeys(saved_params, new))
        new_state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        for key, saved_state in state_dict["state"].items():
            k = int(key)
            if k not in by_index:
                raise ValueError(
                    f"{name}.load_state_dict: state for parameter index {k}, but the groups "
                    f"hold indices {sorted(by_index)}"
                )
            p = by_index[k]
            # (its arrays, copies, as the state's Tensors)
            new_state[p] = tensors_in(self._load_param_state(k, p, saved_state, group_of[k]))
        self.param_groups = new_groups
        self.state = new_state
        self._flat.clear()  # the old groups' flat buffers; rebuilt from the new state
        self._load_state_dict_post()

    def _load_param_state(self, k: int, p: Tensor, saved: Mapping[str, Any],
                          group: dict[str, Any]) -> dict[str, Any]:
        """Copy one parameter's saved state (of ``group``), checking each array's shape
        against ``p``; the step count as PyTorch loads it (``_step_count.load_step``)."""
        out: dict[str, Any] = {}
        for key, value in saved.items():
            if value is None:  # e.g. PyTorch's SGD momentum_buffer before the first step
                continue
            if key == "step":
                out[key] = load_step(value, group,
                                     f"{type(self).__name__}.load_state_dict: parameter {k}")
                continue
            arr = np.asarray(value._data if isinstance(value, Tensor) else value)
            if arr.shape != p.shape:
                raise ValueError(
                    f"{type(self).__name__}.load_state_dict: state {key!r} of parameter {k} "
                    f"has shape {arr.shape}, the parameter has shape {tuple(p.shape)}"
                )
            out[key] = np.array(arr, dtype=p.dtype, copy=True)
        return out

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(group):
                if key not in ("params", "param_names"):
                    lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)


__all__ = [
    "Optimizer",
    "check_pair",
    "register_optimizer_step_post_hook",
    "register_optimizer_step_pre_hook",
    "required",
]
