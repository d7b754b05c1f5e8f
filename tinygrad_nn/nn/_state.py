"""A Module's tensors in bulk: the state_dict protocol (PyTorch's, walked iteratively) and
dtype casting (Module.to).

``state_dict`` runs, per module (parent before children): the state_dict pre-hooks,
``_save_to_state_dict``, the children, then the post-hooks. ``load_state_dict`` runs, per
module: ``_load_from_state_dict`` (which runs the load pre-hooks, then reads this module's
keys), the children (each given the keys under its prefix), then the load post-hooks; then
it raises one RuntimeError listing every problem. Unlike PyTorch, a failed load changes no
parameter or buffer: copies are staged and made at the end; before user code runs
(an overridden ``_load_from_state_dict``, a hook) the staged copies are made early, as
PyTorch would have made them, with a backup that a failure restores. ``set_extra_state``
runs only when the load succeeds. The public methods are in ``_module_state.py``.
"""

from __future__ import annotations

import contextvars
import weakref
from collections import OrderedDict, namedtuple
from typing import Any

import numpy as np

from ..dtypes import as_dtype, is_dtype_name
from ..tensor import Device, Tensor, require_cpu

# A Module; not imported, because module.py imports this file (imports point one way).
Module = Any
EXTRA_STATE = "_extra_state"


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()


class _WrappedHook:
    """A hook called as ``hook(module, *args)`` when it was registered with the module
    (held by a weak reference: no cycle), else ``hook(*args)``; copies and pickles of the
    module get hooks bound to the copy, as PyTorch's."""

    def __init__(self, hook: Any, module: Any = None) -> None:
        self.hook = hook
        self.with_module = module is not None
        if module is not None:
            self.module = weakref.ref(module)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not self.with_module:
            return self.hook(*args, **kwargs)
        module = self.module()
        if module is None:
            raise RuntimeError("You are trying to call the hook of a dead Module!")
        return self.hook(module, *args, **kwargs)

    def __getstate__(self) -> dict[str, Any]:
        state = {"hook": self.hook, "with_module": self.with_module}
        if self.with_module:
            state["module"] = self.module()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.hook, self.with_module = state["hook"], state["with_module"]
        if self.with_module:
            if state["module"] is None:
                raise RuntimeError("You are trying to revive the hook of a dead Module!")
            self.module = weakref.ref(state["module"])


def _as_array(v: Any) -> np.ndarray:
    """A NumPy array from a Tensor, an array, a torch tensor (has .numpy()) or a number."""
    if isinstance(v, Tensor):
        return v._data
    if isinstance(v, np.ndarray):
        return v
    for step in ("detach", "cpu"):  # torch tensors that require grad refuse .numpy()
        if callable(getattr(v, step, None)):
            v = getattr(v, step)()
    if callable(getattr(v, "numpy", None)):
        return np.asarray(v.numpy())
    return np.asarray(v)


def _hooks(m: Module, table: str) -> list[Any]:
    """The hooks in ``m.<table>`` (none for a module unpickled from an older version)."""
    hooks = m.__dict__.get(table)
    return list(hooks.values()) if hooks else []


def _overrides(m: Module, name: str, base: type) -> bool:
    return getattr(type(m), name) is not getattr(base, name)


def keys_only(fn: Any) -> Any:
    """Marks a library ``_load_from_state_dict`` override that only edits keys before calling
    ``super()`` and reads no values: the load need not make its staged copies early for it."""
    fn._keys_only = True
    return fn


def _user_load(m: Module, base: Any) -> bool:
    """Does ``m``'s ``_load_from_state_dict`` run code that may read loaded values?"""
    fn = type(m)._load_from_state_dict
    return fn is not base._load_from_state_dict and not getattr(fn, "_keys_only", False)


