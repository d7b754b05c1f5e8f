"""PyTorch's ``torch.func``: composable function transforms.

``grad``, ``grad_and_value``, ``vjp``, ``jvp``, ``jacrev``, ``jacfwd``, ``hessian`` and ``vmap``
compose (``grad(grad(f))``, ``jacrev(jacrev(f))``, ``vmap(grad(f))`` for per-sample
gradients); ``functional_call`` runs a module with other parameters and buffers, and
``stack_module_state`` stacks several models' state for ``vmap`` ensembles.
"""

from __future__ import annotations

from ._functional_call import functional_call, stack_module_state
from ._transforms import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, vjp
from ._vmap import vmap

__all__ = ["functional_call", "grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp",
           "stack_module_state", "vjp", "vmap"]
