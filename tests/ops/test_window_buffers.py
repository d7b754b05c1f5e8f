"""The window ops reuse their large arrays across calls (ops/window.py's free list):
reuse must never hand out an array that a Tensor, a saved value or a view still uses."""

from __future__ import annotations

import numpy as np

import tinygrad_nn as tg
import tinygrad_nn.functional as F


def test_results_kept_across_steps_are_never_overwritten() -> None:
    rng = np.random.default_rng(0)
    w = tg.tensor(rng.standard_normal((8, 4, 3, 3)).astype(np.float32), requires_grad=True)
    kept = []
    for step in range(4):  # same shapes every step: the free list would reuse freed arrays
        x = tg.tensor(rng.standard_normal((32, 4, 28, 28)).astype(np.float32) + step,
                      requires_grad=True)
        y = F.max_pool2d(F.conv2d(x, w, padding=1), 2)
        y.sum().backward()
        kept.append((y, y.detach().numpy().copy(), x.grad, x.grad.numpy().copy(),
                     y.detach().numpy()[0, 1:]))
    for y, y_then, gx, gx_then, view in kept:
        np.testing.assert_array_equal(y.detach().numpy(), y_then)
        np.testing.assert_array_equal(gx.numpy(), gx_then)
        np.testing.assert_array_equal(view, y_then[0, 1:])


def test_an_array_view_outliving_its_tensor_keeps_its_values() -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((32, 8, 28, 28)).astype(np.float32)
    view = F.max_pool2d(tg.tensor(x), 2).numpy()[1:]  # the Tensor is dropped, the view kept
    want = view.copy()
    F.max_pool2d(tg.tensor(-x), 2)  # same shapes: a reused array would be overwritten
    np.testing.assert_array_equal(view, want)
