"""PyTorch's optimiser hooks: around ``step`` (per optimiser, and global to all of them),
around ``state_dict`` and around ``load_state_dict``.

``Optimizer`` inherits ``OptimizerHooks``; the first optimiser of a class wraps that class's
``step`` in ``profile_hook_step`` (PyTorch's lazy patch), so an optimiser's own ``step``
(LBFGS's, a user subclass's) runs the hooks too. Hooks are not pickled or deep-copied (the
copy starts with none), as in PyTorch.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable
from itertools import chain
from typing import Any, TypeAlias

from .._handles import RemovableHandle

Args: TypeAlias = tuple[Any, ...]
Kwargs: TypeAlias = dict[str, Any]
GlobalOptimizerPreHook: TypeAlias = Callable[[Any, Args, Kwargs], "tuple[Args, Kwargs] | None"]
GlobalOptimizerPostHook: TypeAlias = Callable[[Any, Args, Kwargs], None]

_global_optimizer_pre_hooks: OrderedDict[int, GlobalOptimizerPreHook] = OrderedDict()
_global_optimizer_post_hooks: OrderedDict[int, GlobalOptimizerPostHook] = OrderedDict()

_HOOK_DICTS = (
    "_optimizer_step_pre_hooks",
    "_optimizer_step_post_hooks",
    "_optimizer_state_dict_pre_hooks",
    "_optimizer_state_dict_post_hooks",
    "_optimizer_load_state_dict_pre_hooks",
    "_optimizer_load_state_dict_post_hooks",
)


def register_optimizer_step_pre_hook(hook: GlobalOptimizerPreHook) -> RemovableHandle:
    """Call ``hook(optimizer, args, kwargs)`` before every optimiser's ``step``; it may
    return ``(new_args, new_kwargs)`` for the step to use."""
    handle = RemovableHandle(_global_optimizer_pre_hooks)
    _global_optimizer_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook: GlobalOptimizerPostHook) -> RemovableHandle:
    """Call ``hook(optimizer, args, kwargs)`` after every optimiser's ``step``."""
    handle = RemovableHandle(_global_optimizer_post_hooks)
    _global_optimizer_post_hooks[handle.id] = hook
    return handle


def profile_hook_step(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` (a ``step``) with the global and the optimiser's pre and post hooks around it."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        opt = args[0]
        for pre_hook in chain(_global_optimizer_pre_hooks.values(),
                              opt._optimizer_step_pre_hooks.values()):
            result = pre_hook(opt, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(
                        f"{func} must return None or a tuple of (new_args, new_kwargs), but "
                        f"got {result}.")
                args, kwargs = result
        out = func(*args, **kwargs)
        for post_hook in chain(opt._optimizer_step_post_hooks.values(),
                               _global_optimizer_post_hooks.values()):
            post_hook(opt, args, kwargs)
        return out

    wrapper.hooked = True  # type: ignore[attr-defined]
    return wrapper


def _register(hooks: OrderedDict[int, Any], hook: Callable[..., Any],
              prepend: bool = False) -> RemovableHandle:
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


class OptimizerHooks:
    """The hook registry an ``Optimizer`` carries (PyTorch's ``register_*_hook`` methods)."""

    OptimizerPreHook: TypeAlias = Callable[[Any, Args, Kwargs], "tuple[Args, Kwargs] | None"]
    OptimizerPostHook: TypeAlias = Callable[[Any, Args, Kwargs], None]

    _optimizer_step_pre_hooks: OrderedDict[int, Any]
    _optimizer_step_post_hooks: OrderedDict[int, Any]
    _optimizer_state_dict_pre_hooks: OrderedDict[int, Any]
    _optimizer_state_dict_post_hooks: OrderedDict[int, Any]
    _optimizer_load_state_dict_pre_hooks: OrderedDict[int, Any]
    _optimizer_load_state_dict_post_hooks: OrderedDict[int, Any]

    profile_hook_step = staticmethod(profile_hook_step)

    def _init_hooks(self) -> None:
        """Empty hook dicts, and this class's ``step`` wrapped once (PyTorch's patch)."""
        for name in _HOOK_DICTS:
            setattr(self, name, OrderedDict())
        cls = type(self)
        if not getattr(cls.step, "hooked", False):  # type: ignore[attr-defined]
            cls.step = profile_hook_step(cls.step)  # type: ignore[attr-defined]

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in _HOOK_DICTS}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_hooks()

    def register_step_pre_hook(self, hook: OptimizerPreHook) -> RemovableHandle:
        """Call ``hook(optimizer, args, kwargs)`` before ``step``; it may return
        ``(new_args, new_kwargs)`` for the step to use."""
        return _register(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook: OptimizerPostHook) -> RemovableHandle:
        """Call ``hook(optimizer, args, kwargs)`` after ``step``."""
        return _register(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook: Callable[[Any], None],
                                     prepend: bool = False) -> RemovableHandle:
        """Call ``hook(optimizer)`` at the start of ``state_dict()`` (``prepend``: first)."""
        return _register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook: Callable[[Any, dict[str, Any]], Any],
                                      prepend: bool = False) -> RemovableHandle:
        """Call ``hook(optimizer, state_dict)`` on the result of ``state_dict()``; a dict it
        returns replaces the state dict."""
        return _register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook: Callable[[Any, dict[str, Any]], Any],
                                          prepend: bool = False) -> RemovableHandle:
        """Call ``hook(optimizer, state_dict)`` (a shallow copy of what was passed) before
        ``load_state_dict`` loads it; a dict it returns is loaded instead."""
        return _register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook: Callable[[Any], None],
                                           prepend: bool = False) -> RemovableHandle:
        """Call ``hook(optimizer)`` after ``load_state_dict``."""
        return _register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    def _state_dict_pre(self) -> None:
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)

    def _state_dict_post(self, state_dict: dict[str, Any]) -> dict[str, Any]:
        for hook in self._optimizer_state_dict_post_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def _load_state_dict_pre(self, state_dict: Any) -> Any:
        state_dict = dict(state_dict)  # a shallow copy, as PyTorch passes its hooks
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def _load_state_dict_post(self) -> None:
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)


__all__ = [
    "OptimizerHooks",
    "profile_hook_step",
    "register_optimizer_step_post_hook",
    "register_optimizer_step_pre_hook",
]
