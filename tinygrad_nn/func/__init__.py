"""PyTorch's ``torch.func``: composable function transforms.

``grad``, ``grad_and_value``, ``vjp``, ``jvp``, ``jacrev``, ``jacfwd``, ``hessian`` and ``vmap``
compose (``grad(grad(f))``, ``jacrev(jacrev(f))``, ``vmap(grad(f))`` for per-sample
gradients), and ``linearize`` gives a reusable jvp; ``functional_call`` runs a module with
other parameters and buffers, ``stack_module_state`` stacks several models' state for
``vmap`` ensembles, and ``replace_all_batch_norm_modules_`` drops running statistics.
``functionalize`` and ``debug_unwrap`` return their argument (nothing here needs them).
"""

from __future__ import annotations

from ._functional_call import (
    functional_call,
    replace_all_batch_norm_modules_,
    stack_module_state,
)
from ._transforms import (
    debug_unwrap,
    functionalize,
    grad,
    grad_and_value,
    hessian,
    jacfwd,
    jacrev,
    jvp,
    linearize,
    vjp,
)
from ._vmap import vmap

__all__ = ["debug_unwrap", "functional_call", "functionalize", "grad", "grad_and_value",
           "hessian", "jacfwd", "jacrev", "jvp", "linearize", "replace_all_batch_norm_modules_",
           "stack_module_state", "vjp", "vmap"]
