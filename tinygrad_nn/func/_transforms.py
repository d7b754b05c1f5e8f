"""PyTorch's ``torch.func`` gradient transforms: grad, grad_and_value, vjp, jvp, jacrev,
jacfwd, hessian. Each returns PyTorch's structures (pytrees shaped like the arguments and
outputs) and composes with the others and with ``vmap``.

Each call of a transform is one *level* (``_Level``): the differentiated arguments become
the level's own tensors (a fresh leaf for a tensor nothing tracks yet, a view for one that an
enclosing transform or the user's autograd already tracks), ``func`` runs under grad mode,
and gradients are taken with respect to those tensors' nodes only, so nested transforms never
mix up their perturbations. Tensors leaving a level keep their graph only when it reaches a
tensor tracked outside the level (an enclosing transform's input, a parameter that requires
grad); otherwise they are detached, as PyTorch's transforms return tensors without history at
the outer level. The backward pass is recorded (``create_graph``) only in the first case,
where something outside may differentiate again. Everything is reverse mode (``jacfwd`` and
``jvp`` too: ``jvp`` by the double-vjp trick of ``autograd.functional.jvp``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from ..autograd.functional import _double_vjp, _grads, _jacobian_blocks
from ..engine import Node
from ..grad_mode import enable_grad, is_grad_enabled
from ..tensor import Tensor
from ._pytree import tree_flatten, tree_map, tree_unflatten

__all__ = ["debug_unwrap", "functionalize", "grad", "grad_and_value", "hessian", "jacfwd",
           "jacrev", "jvp", "linearize", "vjp"]

Argnums = int | tuple[int, ...]
_JVP = "jvp(f, primals, tangents)"


def _reaches_outside(ts: Iterable[Any], local: set[int]) -> bool:
    """True when a graph of ``ts`` reaches a tensor requiring grad that is not in ``local``."""
    todo: list[Any] = [t.grad_fn if t.grad_fn is not None else t for t in ts
                       if isinstance(t, Tensor) and t.requires_grad]
    seen: set[int] = set()
    while todo:
        v = todo.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        if isinstance(v, Node):
            todo.extend(p for p in v.parents if p is not None)
        elif id(v) not in local:
            return True
    return False


class _Level:
    """One call of a transform: its own tensors for the arguments at ``argnums`` (all
    arguments for None), and what leaves the level (``undo``)."""

    def __init__(self, args: tuple[Any, ...], argnums: Argnums | None) -> None:
        self.outer = is_grad_enabled()
        self.local: set[int] = set()  # ids of the fresh leaves made here
        diff = args if argnums is None else _slice_argnums(args, argnums)
        leaves, self.spec = tree_flatten(diff)
        self.inputs = tuple(self._own(x) for x in leaves)
        own = tree_unflatten(list(self.inputs), self.spec)
        self.args = own if argnums is None else _replace_args(args, own, argnums)

    def _own(self, x: Any) -> Tensor:
        if not isinstance(x, Tensor):
            raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
        if self.outer and x.requires_grad:
            return x.view_as(x)  # tracked outside: stay connected
        if not x.is_floating_point() and not x.is_complex():
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        t = x.detach().requires_grad_(True)
        self.local.add(id(t))
        return t

    def outside(self, ts: Iterable[Any]) -> bool:
        """Does something outside this level track ``ts`` (so it may differentiate again)?"""
        return self.outer and _reaches_outside(ts, self.local)

    def pull(self, outs: list[Tensor], seeds: list[Any], create: bool) -> tuple[Tensor, ...]:
        """sum_k seeds[k]ᵀ·d outs[k]/d inputs, one per input (zeros where unused)."""
        return _grads(tuple(outs), self.inputs, tuple(seeds), create, False, "grad")

    def undo(self, tree: Any) -> Any:
        """``tree`` as it leaves the level: tensors tracked only here lose their graph."""
        def leave(t: Any) -> Any:
            if isinstance(t, Tensor) and t.requires_grad and not self.outside([t]):
                return t.detach()
            return t
        return tree_map(leave, tree)

    def undo_aux(self, aux: Any) -> Any:
        """``undo`` of a has_aux result, which may hold only Tensors (as in PyTorch)."""
        for x in tree_flatten(aux)[0]:
            if not isinstance(x, Tensor):
                raise RuntimeError(f"Expected tensors, got unsupported type {type(x)}")
        return self.undo(aux)

    def call(self, func: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
        with enable_grad():
            return func(*self.args, **kwargs)


# -- argnums (PyTorch's messages) ------------------------------------------------------
def _wrap_argnum(argnum: Any, n: int) -> int:
    if not isinstance(argnum, int):
        raise RuntimeError(f"argnum must be int, got: {type(argnum)}")
    if -n <= argnum < n:
        return argnum % n
    raise RuntimeError(f"Got argnum={argnum}, but only {n} positional inputs")


def _slice_argnums(args: tuple[Any, ...], argnums: Argnums) -> Any:
    """The argument at ``argnums`` (an int), or the tuple of those at ``argnums`` (a tuple)."""
    if isinstance(argnums, int):
        return args[_wrap_argnum(argnums, len(args))]
    if not isinstance(argnums, tuple):
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    if len(argnums) == 0:
        raise RuntimeError("argnums must be non-empty")
    wrapped = tuple(_wrap_argnum(a, len(args)) for a in argnums)
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError(f"argnums elements must be unique, got {argnums}")
    return tuple(args[i] for i in wrapped)


def _replace_args(args: tuple[Any, ...], new: Any, argnums: Argnums) -> tuple[Any, ...]:
    n = len(args)
    if isinstance(argnums, int):
        at = {_wrap_argnum(argnums, n): new}
    else:
        at = {_wrap_argnum(a, n): v for a, v in zip(argnums, new)}
    return tuple(at.get(i, a) for i, a in enumerate(args))


def _split_aux(out: Any, has_aux: bool, api: str) -> tuple[Any, Any]:
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{api}: output of function f should be a tuple: (output, aux) "
                           "if has_aux is True")
    return out[0], out[1]


def _tensor_outputs(out: Any, api: str) -> list[Tensor]:
    flat, _ = tree_flatten(out)
    if not flat or (len(flat) == 1 and flat[0] is None):
        raise RuntimeError(f"{api}: Expected f to be a function that has non-empty output "
                           f"(got output = {flat})")
    for o in flat:
        if not isinstance(o, Tensor):
            raise RuntimeError(f"{api}: expected f(*primals) to return only tensors, got "
                               f"unsupported type {type(o)}")
    return flat


# -- the transforms ----------------------------------------------------------------------
def grad_and_value(func: Callable[..., Any], argnums: Argnums = 0,
                   has_aux: bool = False) -> Callable[..., Any]:
    """(d func/d args[argnums], func(*args)) of a scalar-valued ``func``; the gradient is
    shaped like the argument(s): a pytree, a tuple of them for a tuple ``argnums``.
    With ``has_aux`` func returns (output, aux) and this returns (gradient, (value, aux))."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        level = _Level(args, argnums)
        output, aux = _split_aux(level.call(func, kwargs), has_aux, "grad_and_value(f)(*args)")
        if not isinstance(output, Tensor):
            raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a "
                               f"Tensor, got {type(output)}")
        if output.dim() != 0:
            raise RuntimeError(
                "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                f"tensor with {output.dim()} dims. Maybe you wanted to use the vjp or jacrev "
                "APIs instead?")
        gs = level.pull([output], [None], level.outside([output]))
        g = level.undo(tree_unflatten(list(gs), level.spec))
        value = level.undo(output)
        return (g, (value, level.undo_aux(aux))) if has_aux else (g, value)

    return wrapper