# -- saving -------------------------------------------------------------------------
def save_to_state_dict(m: Module, base: type, destination: Any, prefix: str,
                       keep_vars: bool) -> None:
    """``Module._save_to_state_dict``: this module's parameters, persistent buffers and
    (if ``get_extra_state`` is overridden) its extra state, not its children's."""
    _save_tensors(m.__dict__, destination, prefix, keep_vars)
    if _overrides(m, "get_extra_state", base):
        destination[prefix + EXTRA_STATE] = m.get_extra_state()


def _save_tensors(d: dict[str, Any], destination: Any, prefix: str, keep_vars: bool) -> None:
    """A module's parameters and persistent buffers (``d`` is its ``__dict__``)."""
    for table in (d["_parameters"], d["_buffers"]):
        skip = d["_non_persistent_buffers_set"] if table is d["_buffers"] else ()
        for k, t in table.items():
            if t is not None and k not in skip:
                destination[prefix + k] = t if keep_vars else t.detach()


def state_dict(module: Module, base: Any, destination: Any, prefix: str,
               keep_vars: bool) -> Any:
    """``Module.state_dict``, PyTorch's recursion walked with a stack; a child whose class
    overrides ``state_dict`` is asked by calling it, as PyTorch does."""
    if destination is None:
        destination = OrderedDict()
        destination._metadata = OrderedDict()
    # entries: (module, prefix, None) to enter, (module, prefix, local_metadata) to leave
    stack: list[tuple[Module, str, Any]] = [(module, prefix, None)]
    own_sd, own_save, own_extra = base.state_dict, base._save_to_state_dict, base.get_extra_state
    metadata = getattr(destination, "_metadata", None)
    while stack:
        m, p, meta = stack.pop()
        if meta is not None:
            destination = _post_hooks(m, destination, p, meta, m is module)
            continue
        cls, d = type(m), m.__dict__
        if cls.state_dict is not own_sd and m is not module:
            m.state_dict(destination=destination, prefix=p, keep_vars=keep_vars)
            continue
        meta = {"version": m._version}
        if metadata is not None:
            metadata[p[:-1]] = meta
        if d.get("_state_dict_pre_hooks"):
            for hook in list(d["_state_dict_pre_hooks"].values()):
                hook(m, p, keep_vars)
        if cls._save_to_state_dict is own_save and cls.get_extra_state is own_extra:
            _save_tensors(d, destination, p, keep_vars)  # the default, without the calls
        else:
            m._save_to_state_dict(destination, p, keep_vars)
        if m is module or d.get("_state_dict_hooks"):
            stack.append((m, p, meta))
        kids = [(f"{p}{k}.", c) for k, c in d["_modules"].items() if c is not None]
        stack.extend((c, kp, None) for kp, c in reversed(kids))
    return destination


def _post_hooks(m: Module, destination: Any, prefix: str, meta: Any, root: bool) -> Any:
    """Run ``m``'s state_dict post-hooks; the dict the caller continues with."""
    dest = destination
    for hook in _hooks(m, "_state_dict_hooks"):
        res = hook(m, dest, prefix, meta)
        if getattr(hook, "_from_public_api", False):
            if res is not None:
                raise RuntimeError("state_dict post-hook must return None")
        elif res is not None:  # PyTorch: a private hook's result replaces the dict
            dest = res
    return dest if root else destination


# -- loading ------------------------------------------------------------------------
class _Load:
    """The copies of one ``load_state_dict``: staged, made early (with a backup) when user
    code is about to run, made for good at the end, or undone."""

    def __init__(self) -> None:
        self.staged: list[tuple[Tensor, np.ndarray, bool]] = []
        self.extra: list[tuple[Module, Any]] = []
        self.backups: list[tuple[Tensor, np.ndarray, type, Any]] = []

    def flush(self) -> None:
        """Make the staged copies now, keeping what they overwrite."""
        for t, arr, assign in self.staged:
            replaced = assign or callable(getattr(t, "materialize", None))
            self.backups.append((t, t._data, type(t), None if replaced else t._data.copy()))
            _copy(t, arr, assign)
        self.staged.clear()

    def commit(self) -> None:
        for m, state in self.extra:
            m.set_extra_state(state)
        for t, arr, assign in self.staged:
            _copy(t, arr, assign)
        self.staged.clear()

    def rollback(self) -> None:
        for t, data, cls, backup in reversed(self.backups):
            t.__class__ = cls  # a lazy parameter materialised by the load stays lazy
            if backup is None:
                t._data = data
            else:
                np.copyto(data, backup)
            t._bump_version()
        self.backups.clear()


