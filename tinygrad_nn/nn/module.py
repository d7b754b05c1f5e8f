"""Parameter and Module (the containers are in containers.py; state_dict, load_state_dict
and dtype casting are done in _state.py, the repr in _repr.py).

PyTorch's module system: registration by attribute assignment, dotted names,
state_dict, train/eval. Every walk over the module tree is iterative, so a
5000-deep model iterates, prints and saves without RecursionError.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ..grad_mode import _mode
from ..tensor import Tensor, require_cpu
from . import _backward_hooks, _state
from ._repr import render
from ._state import _IncompatibleKeys
from .parameter import Parameter, zero_grads


class _RemovableHandle:
    """Returned by ``register_forward_hook``; ``.remove()`` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks: dict[int, Any]) -> None:
        self.hooks = hooks
        self.id = _RemovableHandle._next_id
        _RemovableHandle._next_id += 1

    def remove(self) -> None:
        self.hooks.pop(self.id, None)


class Module:
    """Base class of layers and models: assign Parameters and Modules as attributes in
    ``__init__``, write ``forward``; call the module to run it (y = module(x))."""

    training: bool

    def __init__(self) -> None:
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = OrderedDict()
        d["_buffers"] = OrderedDict()
        d["_non_persistent"] = set()
        d["_modules"] = OrderedDict()
        d["_forward_hooks"] = {}
        d["_forward_pre_hooks"] = {}
        d["_backward_hooks"] = {}
        d["_backward_pre_hooks"] = {}
        d["_load_state_dict_pre_hooks"] = OrderedDict()

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; subclasses override it."""
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        prev: Any = _mode.scope
        _mode.scope = (prev or ()) + (self,)  # graph drawing groups ops by module path
        try:
            if self._forward_pre_hooks:
                for hook in list(self._forward_pre_hooks.values()):
                    res = hook(self, args)
                    if res is not None:
                        args = res if isinstance(res, tuple) else (res,)
            full = self.__dict__.get("_backward_hooks") or self.__dict__.get(
                "_backward_pre_hooks")
            if full:
                args, state = _backward_hooks.wrap_inputs(self, args)
            out = self.forward(*args, **kwargs)
            if full:
                out = _backward_hooks.wrap_outputs(out, state)
            if self._forward_hooks:
                for hook in list(self._forward_hooks.values()):
                    res = hook(self, args, out)
                    if res is not None:
                        out = res
            return out
        finally:
            _mode.scope = prev

    def register_forward_hook(self, hook: Callable[..., Any]) -> _RemovableHandle:
        """Call ``hook(module, args, output)`` after forward (it may return a new output)."""
        h = _RemovableHandle(self._forward_hooks)
        self._forward_hooks[h.id] = hook
        return h

    def register_forward_pre_hook(self, hook: Callable[..., Any]) -> _RemovableHandle:
        """Call ``hook(module, args)`` before forward (it may return new args)."""
        h = _RemovableHandle(self._forward_pre_hooks)
        self._forward_pre_hooks[h.id] = hook
        return h

    def register_full_backward_hook(self, hook: Callable[..., Any],
                                    prepend: bool = False) -> _RemovableHandle:
        """Call ``hook(module, grad_input, grad_output)`` once the gradients with respect to
        the module's positional inputs are computed (tuples; None for an argument that is
        not a Tensor requiring grad); it may return a new ``grad_input``."""
        return self._add_hook(self._backward_hooks, hook, prepend)

    def register_full_backward_pre_hook(self, hook: Callable[..., Any],
                                        prepend: bool = False) -> _RemovableHandle:
        """Call ``hook(module, grad_output)`` when the gradients with respect to the module's
        outputs are computed; it may return a new ``grad_output``."""
        return self._add_hook(self._backward_pre_hooks, hook, prepend)

    @staticmethod
    def _add_hook(hooks: dict[int, Any], hook: Callable[..., Any],
                  prepend: bool) -> _RemovableHandle:
        h = _RemovableHandle(hooks)
        hooks[h.id] = hook
        if prepend:  # (first in the call order)
            rest = [(k, v) for k, v in hooks.items() if k != h.id]
            hooks.clear()
            hooks.update([(h.id, hook), *rest])
        return h

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
        elif "_buffers" in d and name in d["_buffers"]:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign {type(value).__name__!r} as buffer {name!r} "
                                "(a Tensor or None expected)")
            d["_buffers"][name] = value
        else:
            object.__setattr__(self, name, value)

    def _discard(self, name: str, keep: str) -> None:
        """Forget ``name`` everywhere but the ``keep`` table (a re-assignment there keeps
        its place in the order, like PyTorch)."""
        d = self.__dict__
        d.pop(name, None)
        for key in ("_parameters", "_buffers", "_modules"):
            if key != keep:
                d[key].pop(name, None)
        d["_non_persistent"].discard(name)

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
                d["_non_persistent"].discard(name)
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
            self._non_persistent.add(name)

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

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Cast floating parameters and buffers in place (``to(float64)``); ``to('cpu')``
        keeps them; any other device raises."""
        _state.to(self, *args, **kwargs)
        return self

    def float(self) -> Module:
        return self.to(np.float32)

    def double(self) -> Module:
        return self.to(np.float64)

    def half(self) -> Module:
        return self.to(np.float16)

    def bfloat16(self) -> Module:
        """PyTorch casts to bfloat16; there is no such dtype here (NumPy has none): a
        TypeError that names the alternatives."""
        raise TypeError("Module.bfloat16: there is no bfloat16 dtype in tinygrad_nn (NumPy has "
                        "none); use .half() (float16) or .float()")

    def to_empty(self, *, device: Any, recurse: bool = True) -> Module:
        """Give every parameter and buffer (of submodules too unless ``recurse=False``) new,
        uninitialised memory of the same shape and dtype on ``device`` (only the CPU here),
        as PyTorch's; values must be set afterwards (``reset_parameters``, a state_dict)."""
        require_cpu(device)
        for m in self.modules() if recurse else [self]:
            for t in [*m._parameters.values(), *m._buffers.values()]:
                if t is None:
                    continue
                t._data = np.empty_like(t._data)
                t._bump_version()
                if t.grad is not None:
                    t.grad = Tensor._new(np.empty_like(t.grad._data))
        return self

    def type(self, dst_type: Any) -> Module:
        """Cast floating parameters and buffers to ``dst_type`` (as ``to(dtype)``)."""
        return self.to(dst_type)

    def cpu(self) -> Module:
        return self

    def cuda(self, device: Any = None) -> Module:
        """Raises the library's clear error: there is no GPU backend."""
        return self.to("cuda" if device is None else f"cuda:{getattr(device, 'index', device)}")

    def share_memory(self) -> Module:
        """Nothing to do: worker processes get the arrays by fork or pickle."""
        return self

    # -- state --------------------------------------------------------------------
    def state_dict(self, destination: Any = None, prefix: str = "",
                   keep_vars: bool = False) -> OrderedDict[str, Any]:
        """OrderedDict key -> detached Tensor sharing memory with the parameter or buffer
        (as PyTorch's; ``tinygrad_nn.save`` stores it): parameters, then persistent buffers,
        module by module, with PyTorch's keys (``fc.weight``, ``bn.running_mean``)."""
        return _state.state_dict(self, destination, prefix, keep_vars)

    def load_state_dict(self, state_dict: Any, strict: bool = True,
                        assign: bool = False) -> _IncompatibleKeys:
        """Copy arrays (NumPy, Tensors, torch tensors ...) into the parameters and buffers
        in place, cast to their dtypes. Every problem (missing keys, unexpected keys, shape
        mismatches) is listed in one RuntimeError; nothing is copied when there is one."""
        state_dict, missing, unexpected = _state.run_load_pre_hooks(self, state_dict, strict)
        result = _state.load_state_dict(self, state_dict, strict, assign)
        result.missing_keys.extend(missing)
        result.unexpected_keys.extend(unexpected)
        return result

    def _register_load_state_dict_pre_hook(self, hook: Callable[..., Any],
                                           with_module: bool = False) -> _RemovableHandle:
        """Call ``hook(state_dict, prefix, local_metadata, strict, missing_keys,
        unexpected_keys, error_msgs)`` (``hook(module, ...)`` if ``with_module``) before
        ``load_state_dict`` reads this module's keys; it may rename keys (weight_norm's
        ``weight_g`` -> ``parametrizations.weight.original0``) or report problems."""
        hooks = self.__dict__.setdefault("_load_state_dict_pre_hooks", OrderedDict())
        h = _RemovableHandle(hooks)
        hooks[h.id] = (lambda *a: hook(self, *a)) if with_module else hook
        return h

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