def grad(func: Callable[..., Any], argnums: Argnums = 0,
         has_aux: bool = False) -> Callable[..., Any]:
    """d func/d args[argnums] of a scalar-valued ``func``, shaped like the argument(s);
    with ``has_aux`` (gradient, aux). Composes: ``grad(grad(f))``, ``vmap(grad(f))``."""
    both = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g, value = both(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapper


def vjp(func: Callable[..., Any], *primals: Any, has_aux: bool = False) -> tuple[Any, ...]:
    """(func(*primals), vjp_fn[, aux]): ``vjp_fn(v)`` is vᵀ·J, a tuple shaped like
    ``primals``, for cotangents ``v`` shaped like the output; it may be called many times."""
    level = _Level(primals, None)
    out, aux = _split_aux(level.call(func, {}), has_aux, "vjp(f, *primals)")
    flat_out = _tensor_outputs(out, "vjp(f, *primals)")
    out_spec = tree_flatten(out)[1]
    for o in flat_out:
        if not (o.is_floating_point() or o.is_complex()):
            raise RuntimeError("vjp(f, ...): All outputs of f must be floating-point or "
                               f"complex Tensors, got Tensor with dtype {o.dtype}")

    def vjp_fn(cotangents: Any, retain_graph: bool = True,
               create_graph: bool | None = None) -> Any:
        """vᵀ·J for cotangents v shaped like the output; a tuple shaped like ``primals``."""
        del retain_graph  # the graph is always kept: vjp_fn may be called again
        if create_graph is None:
            create_graph = is_grad_enabled()
        flat_cot, cot_spec = tree_flatten(cotangents)
        if cot_spec != out_spec:
            raise RuntimeError(
                "Expected pytree structure of cotangents to be the same as pytree structure "
                f"of outputs to the function. cotangents: {cot_spec}, primal output: {out_spec}")
        create = create_graph and _reaches_outside([*flat_out, *flat_cot], level.local)
        gs = level.pull(flat_out, flat_cot, create)
        return level.undo(tree_unflatten(list(gs), level.spec))

    result = level.undo(out)
    return (result, vjp_fn, level.undo_aux(aux)) if has_aux else (result, vjp_fn)


def jvp(func: Callable[..., Any], primals: Any, tangents: Any, *, strict: bool = False,
        has_aux: bool = False) -> tuple[Any, ...]:
    """(func(*primals), J·tangents[, aux]): the Jacobian-vector product, shaped like the
    output; computed in reverse mode (double vjp), with forward mode's results."""
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{_JVP}: Expected primals to be a tuple. E.g. it should be valid "
                           "to call f(*primals).")
    flat_p, p_spec = tree_flatten(primals)
    flat_t, t_spec = tree_flatten(tangents)
    if p_spec != t_spec:
        raise RuntimeError(
            f"{_JVP}: Expected primals and tangents to have the same python structure. For "
            "example, if primals is a tuple of 3 tensors, tangents also must be. Got primals "
            f"with structure {p_spec} and tangents with structure {t_spec}")
    for flat, name in ((flat_p, "primals"), (flat_t, "tangents")):
        if not flat:
            raise RuntimeError(f"{_JVP}: Expected {name} to contain at least one Tensor.")
        for x in flat:
            if not isinstance(x, Tensor):
                raise RuntimeError(f"{_JVP}: Expected {name} to only contain Tensors, got "
                                   f"{type(x)}")
    for p, t in zip(flat_p, flat_t):
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(
                "Trying to set a forward gradient that has a different size than that of the "
                "original Tensor, this is not supported. Tensor is of size "
                f"{list(p.shape)} while the given forward gradient is of size {list(t.shape)}.")
    level = _Level(primals, None)
    out, aux = _split_aux(level.call(func, {}), has_aux, _JVP)
    flat_out = _tensor_outputs(out, _JVP)
    if strict and any(not o.requires_grad for o in flat_out):
        raise RuntimeError("jvp(f, primals, tangents, strict=True): The output of f is "
                           "independent of the inputs. This is not allowed with strict=True.")
    create = level.outer and _reaches_outside([*flat_out, *flat_t], level.local)
    tans = _double_vjp(tuple(flat_out), level.inputs, tuple(flat_t), create, False, "jvp")
    spec = tree_flatten(out)[1]
    result = (level.undo(out), level.undo(tree_unflatten(list(tans), spec)))
    return (*result, level.undo_aux(aux)) if has_aux else result


