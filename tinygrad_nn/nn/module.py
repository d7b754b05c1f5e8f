"""Module (the containers are in containers.py; the state_dict methods and hooks are in
_module_state.py, walked in _state.py; casts and devices in _module_convert.py; the repr in
_repr.py).

PyTorch's module system: registration by attribute assignment, dotted names,
state_dict, train/eval. Every walk over the module tree is iterative, so a
5000-deep model iterates, prints and saves without RecursionError.
"""

from __future__ import annotations

import inspect
import warnings
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from .._handles import RemovableHandle
from ..function import gc_untrack
from ..grad_mode import _mode
from ..tensor import Tensor
from . import _backward_hooks
from ._module_convert import ModuleConvert
from ._module_state import ModuleState
from ._repr import render
from .parameter import Buffer, Parameter, zero_grads


class Module(ModuleState, ModuleConvert):
    """Base class of layers and models: assign Parameters and Modules as attributes in
    ``__init__``, write ``forward``; call the module to run it (y = module(x))."""

    training: bool
    # PyTorch's: if True, __init__ passes its arguments on to the next class in the MRO
    # (cooperative multiple inheritance); if False, arguments are refused.
    call_super_init: bool = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not self.call_super_init and kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword "
                            f"argument '{next(iter(kwargs))}'")
        if not self.call_super_init and args:
            raise TypeError(f"{type(self).__name__}.__init__() takes 1 positional argument "
                            f"but {len(args) + 1} were given")
        self.__dict__.update(_fresh_state())
        if self.call_super_init:
            super().__init__(*args, **kwargs)

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickling: tables that an older pickle lacks start empty, as in PyTorch."""
        self.__dict__.update({**_fresh_state(), **state})

    def forward(self, *input: Any) -> Any:
        """The computation; subclasses override it."""
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        prev: Any = _mode.scope
        # graph drawing groups ops by module path; weakly held, off the GC's lists (_scope.py)
        _mode.scope = gc_untrack((prev or ()) + (weakref.ref(self),))
        try:
            if self._forward_pre_hooks:
                args, kwargs = self._run_pre_hooks(args, kwargs)
            full = self.__dict__.get("_backward_hooks") or self.__dict__.get(
                "_backward_pre_hooks")
            if full:
                args, state = _backward_hooks.wrap_inputs(self, args)
            out = None
            called: set[int] = set()
            try:
                out = self.forward(*args, **kwargs)
                if full:
                    out = _backward_hooks.wrap_outputs(out, state)
                for hid, hook in list(self._forward_hooks.items()):
                    called.add(hid)
                    res = (hook(self, args, kwargs, out) if hid in self._forward_hooks_with_kwargs
                           else hook(self, args, out))
                    if res is not None:
                        out = res
            except Exception:
                self._run_always_called(args, kwargs, out, called)
                raise
            return out
        finally:
            _mode.scope = prev

    def _run_pre_hooks(self, args: tuple[Any, ...],
                       kwargs: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """The forward pre-hooks, in order: ``hook(module, args)`` may return new args (a
        non-tuple is wrapped), ``hook(module, args, kwargs)`` (``with_kwargs``) new
        ``(args, kwargs)``."""
        for hid, hook in list(self._forward_pre_hooks.items()):
            if hid in self._forward_pre_hooks_with_kwargs:
                res = hook(self, args, kwargs)
                if res is not None:
                    if not (isinstance(res, tuple) and len(res) == 2):
                        raise RuntimeError("forward pre-hook must return None or a tuple of "
                                           f"(new_args, new_kwargs), but got {res}.")
                    args, kwargs = res
            else:
                res = hook(self, args)
                if res is not None:
                    args = res if isinstance(res, tuple) else (res,)
        return args, kwargs

    def _run_always_called(self, args: tuple[Any, ...], kwargs: dict[str, Any], out: Any,
                           called: set[int]) -> None:
        """After forward (or a hook) raised: the ``always_call`` forward hooks not yet run;
        an error in one is silenced with a warning, as in PyTorch."""
        for hid, hook in list(self._forward_hooks.items()):
            if hid not in self._forward_hooks_always_called or hid in called:
                continue
            try:
                res = (hook(self, args, kwargs, out) if hid in self._forward_hooks_with_kwargs
                       else hook(self, args, out))
                if res is not None:
                    out = res
            except Exception as e:  # noqa: BLE001 (PyTorch's: the first error is raised)
                warnings.warn("forward hook with ``always_call=True`` raised an exception that "
                              f"was silenced as another error was raised in forward: {e}",
                              stacklevel=2)

    def register_forward_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                              with_kwargs: bool = False,
                              always_call: bool = False) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after forward (it may return a new output);
        ``with_kwargs``: ``hook(module, args, kwargs, output)``; ``prepend``: before the
        hooks already registered; ``always_call``: also when forward raises."""
        h = self._add_hook(self._forward_hooks, hook, prepend,
                           (self._forward_hooks_with_kwargs, self._forward_hooks_always_called))
        if with_kwargs:
            self._forward_hooks_with_kwargs[h.id] = True
        if always_call:
            self._forward_hooks_always_called[h.id] = True
        return h

    def register_forward_pre_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """Call ``hook(module, args)`` before forward (it may return new args);
        ``with_kwargs``: ``hook(module, args, kwargs)``, which may return ``(args,
        kwargs)``; ``prepend``: before the hooks already registered."""
        h = self._add_hook(self._forward_pre_hooks, hook, prepend,
                           (self._forward_pre_hooks_with_kwargs,))
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[h.id] = True
        return h

    def register_full_backward_hook(self, hook: Callable[..., Any],
                                    prepend: bool = False) -> RemovableHandle:
        """Call ``hook(module, grad_input, grad_output)`` once the gradients with respect to
        the module's positional inputs are computed (tuples; None for an argument that is
        not a Tensor requiring grad); it may return a new ``grad_input``."""
        self._backward_kind(True)
        return self._add_hook(self._backward_hooks, hook, prepend)

    def register_backward_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Deprecated (in PyTorch too). Runs ``hook`` as ``register_full_backward_hook``
        does, with a UserWarning: PyTorch's ``grad_input`` is the gradient of the inputs of
        the last op of forward, which is the same only for a one-op module (ReLU, Tanh)."""
        self._backward_kind(False)
        warnings.warn("register_backward_hook: tinygrad_nn runs it as a full backward hook "
                      "(grad_input = gradients with respect to the module's inputs); PyTorch's "
                      "passes the gradients of the last op's inputs. Use "
                      "register_full_backward_hook.", UserWarning, stacklevel=2)
        return self._add_hook(self._backward_hooks, hook, False)

    def _backward_kind(self, full: bool) -> None:
        if self.__dict__.get("_is_full_backward_hook") is (not full):
            raise RuntimeError("Cannot use both regular backward hooks and full backward hooks "
                               "on a single Module. Please use only one of them.")
        self.__dict__["_is_full_backward_hook"] = full

    def register_full_backward_pre_hook(self, hook: Callable[..., Any],
                                        prepend: bool = False) -> RemovableHandle:
        """Call ``hook(module, grad_output)`` when the gradients with respect to the module's
        outputs are computed; it may return a new ``grad_output``."""
        return self._add_hook(self._backward_pre_hooks, hook, prepend)

    @staticmethod
    def _add_hook(hooks: dict[int, Any], hook: Callable[..., Any], prepend: bool,
                  extra: tuple[dict[int, Any], ...] = ()) -> RemovableHandle:
        h = RemovableHandle(hooks, extra_dict=extra or None)
        hooks[h.id] = hook
        if prepend:  # (first in the call order)
            rest = [(k, v) for k, v in hooks.items() if k != h.id]
            hooks.clear()
            hooks.update([(h.id, hook), *rest])
        return h

    def set_submodule(self, target: str, module: Module, strict: bool = False) -> None:
        """Put ``module`` at dotted path ``target`` (the parent must exist); ``strict``:
        only replace an existing submodule. PyTorch's errors."""
        if target == "":
            raise ValueError("Cannot set the submodule without a target name!")
        if not isinstance(module, Module):
            raise ValueError(f"`module` is not an nn.Module, found {type(module)}")
        path, _, name = target.rpartition(".")
        parent = self.get_submodule(path)
        if strict and not hasattr(parent, name):
            raise AttributeError(f"{parent._get_name()} has no attribute `{name}`")
        if hasattr(parent, name) and not isinstance(getattr(parent, name), Module):
            raise AttributeError(f"`{name}` is not an nn.Module")
        setattr(parent, name, module)

    # -- registration -------------------------------------------------------------
    def _check_init(self, what: str) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"cannot assign {what} before Module.__init__() call "
                f"(call super().__init__() first in {type(self).__name__}.__init__)")

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        if isinstance(value, Parameter):
            self._check_init("parameters")
            if isinstance(getattr(type(self), name, None), property):  # a parametrized tensor
                raise KeyError(f"attribute '{name}' already exists")
            self._discard(name, "_parameters")
            d["_parameters"][name] = value
        elif "_parameters" in d and name in d["_parameters"]:
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__!r} as parameter {name!r} "
                                "(tinygrad_nn.nn.Parameter or None expected)")
            d["_parameters"][name] = None
        elif isinstance(value, Module):
            self._check_init("child modules")
            self._discard(name, "_modules")
            d["_modules"][name] = value
        elif "_modules" in d and name in d["_modules"]:
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__!r} as child module {name!r} "
                                "(a Module or None expected)")
            d["_modules"][name] = None
        elif isinstance(value, Buffer):  # PyTorch's: register_buffer with its persistence
            self._register_marked_buffer(name, value)
        elif "_buffers" in d and name in d["_buffers"]:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign {type(value).__name__!r} as buffer {name!r} "
                                "(tinygrad_nn.nn.Buffer, a Tensor or None expected)")
            d["_buffers"][name] = value
        else:
            object.__setattr__(self, name, value)

    def _register_marked_buffer(self, name: str, value: Tensor) -> None:
        """``self.name = Buffer(t, persistent)``: ``self.register_buffer(name, t, persistent)``,
        through a subclass's own ``register_buffer`` too; one written without the
        ``persistent`` argument takes persistent buffers only (PyTorch's rule)."""
        persistent = bool(getattr(value, "persistent", True))
        register = self.register_buffer
        if getattr(register, "__func__", None) is Module.register_buffer \
                or "persistent" in inspect.signature(register).parameters:
            register(name, value, persistent)
        elif persistent:
            register(name, value)
        else:
            raise RuntimeError("Registering a non-persistent buffer on a Module subclass that "
                               "implements register_buffer() without the persistent argument "
                               "is not allowed.")

    def _discard(self, name: str, keep: str) -> None:
        """Forget ``name`` everywhere but the ``keep`` table (a re-assignment there keeps
        its place in the order, like PyTorch)."""
        d = self.__dict__
        d.pop(name, None)
        for key in ("_parameters", "_buffers", "_modules"):
            if key != keep:
                d[key].pop(name, None)
        d["_non_persistent_buffers_set"].discard(name)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for key in ("_parameters", "_buffers", "_modules"):
            if key in d and name in d[key]:
                return d[key][name]
        if "_parameters" not in d:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r} "
                                 "(did its __init__ call super().__init__()?)")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        d = self.__dict__
        for key in ("_parameters", "_buffers", "_modules"):
            if name in d.get(key, ()):
                del d[key][name]
                d["_non_persistent_buffers_set"].discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        extra = [*self._parameters, *self._buffers, *self._modules]
        return sorted(set(super().__dir__()) | set(extra))

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add ``param`` (a Parameter, or None for an absent one) under ``name``."""
        self._check_init("parameters")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: {name!r} must be a Parameter or None, "
                            f"got {type(param).__name__}")
        self._check_name(name, "parameter")
        self._discard(name, "_parameters")
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a state Tensor that is not a parameter (running statistics); persistent
        buffers appear in ``state_dict``."""
        self._check_init("buffers")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer: {name!r} must be a Tensor or None, "
                            f"got {type(tensor).__name__}")
        self._check_name(name, "buffer")
        self._discard(name, "_buffers")
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module under ``name`` (same as attribute assignment)."""
        self._check_init("child modules")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {name!r} must be a Module or None, "
                            f"got {type(module).__name__}")
        self._check_name(name, "module")
        self._discard(name, "_modules")
        self._modules[name] = module

    register_module = add_module

    def _check_name(self, name: str, what: str) -> None:
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"{what} name must be a non-empty string without '.', got {name!r}")
        if name in self.__dict__ or (hasattr(type(self), name) and name not in self._parameters
                                     and name not in self._buffers and name not in self._modules):
            raise KeyError(f"attribute {name!r} already exists on {type(self).__name__}")

    # -- traversal (iterative: rule 7) ---------------------------------------------
    def named_modules(self, memo: set[int] | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """(name, module) for this module and every descendant, depth first, pre-order."""
        seen = memo if memo is not None else set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, m = stack.pop()
            if remove_duplicate:
                if id(m) in seen:
                    continue
                seen.add(id(m))
            yield name, m
            head = f"{name}." if name else ""
            kids = [(head + k, c) for k, c in m._modules.items() if c is not None]
            stack.extend(reversed(kids))

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen: set[int] = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def _named_members(self, table: str, prefix: str, recurse: bool) -> Iterator[tuple[str, Any]]:
        seen: set[int] = set()
        mods = self.named_modules(prefix=prefix) if recurse else iter([(prefix, self)])
        for mod_prefix, m in mods:
            for k, v in getattr(m, table).items():
                if v is None or id(v) in seen:
                    continue
                seen.add(id(v))
                yield (f"{mod_prefix}.{k}" if mod_prefix else k), v

    def named_parameters(self, prefix: str = "",
                         recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs like PyTorch's (``features.0.weight``); a
        parameter shared by several modules appears once, under its first name."""
        return self._named_members("_parameters", prefix, recurse)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        return self._named_members("_buffers", prefix, recurse)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def get_submodule(self, target: str) -> Module:
        """The descendant at dotted path ``target`` ('' is this module)."""
        m = self
        for part in target.split(".") if target else []:
            if part not in m._modules or m._modules[part] is None:
                raise AttributeError(
                    f"{type(m).__name__} has no submodule {part!r} (path {target!r})")
            m = m._modules[part]
        return m

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at dotted path ``target`` ('fc.weight')."""
        return self._get_tensor(target, "_parameters", "parameter")

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at dotted path ``target`` ('bn.running_mean')."""
        return self._get_tensor(target, "_buffers", "buffer")

    def _get_tensor(self, target: str, table: str, kind: str) -> Any:
        path, _, name = target.rpartition(".")
        owner = self.get_submodule(path)
        if getattr(owner, table).get(name) is None:
            raise AttributeError(f"{type(owner).__name__} has no {kind} {name!r} "
                                 f"(path {target!r})")
        return getattr(owner, table)[name]

    def _post_order(self) -> list[Module]:
        """Every module after its children (children() order, like recursive PyTorch code)."""
        out: list[Module] = []
        stack: list[tuple[Module, bool]] = [(self, False)]
        while stack:
            m, done = stack.pop()
            if done:
                out.append(m)
                continue
            stack.append((m, True))
            stack.extend((c, False) for c in reversed(list(m.children())))
        return out

    # -- modes and bulk updates ---------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set training mode on this module and its descendants (Dropout, BatchNorm care)."""
        if not isinstance(mode, bool):
            raise ValueError(f"train(mode): mode must be a bool, got {mode!r}")
        stack: list[Module] = [self]
        while stack:
            m = stack.pop()
            if m is not self and type(m).train is not Module.train:
                m.train(mode)  # a subclass's own train() handles its subtree
                continue
            m.__dict__["training"] = mode
            stack.extend(m.children())
        return self

    def eval(self) -> Module:
        """Evaluation mode (``train(False)``): dropout off, batch norm uses running stats."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient: None (PyTorch's default), or zeros in place
        (``set_to_none=False``), so the next backward accumulates into the same buffer."""
        zero_grads(self.parameters(), set_to_none)

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every descendant (children first), then on this module."""
        for m in self._post_order():
            fn(m)
        return self

    # -- display ------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The configuration shown inside this module's repr, e.g. ``in_features=4``."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return render(self, Module.__repr__)

    def draw(self, *example_inputs: Any, **kw: Any) -> Any:
        """Draw the forward graph on ``example_inputs``, one cluster per submodule."""
        from ..viz import draw_module

        return draw_module(self, *example_inputs, **kw)


def _fresh_state() -> dict[str, Any]:
    """A new Module's tables (PyTorch's names)."""
    return {"training": True, "_parameters": OrderedDict(), "_buffers": OrderedDict(),
            "_non_persistent_buffers_set": set(), "_modules": OrderedDict(),
            "_forward_hooks": {}, "_forward_pre_hooks": {}, "_backward_hooks": {},
            "_forward_hooks_with_kwargs": {}, "_forward_hooks_always_called": {},
            "_forward_pre_hooks_with_kwargs": {},
            "_backward_pre_hooks": {}, "_is_full_backward_hook": None,
            **{k: OrderedDict() for k in ("_state_dict_hooks", "_state_dict_pre_hooks",
                                          "_load_state_dict_pre_hooks",
                                          "_load_state_dict_post_hooks")}}