_LOAD: contextvars.ContextVar[_Load | None] = contextvars.ContextVar("load", default=None)


def _copy(t: Tensor, arr: np.ndarray, assign: bool) -> None:
    """Array-level (nothing is recorded): into ``t`` in place, or a new array if ``assign``."""
    if callable(getattr(t, "materialize", None)):
        t.materialize(arr.shape)  # type: ignore[attr-defined]
    if assign:
        t._data = np.array(arr, dtype=t.dtype, copy=True)
    else:
        np.copyto(t._data, arr, casting="unsafe")
    t._bump_version()


def _flush() -> None:
    tx = _LOAD.get()
    if tx is not None:
        tx.flush()


def load_from_state_dict(m: Module, base: type, state_dict: Any, prefix: str,
                         local_metadata: Any, strict: bool, missing_keys: list[str],
                         unexpected_keys: list[str], error_msgs: list[str]) -> None:
    """``Module._load_from_state_dict``: PyTorch's checks for this module's keys; the copies
    are staged when a ``load_state_dict`` is running (made at once otherwise)."""
    pre = _hooks(m, "_load_state_dict_pre_hooks")
    if pre:
        _flush()
    for hook in pre:
        hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
             error_msgs)
    local = {k: v for k, v in m._parameters.items() if v is not None}
    local.update((k, v) for k, v in m._buffers.items()
                 if v is not None and k not in m._non_persistent_buffers_set)
    assign = bool(local_metadata.get("assign_to_params_buffers", False))
    tx = _LOAD.get()
    for name, t in local.items():
        key = prefix + name
        if key not in state_dict:
            if strict:
                missing_keys.append(key)
            continue
        value = state_dict[key]
        arr = _as_array(value)
        if arr.dtype.kind not in "biufc":
            error_msgs.append(f'While copying the parameter named "{key}", expected a Tensor or '
                              f"array-like from checkpoint but received {type(value)}")
            continue
        lazy = callable(getattr(t, "materialize", None))  # a lazy layer's: takes the shape
        if not lazy and t.ndim == 0 and arr.shape == (1,):  # PyTorch 0.3 checkpoints
            arr = arr.reshape(())
        if not lazy and arr.shape != t.shape:
            error_msgs.append(f"size mismatch for {key}: copying a param with shape "
                              f"{tuple(arr.shape)} from checkpoint, the shape in current model "
                              f"is {tuple(t.shape)}.")
        elif tx is None:
            _copy(t, arr, assign)
        else:
            tx.staged.append((t, arr, assign))
    extra_key = prefix + EXTRA_STATE
    if _overrides(m, "set_extra_state", base):
        if extra_key in state_dict:
            if tx is None:
                m.set_extra_state(state_dict[extra_key])
            else:
                tx.extra.append((m, state_dict[extra_key]))
        elif strict:
            missing_keys.append(extra_key)
    elif strict and extra_key in state_dict:
        unexpected_keys.append(extra_key)
    if strict:
        n, kids = len(prefix), m._modules
        for key in state_dict:
            if key.startswith(prefix) and key != extra_key:
                head, dot, _ = key[n:].partition(".")
                if head not in (kids if dot else local):
                    unexpected_keys.append(key)
    if _user_load(m, base):
        _flush()  # an override called this through super(): it sees the values PyTorch's does