def linearize(func: Callable[..., Any], *primals: Any) -> tuple[Any, Callable[..., Any]]:
    """(func(*primals), jvp_fn): ``jvp_fn(*tangents)`` is J·tangents at ``primals``."""
    output = func(*primals)
    flat_p, p_spec = tree_flatten(primals)

    def jvp_fn(*tangents: Any) -> Any:
        """J·tangents, shaped like the output; tangents shaped like the primals."""
        flat_t, t_spec = tree_flatten(tangents)
        if t_spec != p_spec:
            raise RuntimeError(f"Expected the tangents {t_spec} to have the same argspec as "
                               f"the primals {p_spec}")
        for k, (p, t) in enumerate(zip(flat_p, flat_t)):
            for what, a, b in (("shape", tuple(t.shape), tuple(p.shape)),
                               ("dtype", t.dtype, p.dtype)):
                if a != b:
                    raise RuntimeError(f"tangent:{k} with {what} {a} in flattened pytree "
                                       f"doesn't match the {what} {b} of the corresponding "
                                       "primal.")
        return jvp(func, primals, tangents)[1]

    return output, jvp_fn


def functionalize(func: Callable[..., Any], *, remove: str = "mutations") -> Callable[..., Any]:
    """``func`` itself: PyTorch's version rewrites in-place ops for its compilers, with the
    same results, which is what this engine gives already."""
    if remove not in ("mutations", "mutations_and_views"):
        raise RuntimeError("functionalize(f, remove='mutations'): received invalid argument "
                           f"for remove={remove}. Valid options are:\n     remove='mutations': "
                           "all inplace and out= operators will be removed from the program, "
                           "and replaced with their out-of-place equivalents.\n     "
                           "remove='mutations_and_views': In addition to the above, all aliasing "
                           "operators {view} will be replaced with their non-aliasing "
                           "counterparts, {view}_copy.\n")
    return functools.wraps(func)(lambda *args, **kwargs: func(*args, **kwargs))


