"""nn.utils.prune against torch: masks, the _orig / _mask state, hooks, remove, errors."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.nn as nn
from tinygrad_nn.nn.utils import prune

from .helpers import close, pair, same_grads

torch = pytest.importorskip("torch")
TP = pytest.importorskip("torch.nn.utils.prune")
RNG = np.random.default_rng(0)


def _both(fn_name, layer, args, *pargs, **kw):
    ours, theirs = pair(layer, *args)
    getattr(prune, fn_name)(ours, "weight", *pargs, **kw)
    getattr(TP, fn_name)(theirs, "weight", *pargs, **kw)
    return ours, theirs


def _check_state(ours, theirs):
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [k for k, _ in ours.named_buffers()] == [k for k, _ in theirs.named_buffers()]
    close(ours.weight_mask, theirs.weight_mask)
    assert str(ours.weight_mask.dtype) == str(theirs.weight_mask.dtype).split(".")[1]
    close(ours.weight, theirs.weight)


@pytest.mark.parametrize("amount", [0.3, 5, 0, 1.0])
def test_l1_unstructured(amount):
    ours, theirs = _both("l1_unstructured", "Linear", (4, 5), amount=amount)
    _check_state(ours, theirs)
    assert list(ours.state_dict()) == ["bias", "weight_orig", "weight_mask"]
    assert prune.is_pruned(ours)
    same_grads(ours, theirs, RNG.standard_normal((2, 4)))
    prune.remove(ours, "weight")
    TP.remove(theirs, "weight")
    assert not prune.is_pruned(ours)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["bias", "weight"]
    assert isinstance(ours.weight, nn.Parameter)
    close(ours.weight, theirs.weight)


@pytest.mark.parametrize("n,dim", [(1, 0), (2, 1), (float("inf"), -1), (3, 1)])
def test_ln_structured_conv(n, dim):
    ours, theirs = _both("ln_structured", "Conv2d", (3, 4, 2), amount=0.5, n=n, dim=dim)
    _check_state(ours, theirs)
    same_grads(ours, theirs, RNG.standard_normal((1, 3, 4, 4)))


def test_repeated_pruning_uses_a_container():
    ours, theirs = pair("Linear", 6, 5)
    for lib, m in ((prune, ours), (TP, theirs)):
        lib.l1_unstructured(m, "weight", amount=0.2)
        lib.ln_structured(m, "weight", amount=2, n=2, dim=0)
        lib.l1_unstructured(m, "weight", amount=3)
    _check_state(ours, theirs)
    hooks = list(ours._forward_pre_hooks.values())
    assert len(hooks) == 1 and isinstance(hooks[0], prune.PruningContainer)
    assert [type(h).__name__ for h in hooks[0]] == ["L1Unstructured", "LnStructured",
                                                    "L1Unstructured"]
    same_grads(ours, theirs, RNG.standard_normal((2, 6)))


def test_custom_mask_identity_and_importance_scores():
    mask = (RNG.random((3, 4)) > 0.5).astype(np.float32)
    ours, theirs = _both("identity", "Linear", (4, 3))
    _check_state(ours, theirs)
    prune.custom_from_mask(ours, "weight", mask=tg.tensor(mask))
    TP.custom_from_mask(theirs, "weight", mask=torch.tensor(mask))
    _check_state(ours, theirs)
    scores = RNG.standard_normal((3, 4))
    a, b = _both("l1_unstructured", "Linear", (4, 3), amount=4,
                 importance_scores=None)
    prune.l1_unstructured(a, "bias", amount=1, importance_scores=tg.tensor(scores[0, :3]))
    TP.l1_unstructured(b, "bias", amount=1, importance_scores=torch.tensor(scores[0, :3]))
    assert list(a.state_dict()) == list(b.state_dict())
    close(a.bias_mask, b.bias_mask)


def test_global_unstructured():
    ours = [pair("Linear", 4, 3), pair("Linear", 3, 2)]
    prune.global_unstructured([(o, "weight") for o, _ in ours] + [(ours[0][0], "bias")],
                              pruning_method=prune.L1Unstructured, amount=7)
    TP.global_unstructured([(t, "weight") for _, t in ours] + [(ours[0][1], "bias")],
                           pruning_method=TP.L1Unstructured, amount=7)
    for o, t in ours:
        _check_state(o, t)
    assert sum(int((o.weight_mask.numpy() == 0).sum()) for o, _ in ours) + int(
        (ours[0][0].bias_mask.numpy() == 0).sum()) == 7
    with pytest.raises(TypeError, match="Only \"unstructured\""):
        prune.global_unstructured([(ours[0][0], "weight")],
                                  pruning_method=prune.LnStructured, amount=1, n=2)


def test_random_methods_prune_the_right_count():
    tg.manual_seed(0)
    m = prune.random_unstructured(nn.Linear(5, 4), "weight", amount=0.25)
    assert int((m.weight_mask.numpy() == 0).sum()) == 5
    assert np.array_equal(m.weight.detach().numpy() == 0, m.weight_mask.numpy() == 0)
    c = prune.random_structured(nn.Conv2d(2, 6, 3), "weight", amount=2, dim=0)
    rows = c.weight_mask.numpy().reshape(6, -1)
    assert (rows.sum(1) == 0).sum() == 2 and set(np.unique(rows.sum(1))) == {0, 18}
    prune.random_structured(c, "weight", amount=1, dim=0)  # only the kept channels
    assert (c.weight_mask.numpy().reshape(6, -1).sum(1) == 0).sum() == 3


def test_forward_hook_recomputes_weight():
    m = prune.l1_unstructured(nn.Linear(3, 2), "weight", amount=2)
    with tg.no_grad():
        m.weight_orig.add_(1.0)
    m(tg.zeros(1, 3))
    np.testing.assert_allclose(m.weight.detach().numpy(),
                               m.weight_orig.detach().numpy() * m.weight_mask.numpy())


def test_errors_match_torch():
    for lib, mk in ((prune, nn.Linear), (TP, torch.nn.Linear)):
        with pytest.raises(ValueError, match="should either be a float"):
            lib.l1_unstructured(mk(2, 2), "weight", amount=1.5)
        with pytest.raises(TypeError, match="Invalid type for amount"):
            lib.l1_unstructured(mk(2, 2), "weight", amount="a")
        with pytest.raises(ValueError, match="should be smaller than"):
            lib.l1_unstructured(mk(2, 2), "weight", amount=9)
        with pytest.raises(ValueError, match="Structured pruning can only"):
            lib.ln_structured(mk(2, 2), "bias", amount=1, n=2, dim=0)
        with pytest.raises(IndexError, match="Invalid index"):
            lib.ln_structured(mk(2, 2), "weight", amount=1, n=2, dim=3)
        with pytest.raises(ValueError, match="has to be pruned before"):
            lib.remove(mk(2, 2), "weight")
        m = mk(2, 2)
        with pytest.raises(ValueError):
            lib.l1_unstructured(m, "weight", amount=9)
        assert "weight" in m._parameters and "weight_orig" not in m._parameters


def _every_other(base):
    class EveryOther(base):  # PyTorch's tutorial: a user's method written with tensor ops
        PRUNING_TYPE = "unstructured"

        def compute_mask(self, t, default_mask):
            mask = default_mask.clone()
            mask.view(-1)[::2] = 0
            return mask

    return EveryOther


def test_user_pruning_method_twice_matches_torch():
    ours, theirs = pair("Linear", 3, 10)
    for _ in range(2):  # the second time through a PruningContainer: the kept entries only
        _every_other(prune.BasePruningMethod).apply(ours, "bias")
        _every_other(TP.BasePruningMethod).apply(theirs, "bias")
        close(ours.bias_mask, theirs.bias_mask)
    np.testing.assert_array_equal(ours.bias_mask.numpy(), [0, 0, 0, 1, 0, 0, 0, 1, 0, 0])
    same_grads(ours, theirs, RNG.standard_normal((2, 3)))
    assert prune.is_pruned(nn.Sequential(ours))