def load_state_dict(module: Module, base: type, state_dict: Any, strict: bool,
                    assign: bool) -> _IncompatibleKeys:
    """``Module.load_state_dict``: PyTorch's walk (with a stack) and one error at the end;
    all or nothing (see the module docstring)."""
    if not hasattr(state_dict, "keys") or not hasattr(state_dict, "__getitem__"):
        raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
    missing: list[str] = []
    unexpected: list[str] = []
    errors: list[str] = []
    metadata = getattr(state_dict, "_metadata", None)
    state_dict = OrderedDict(state_dict)  # the hooks and overrides may change this copy
    if metadata is not None:
        state_dict._metadata = metadata  # type: ignore[attr-defined]
    tx = _Load()
    token = _LOAD.set(tx)
    try:
        _walk_load(module, base, state_dict, metadata, assign, missing, unexpected, errors)
        if strict:
            for kind, keys in (("Unexpected", unexpected), ("Missing", missing)):
                if keys:
                    errors.insert(0, f"{kind} key(s) in state_dict: "
                                  + ", ".join(f'"{k}"' for k in keys) + ". ")
        if not errors:
            tx.commit()
    except BaseException:
        tx.rollback()
        raise
    finally:
        _LOAD.reset(token)
    if errors:
        tx.rollback()
        raise RuntimeError(f"Error(s) in loading state_dict for {type(module).__name__}:\n\t"
                           + "\n\t".join(errors))
    return _IncompatibleKeys(missing, unexpected)


def _walk_load(root: Module, base: type, state_dict: Any, metadata: Any, assign: bool,
               missing: list[str], unexpected: list[str], errors: list[str]) -> None:
    # entries: (module, its keys, prefix, leaving?)
    stack: list[tuple[Module, Any, str, bool]] = [(root, state_dict, "", False)]
    while stack:
        m, local, p, leaving = stack.pop()
        if leaving:
            post = _hooks(m, "_load_state_dict_post_hooks")
            if post:
                _flush()
            keys = _IncompatibleKeys(missing, unexpected)
            for hook in post:
                if hook(m, keys) is not None:
                    raise AssertionError(
                        "Hooks registered with ``register_load_state_dict_post_hook`` are not "
                        "expected to return new values, if incompatible_keys need to be "
                        "modified, it should be done inplace.")
            continue
        meta = dict(metadata.get(p[:-1], {})) if metadata is not None else {}
        if assign:
            meta["assign_to_params_buffers"] = assign
        if _user_load(m, base):
            _flush()
        m._load_from_state_dict(local, p, meta, True, missing, unexpected, errors)
        stack.append((m, local, p, True))
        kids: dict[str, dict[str, Any]] = {k: {} for k, c in m._modules.items()
                                           if c is not None}
        n = len(p)
        for key, v in local.items() if kids else ():  # each child: the keys under its prefix
            if key.startswith(p):
                head, dot, _ = key[n:].partition(".")
                if dot and head in kids:
                    kids[head][key] = v
        stack.extend((m._modules[k], kids[k], f"{p}{k}.", False) for k in reversed(kids))


# -- dtype casting --------------------------------------------------------------------
def to(module: Module, *args: Any, **kwargs: Any) -> None:
    """``Module.to``: read a dtype (or a Tensor's) and a device from the arguments, then cast."""
    dtype = kwargs.get("dtype")
    for a in [*args, kwargs.get("device")]:
        if a is None:
            continue
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, Device) or isinstance(a, str) and not is_dtype_name(a):
            require_cpu(a)
        else:
            dtype = a
    if dtype is not None:
        _cast(module, as_dtype(dtype))


def _cast(module: Module, dt: np.dtype) -> None:
    """Through ``module._apply``, as PyTorch (so an ``_apply`` override sees the cast):
    floating tensors become ``dt``; a lazy (uninitialised) one is cast in place."""
    if dt.kind != "f":
        raise TypeError(f"Module.to: expected a floating dtype, got {dt}")

    def cast(t: Tensor) -> Tensor:
        if t.dtype.kind != "f" or t.dtype == dt:
            return t
        if callable(getattr(t, "materialize", None)):
            t._data = t._data.astype(dt)
            return t
        return Tensor._new(t._data.astype(dt))

    module._apply(cast)