def debug_unwrap(tensor: Tensor, *, recurse: bool = True) -> Tensor:
    """The tensor itself: transforms here pass ordinary Tensors, never wrappers."""
    del recurse
    return tensor


def _jacobian(func: Callable[..., Any], argnums: Argnums, has_aux: bool,
              api: str) -> Callable[..., Any]:
    """J[out][arg] of shape out.shape + arg.shape: the output's pytree, each leaf holding
    the arguments' pytree (a tuple of them for a tuple ``argnums``)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        level = _Level(args, argnums)
        out, aux = _split_aux(level.call(func, kwargs), has_aux, api)
        flat_out = _tensor_outputs(out, api)
        create = level.outside(flat_out)
        per_out = []
        for o in flat_out:
            blocks = _jacobian_blocks(
                o, level.inputs, functools.partial(_pull_one, level, o, create))
            per_out.append(level.undo(tree_unflatten(blocks, level.spec)))
        jac = tree_unflatten(per_out, tree_flatten(out)[1])
        return (jac, level.undo_aux(aux)) if has_aux else jac

    return wrapper


def _pull_one(level: _Level, o: Tensor, create: bool, e: Tensor) -> tuple[Tensor, ...]:
    return level.pull([o], [e], create)


def jacrev(func: Callable[..., Any], argnums: Argnums = 0, *, has_aux: bool = False,
           chunk_size: int | None = None,
           _preallocate_and_copy: bool = False) -> Callable[..., Any]:
    """The Jacobian of ``func`` with respect to args[argnums], one vjp per output element:
    per output (a pytree), per argument, a Tensor of shape out.shape + arg.shape."""
    del _preallocate_and_copy
    if chunk_size is not None and chunk_size <= 0:
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")
    return _jacobian(func, argnums, has_aux, "vjp(f, *primals)")


def jacfwd(func: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False, *,
           randomness: str = "error") -> Callable[..., Any]:
    """The Jacobian of ``func`` (as ``jacrev``: same values and structure; computed here in
    reverse mode, so it needs no forward-mode rules)."""
    _check_randomness(randomness)
    return _jacobian(func, argnums, has_aux, _JVP)


def hessian(func: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., Any]:
    """d² func / d args[argnums]²: ``jacfwd(jacrev(func, argnums), argnums)``."""
    return jacfwd(jacrev(func, argnums), argnums)


def _check_randomness(randomness: Any) -> None:
    if randomness not in ("error", "different", "same"):
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")
