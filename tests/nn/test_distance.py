"""Distances (F.pairwise_distance, F.pdist, CosineSimilarity, PairwiseDistance) and the
bilinear map (F.bilinear, nn.Bilinear) against PyTorch: values, gradients, second
derivatives, dtypes, errors, parameters, initialisation and repr."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import nn

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _pair(a: np.ndarray) -> tuple[tg.Tensor, torch.Tensor]:
    return tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _check_grads(y, yt, xs, xts, second: bool = True) -> None:  # type: ignore[no-untyped-def]
    np.testing.assert_allclose(y.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    w = np.random.default_rng(0).normal(size=y.shape)
    gs = tg.grad((y * tg.tensor(w)).sum(), xs, create_graph=second)
    gts = torch.autograd.grad((yt * torch.tensor(w)).sum(), xts, create_graph=second)
    for g, gt in zip(gs, gts):
        np.testing.assert_allclose(g.detach().numpy(), gt.detach().numpy(), rtol=1e-9,
                                   atol=1e-12)
    if second:
        s = sum((g * g).sum() for g in gs) + sum((x * 0).sum() for x in xs)  # always a graph
        st = sum((g * g).sum() for g in gts)
        ggs = tg.grad(s, xs, allow_unused=True)
        ggts = torch.autograd.grad(st, xts, allow_unused=True) if st.requires_grad else [
            None] * len(xts)
        for x, g, gt in zip(xs, ggs, ggts):
            want = np.zeros(x.shape) if gt is None else gt.numpy(force=True)  # ZeroTensor
            got = np.zeros(x.shape) if g is None else g.numpy()
            np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, float("inf")])
@pytest.mark.parametrize("shapes", [((4, 3), (4, 3)), ((3,), (3,)), ((2, 4, 3), (4, 3)),
                                    ((1, 3), (5, 3))])
@pytest.mark.parametrize("keepdim", [False, True])
def test_pairwise_distance_matches_torch(p: float, shapes: tuple, keepdim: bool) -> None:
    rng = np.random.default_rng(1)
    (a, at), (b, bt) = _pair(rng.normal(size=shapes[0])), _pair(rng.normal(size=shapes[1]))
    y, yt = F.pairwise_distance(a, b, p, keepdim=keepdim), TF.pairwise_distance(
        at, bt, p, keepdim=keepdim)
    assert y.shape == tuple(yt.shape)
    _check_grads(y, yt, [a, b], [at, bt], second=p != float("inf"))
    m, mt = nn.PairwiseDistance(p, keepdim=keepdim), torch.nn.PairwiseDistance(p, keepdim=keepdim)
    assert repr(m) == repr(mt)
    np.testing.assert_allclose(m(a, b).detach().numpy(), mt(at, bt).detach().numpy(), rtol=1e-12)


def test_pairwise_distance_of_equal_inputs_and_0d() -> None:
    a, at = _pair(np.ones((2, 3)))
    _check_grads(F.pairwise_distance(a, a * 1), TF.pairwise_distance(at, at * 1), [a], [at])
    y = F.pairwise_distance(tg.tensor(1.0), tg.tensor(0.0))
    assert y.shape == () and y.item() == pytest.approx(
        TF.pairwise_distance(torch.tensor(1.0), torch.tensor(0.0)).item())


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, 0.5])
def test_pdist_matches_torch(p: float) -> None:
    rng = np.random.default_rng(2)
    xa = rng.normal(size=(5, 3))
    xa[3] = xa[1]  # one pair of equal rows: distance 0, gradient 0
    x, xt = _pair(xa)
    y, yt = F.pdist(x, p), TF.pdist(xt, p)
    assert y.shape == tuple(yt.shape) == (10,)
    _check_grads(y, yt, [x], [xt], second=False)  # PyTorch's pdist has no double backward
    assert np.isfinite(tg.grad(F.pdist(x, p).sum(), x)[0].numpy()).all()


def test_pdist_float32_small_and_errors_like_torch() -> None:
    y = F.pdist(tg.ones((3, 2), dtype=tg.float32))
    assert y.dtype == tg.float32 and y.shape == (3,)
    assert F.pdist(tg.ones((1, 2))).shape == tuple(TF.pdist(torch.ones(1, 2)).shape) == (0,)
    for call in (lambda L, t: L.pdist(t((3, 2, 2))), lambda L, t: L.pdist(t((3, 2)), -1.0)):
        with pytest.raises(RuntimeError) as theirs:
            call(TF, torch.ones)
        with pytest.raises(RuntimeError, match=str(theirs.value)[:20]):
            call(F, tg.ones)


def test_cosine_similarity_module_matches_torch() -> None:
    rng = np.random.default_rng(3)
    (a, at), (b, bt) = _pair(rng.normal(size=(4, 5))), _pair(rng.normal(size=(4, 5)))
    for args in [(), (0,), (1, 1e-3)]:
        m, mt = nn.CosineSimilarity(*args), torch.nn.CosineSimilarity(*args)
        assert repr(m) == repr(mt)
        _check_grads(m(a, b), mt(at, bt), [a, b], [at, bt])


@pytest.mark.parametrize("lead", [(), (3,), (2, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_bilinear_matches_torch(lead: tuple, bias: bool) -> None:
    rng = np.random.default_rng(len(lead))
    (x1, x1t), (x2, x2t) = _pair(rng.normal(size=lead + (2,))), _pair(rng.normal(size=lead + (3,)))
    (w, wt), (b, bt) = _pair(rng.normal(size=(4, 2, 3))), _pair(rng.normal(size=(4,)))
    y = F.bilinear(x1, x2, w, b if bias else None)
    yt = TF.bilinear(x1t, x2t, wt, bt if bias else None)
    assert y.shape == tuple(yt.shape)
    ins, ins_t = [x1, x2, w] + ([b] if bias else []), [x1t, x2t, wt] + ([bt] if bias else [])
    _check_grads(y, yt, ins, ins_t)


def test_bilinear_layer_parameters_init_repr_and_state_dict_match_torch() -> None:
    m, mt = nn.Bilinear(2, 3, 4), torch.nn.Bilinear(2, 3, 4)
    assert repr(m) == repr(mt) and repr(nn.Bilinear(2, 3, 4, bias=False)) == repr(
        torch.nn.Bilinear(2, 3, 4, bias=False))
    assert list(m.state_dict()) == list(mt.state_dict()) == ["weight", "bias"]
    assert m.weight.shape == tuple(mt.weight.shape) and m.bias.shape == tuple(mt.bias.shape)
    assert m.weight.dtype == tg.float32
    # U(-1/sqrt(in1), 1/sqrt(in1)) for both
    big = nn.Bilinear(16, 3, 200)
    bound = 1 / np.sqrt(16)
    for p in (big.weight.detach().numpy(), big.bias.detach().numpy()):
        assert -bound <= p.min() and p.max() <= bound and p.max() - p.min() > bound
    m.load_state_dict({k: v.numpy() for k, v in mt.state_dict().items()})
    rng = np.random.default_rng(4)
    a, b = rng.normal(size=(5, 2)).astype(np.float32), rng.normal(size=(5, 3)).astype(np.float32)
    y = m(tg.tensor(a), tg.tensor(b))
    assert y.dtype == tg.float32
    np.testing.assert_allclose(y.detach().numpy(),
                               mt(torch.tensor(a), torch.tensor(b)).detach().numpy(), rtol=1e-5)
    assert nn.Bilinear(2, 3, 4, dtype=tg.float64).weight.dtype == tg.float64
    with pytest.raises(ValueError, match="in1_features must be > 0"):
        nn.Bilinear(0, 3, 4)


@pytest.mark.parametrize("s1,s2,ws,bs", [
    ((5, 2), (6, 3), (4, 2, 3), None), ((5, 2), (3,), (4, 2, 3), None),
    ((5, 3), (5, 3), (4, 2, 3), None), ((5, 2), (5, 4), (4, 2, 3), None),
    ((5, 2), (5, 3), (4, 2, 3), (5,)),
])
def test_bilinear_errors_match_torch(s1, s2, ws, bs) -> None:  # type: ignore[no-untyped-def]
    def call(L, ones):  # type: ignore[no-untyped-def]
        return L.bilinear(ones(s1), ones(s2), ones(ws), None if bs is None else ones(bs))

    with pytest.raises(RuntimeError) as theirs:
        call(TF, torch.ones)
    with pytest.raises(RuntimeError) as ours:
        call(F, tg.ones)
    assert str(ours.value).split(":")[:2] == str(theirs.value).split(":")[:2]
