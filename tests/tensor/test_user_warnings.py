"""Warnings point at the user's line (the first frame outside the package), as PyTorch's
do; ``float(t)`` of a tensor that requires grad warns once per process, as PyTorch 2.13."""

import subprocess
import sys
import textwrap
import warnings

import pytest
import tinygrad_nn.nn.functional as F

import tinygrad_nn as tg
from tinygrad_nn import nn

torch = pytest.importorskip("torch")


def _caught(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn()
    return w


@pytest.mark.parametrize("call", [
    lambda: F.softmax(tg.ones(2, 3)),  # a function form (deprecated implicit dim)
    lambda: nn.Softmax()(tg.ones(2, 3)),  # through Module.__call__ and forward
    lambda: tg.eye(3).cholesky(),  # a deprecated method
], ids=["function", "module", "method"])
def test_warnings_point_at_the_callers_file(call):
    w = _caught(call)
    assert w, "expected a warning"
    assert w[0].filename == __file__


def test_torch_points_at_the_callers_file_too():
    # (cholesky's deprecation warning is one PyTorch gives once per process: not comparable
    # inside a test session)
    w = _caught(lambda: torch.nn.functional.softmax(torch.ones(2, 3)))
    assert w and w[0].filename == __file__


SCRIPT = """
import warnings
import {lib} as m
warnings.simplefilter("always")
a = m.tensor([1.5], requires_grad=True)
b = m.tensor(2.5, requires_grad=True)
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    int(b); b.item(); bool(b); float(b.detach()); f"{{b:.2f}}"
    quiet = len(w)
    float(b); float(a); complex(b * 2)
print(quiet, len(w), w[-1].message.args[0].splitlines()[0] if w else None)
"""


def _run(script, lib):
    """What ``script`` (a template naming the library ``{lib}``) prints in a fresh process."""
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(script.format(lib=lib))],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_float_of_a_tensor_that_requires_grad_warns_once_per_process_as_torch():
    ours = _run(SCRIPT, "tinygrad_nn")
    assert ours == _run(SCRIPT, "torch")
    assert ours.startswith("0 1 Converting a tensor with requires_grad=True to a scalar")


QUIET_SCRIPT = """
import warnings
import {lib} as m
b = m.tensor(2.5, requires_grad=True)
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    with m.no_grad():  # (as an optimiser reads its closure's loss: L-BFGS)
        float(b); complex(b)
    quiet = len(w)
    complex(b)
print(quiet, len(w))
"""


def test_no_warning_under_no_grad_and_complex_warns_as_float_as_torch():
    assert _run(QUIET_SCRIPT, "tinygrad_nn") == _run(QUIET_SCRIPT, "torch") == "0 1"
