"""The gradient registry: one ``OpCase`` row per differentiable public op (rule 11).

``CASES`` is the table that ``test_op_gradients.py`` walks with ``gradcheck`` and
``gradgradcheck`` (float64, two-sided differences), and that ``test_registry_complete.py``
compares with the public surface. It is one explicit list of row modules: the core rows
(``rows_*.py``, written with the helpers of ``registry_helpers.py``) and the nn layers'
rows (``cases_*.py``). A new row file is added here by hand; an import error fails loudly.

A core row is declared with ``@case({name: form, ...})``: the first name is the case's
name, the others its ``covers``. Each example draws which form to call, so every name a
row claims is really exercised. Names are ``Tensor.<method>``, ``F.<function>``,
``linalg.<function>`` or ``tinygrad_nn.<function>``; a ``[variant]`` suffix tells rows of
one op apart. Inputs are small (at most ~60 elements per case) and kept away from kinks,
ties and singularities.
"""

from __future__ import annotations

# the rows_* modules register their rows in CORE when imported
from tests.ops import (  # noqa: F401
    cases_conv,
    cases_nn,
    cases_recurrent,
    rows_activation_more,
    rows_attention,
    rows_complex,
    rows_elementwise,
    rows_indexing,
    rows_inplace_forms,
    rows_inplace_views,
    rows_layout,
    rows_linalg,
    rows_loss,
    rows_loss_more,
    rows_normconv,
    rows_pool,
    rows_shape,
    rows_tensor_gaps,
    rows_toplevel,
)
from tests.ops.registry_base import OpCase
from tests.ops.registry_helpers import CORE

CASES: list[OpCase] = CORE + cases_conv.CASES + cases_nn.CASES + cases_recurrent.CASES
