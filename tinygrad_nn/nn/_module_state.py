"""Module's state_dict methods and hooks, PyTorch's names and signatures (a base class of
``Module``; the walks are in ``_state.py``). Subclasses override ``_save_to_state_dict``,
``_load_from_state_dict``, ``get_extra_state`` / ``set_extra_state`` as in PyTorch."""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from .._handles import RemovableHandle
from . import _state
from ._state import _IncompatibleKeys, _WrappedHook


def _add(hooks: dict[int, Any], hook: Any) -> RemovableHandle:
    h = RemovableHandle(hooks)
    hooks[h.id] = hook
    return h


class ModuleState:
    """The state_dict protocol of ``Module`` (see ``_state.py`` for the order of calls)."""

    # PyTorch's: saved as ``state_dict()._metadata[prefix]["version"]`` and given back to
    # ``_load_from_state_dict`` as ``local_metadata["version"]``; a class bumps it when its
    # keys change, so it can convert older checkpoints.
    _version: int = 1
    dump_patches: bool = False  # PyTorch's; unused (modules are never pickled into checkpoints)
    T_destination = TypeVar("T_destination", bound=dict[str, Any])

    def state_dict(self, *args: Any, destination: Any = None, prefix: str = "",
                   keep_vars: bool = False) -> Any:
        """OrderedDict key -> detached Tensor sharing memory with the parameter or buffer
        (the tensor itself if ``keep_vars``), with PyTorch's keys (``fc.weight``) and order
        and its ``_metadata`` attribute ({module prefix: {"version": _version}}); modules
        that override ``get_extra_state`` add ``<prefix>_extra_state``. Positional arguments
        (destination, prefix, keep_vars) are deprecated, as in PyTorch."""
        if args:
            warnings.warn(
                "Positional args are being deprecated, use kwargs instead. Refer to "
                "https://pytorch.org/docs/main/generated/torch.nn.Module.html"
                "#torch.nn.Module.state_dict for details.", FutureWarning, stacklevel=2)
            destination = args[0] if destination is None else destination
            prefix = args[1] if len(args) > 1 and prefix == "" else prefix
            keep_vars = args[2] if len(args) > 2 and keep_vars is False else keep_vars
        return _state.state_dict(self, ModuleState, destination, prefix, keep_vars)

    def _save_to_state_dict(self, destination: Any, prefix: str, keep_vars: bool) -> None:
        """Put this module's own parameters, persistent buffers and extra state (not its
        children's) into ``destination`` under ``prefix``; ``state_dict`` calls it per module."""
        _state.save_to_state_dict(self, ModuleState, destination, prefix, keep_vars)

    def load_state_dict(self, state_dict: Any, strict: bool = True,
                        assign: bool = False) -> _IncompatibleKeys:
        """Copy arrays (NumPy, Tensors, torch tensors ...) into the parameters and buffers
        in place, cast to their dtypes (``assign``: new arrays instead, still cast). Calls
        ``_load_from_state_dict`` and the hooks per module as PyTorch does. Every problem
        (missing keys, unexpected keys, shape mismatches, hooks' messages) is listed in one
        RuntimeError, and then no parameter or buffer has changed (PyTorch keeps the copies
        made before the error)."""
        return _state.load_state_dict(self, ModuleState, state_dict, strict, assign)

    def _load_from_state_dict(self, state_dict: Any, prefix: str, local_metadata: Any,
                              strict: bool, missing_keys: list[str], unexpected_keys: list[str],
                              error_msgs: list[str]) -> None:
        """Run the load pre-hooks, then load this module's own keys (``prefix + name``) from
        ``state_dict`` (a copy: overrides may rename or add keys before calling this),
        appending to ``missing_keys`` / ``unexpected_keys`` / ``error_msgs``;
        ``local_metadata`` has the saved ``version`` (absent for a checkpoint without
        ``_metadata``) and ``assign_to_params_buffers``."""
        _state.load_from_state_dict(self, ModuleState, state_dict, prefix, local_metadata,
                                    strict, missing_keys, unexpected_keys, error_msgs)

    def get_extra_state(self) -> Any:
        """Override (with ``set_extra_state``) to save any extra state under the
        ``_extra_state`` key; the base method is never called by ``state_dict``."""
        raise RuntimeError("Module.get_extra_state() is not implemented: override it (and "
                           "set_extra_state) to store extra state in the state_dict")

    def set_extra_state(self, state: Any) -> None:
        """Override (with ``get_extra_state``) to restore the ``_extra_state`` entry;
        ``load_state_dict`` calls it once the whole load has succeeded."""
        raise RuntimeError("Module.set_extra_state() is not implemented: override it (and "
                           "get_extra_state) to load extra state from the state_dict")

    # -- hooks --------------------------------------------------------------------
    def register_state_dict_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, prefix, keep_vars)`` before this module's state is saved."""
        return _add(self._hook_table("_state_dict_pre_hooks"), hook)

    def register_state_dict_post_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, state_dict, prefix, local_metadata)`` after this module's
        subtree is saved; it may change ``state_dict`` in place and must return None."""
        hook._from_public_api = True  # type: ignore[attr-defined]
        return _add(self._hook_table("_state_dict_hooks"), hook)

    def _register_state_dict_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """As ``register_state_dict_post_hook``, but a returned dict replaces the root's
        result (PyTorch's older private API)."""
        if getattr(hook, "_from_public_api", False):
            raise RuntimeError(
                "Cannot register the same function as the state dict post hook that was "
                "previously registered via register_state_dict_post_hook")
        return _add(self._hook_table("_state_dict_hooks"), hook)

    def _register_load_state_dict_pre_hook(self, hook: Callable[..., Any],
                                           with_module: bool = False) -> RemovableHandle:
        """Call ``hook(state_dict, prefix, local_metadata, strict, missing_keys,
        unexpected_keys, error_msgs)`` (``hook(module, ...)`` if ``with_module``) when
        ``_load_from_state_dict`` starts on this module; it may rename keys (weight_norm's
        ``weight_g`` -> ``parametrizations.weight.original0``) or report problems."""
        return _add(self._hook_table("_load_state_dict_pre_hooks"),
                    _WrappedHook(hook, self if with_module else None))

    def register_load_state_dict_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, state_dict, prefix, local_metadata, strict, missing_keys,
        unexpected_keys, error_msgs)`` before this module's keys are loaded."""
        return self._register_load_state_dict_pre_hook(hook, with_module=True)

    def register_load_state_dict_post_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, incompatible_keys)`` after this module's subtree is loaded; it
        may change ``incompatible_keys.missing_keys`` / ``unexpected_keys`` in place (the
        strict check comes after) and must return None."""
        return _add(self._hook_table("_load_state_dict_post_hooks"), hook)

    def _hook_table(self, name: str) -> dict[int, Any]:
        table: dict[int, Any] = self.__dict__.setdefault(name, OrderedDict())
        return table
