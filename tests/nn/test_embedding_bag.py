"""F.embedding / F.embedding_bag and nn.Embedding / nn.EmbeddingBag against PyTorch: values,
gradients, modes, offsets, include_last_offset, per_sample_weights, padding_idx, max_norm,
scale_grad_by_freq, node names, repr, from_pretrained and errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import nn

torch = pytest.importorskip("torch")
TF = torch.nn.functional

RNG = np.random.default_rng(0)
W = RNG.standard_normal((6, 3))
IDX = np.array([1, 2, 4, 5, 4, 3, 2, 0])
OFF = np.array([0, 2, 2, 5])

BAGS = [
    (IDX, OFF, {}), (IDX, OFF, {"padding_idx": 2}), (IDX, OFF, {"padding_idx": -1}),
    (IDX, OFF, {"include_last_offset": True}), (IDX, np.array([0, 2, 2, 5, 8]),
                                                {"include_last_offset": True}),
    (IDX.reshape(2, 4), None, {}), (IDX.reshape(4, 2), None, {"padding_idx": 4}),
    (IDX, np.array([0]), {}), (IDX, np.array([0, 8]), {}),  # one bag; an empty last bag
    (np.array([3, 3, 3]), np.array([0, 1, 3]), {"padding_idx": 3}),  # bags of padding only
    (IDX.astype(np.int32), OFF.astype(np.int32), {}),
]


def _run(lib: Any, f: Any, idx: Any, off: Any, w: np.ndarray, psw: Any = None,
         **kw: Any) -> tuple[Any, Any, Any]:
    wt = lib.tensor(w, requires_grad=True)
    pt = None if psw is None else lib.tensor(psw, requires_grad=True)
    y = f.embedding_bag(lib.tensor(idx), wt, None if off is None else lib.tensor(off),
                        per_sample_weights=pt, **kw)
    g = np.random.default_rng(5).standard_normal(tuple(y.shape))
    (y * lib.tensor(g)).sum().backward()
    return y, wt.grad, None if pt is None else pt.grad


def _same(a: Any, b: Any) -> None:
    np.testing.assert_allclose(np.asarray(a.detach().numpy()), b.detach().numpy(), rtol=1e-12,
                               atol=1e-14)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize(("idx", "off", "kw"), BAGS, ids=[f"{k}-{i.shape}" for i, _, k in BAGS])
def test_embedding_bag_matches_pytorch(mode: str, idx: np.ndarray, off: Any,
                                       kw: dict[str, Any]) -> None:
    ours = _run(tg, F, idx, off, W, mode=mode, **kw)
    theirs = _run(torch, TF, idx, off, W, mode=mode, **kw)
    assert ours[0].grad_fn.name() == theirs[0].grad_fn.name() == "EmbeddingBagBackward0"
    _same(ours[0], theirs[0])
    _same(ours[1], theirs[1])


@pytest.mark.parametrize(("idx", "off", "kw"), BAGS[:7], ids=[str(k) for _, _, k in BAGS[:7]])
def test_per_sample_weights_match_pytorch(idx: np.ndarray, off: Any, kw: dict[str, Any]) -> None:
    psw = RNG.random(idx.shape)
    ours = _run(tg, F, idx, off, W, psw, mode="sum", **kw)
    theirs = _run(torch, TF, idx, off, W, psw, mode="sum", **kw)
    for a, b in zip(ours, theirs):
        _same(a, b)


def test_max_mode_ties_and_nans_follow_pytorchs_kernel() -> None:
    # ties: the first row; a NaN: only when it is the bag's first value
    w = np.array([[1.0, 2.0, np.nan], [1.0, 3.0, 0.0], [0.0, 3.0, np.nan], [np.nan, 1.0, 2.0]])
    for idx in ([0, 1, 2], [1, 3, 0], [3, 2, 1, 0]):
        ours = _run(tg, F, np.array(idx), np.array([0]), w, mode="max")
        theirs = _run(torch, TF, np.array(idx), np.array([0]), w, mode="max")
        np.testing.assert_array_equal(ours[0].detach().numpy(), theirs[0].detach().numpy())
        np.testing.assert_array_equal(ours[1].numpy(), theirs[1].numpy())


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("norm_type", [2.0, 1.0])
def test_max_norm_rescales_the_used_rows_in_place(mode: str, norm_type: float) -> None:
    w = 3 * RNG.standard_normal((6, 3))
    wo, wt = tg.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    yo = F.embedding_bag(tg.tensor(IDX[:5]), wo, tg.tensor(OFF), max_norm=1.5,
                         norm_type=norm_type, mode=mode)
    yt = TF.embedding_bag(torch.tensor(IDX[:5]), wt, torch.tensor(OFF), max_norm=1.5,
                          norm_type=norm_type, mode=mode)
    _same(yo, yt)
    _same(wo, wt)  # the weight itself was changed, the rows not looked up were not
    eo = F.embedding(tg.tensor(IDX[:3]), wo.detach().clone(), max_norm=0.5, norm_type=norm_type)
    et = TF.embedding(torch.tensor(IDX[:3]), wt.detach().clone(), max_norm=0.5,
                      norm_type=norm_type)
    _same(eo, et)


def test_embedding_node_name_padding_and_second_derivative_match_pytorch() -> None:
    idx = np.array([[0, 2, 2], [4, 2, 1]])
    for kw in ({}, {"padding_idx": 2}, {"padding_idx": -2}):
        wo, wt = tg.tensor(W, requires_grad=True), torch.tensor(W, requires_grad=True)
        yo, yt = F.embedding(tg.tensor(idx), wo, **kw), TF.embedding(torch.tensor(idx), wt, **kw)
        assert yo.grad_fn.name() == yt.grad_fn.name() == "EmbeddingBackward0"
        (go,) = tg.autograd.grad((yo ** 3).sum(), wo, create_graph=True)
        (gt,) = torch.autograd.grad((yt ** 3).sum(), wt, create_graph=True)
        _same(go, gt)
        (ho,) = tg.autograd.grad((go * tg.tensor(W)).sum(), wo)
        (ht,) = torch.autograd.grad((gt * torch.tensor(W)).sum(), wt)
        _same(ho, ht)


def test_embedding_scale_grad_by_freq_matches_pytorch() -> None:
    idx = np.array([[0, 2, 2], [4, 2, 1]])
    for kw in ({}, {"padding_idx": 1}):
        wo, wt = tg.tensor(W, requires_grad=True), torch.tensor(W, requires_grad=True)
        g = RNG.standard_normal((2, 3, 3))
        (F.embedding(tg.tensor(idx), wo, scale_grad_by_freq=True, **kw) * tg.tensor(g)).sum() \
            .backward()
        (TF.embedding(torch.tensor(idx), wt, scale_grad_by_freq=True, **kw)
         * torch.tensor(g)).sum().backward()
        _same(wo.grad, wt.grad)


def test_embedding_bag_scale_grad_by_freq_divides_by_the_index_count() -> None:
    # PyTorch's CPU kernel reads its counts at the wrong places (index 4 of [0, 1, 2, 2, 3, 4,
    # 4, 5] is scaled by 1, index 3 by 1/2), so the reference is embedding's rule, which
    # PyTorch's F.embedding follows: each row's gradient / how often the index occurs
    idx = np.sort(IDX)
    for mode in ("sum", "mean"):
        wo = tg.tensor(W, requires_grad=True)
        F.embedding_bag(tg.tensor(idx), wo, tg.tensor(OFF), scale_grad_by_freq=True,
                        mode=mode).sum().backward()
        we = torch.tensor(W, requires_grad=True)
        rows = TF.embedding(torch.tensor(idx), we, scale_grad_by_freq=True)
        bags = np.searchsorted(OFF[1:], np.arange(len(idx)), side="right")
        count = np.bincount(bags, minlength=len(OFF))
        scale = torch.tensor(1.0 / count[bags] if mode == "mean" else np.ones(len(idx)))
        (rows * scale[:, None]).sum().backward()
        _same(wo.grad, we.grad)


def test_modules_match_pytorch() -> None:
    for kw in ({}, {"mode": "sum", "padding_idx": -1, "max_norm": 1.0, "norm_type": 1.0,
                    "scale_grad_by_freq": True, "include_last_offset": True}):
        tg.manual_seed(0)
        ours, theirs = nn.EmbeddingBag(6, 3, **kw), torch.nn.EmbeddingBag(6, 3, **kw)
        assert repr(ours) == repr(theirs)
        assert ours.mode == theirs.mode and ours.padding_idx == theirs.padding_idx
        w = ours.weight.detach().numpy()
        if "padding_idx" in kw:
            assert not w[5].any()
        assert abs(w.std() - 1) < 1
        with torch.no_grad():
            theirs.weight.copy_(torch.tensor(w))
        off = np.array([0, 2, 5, 8]) if kw else OFF
        np.testing.assert_allclose(ours(tg.tensor(IDX), tg.tensor(off)).detach().numpy(),
                                   theirs(torch.tensor(IDX), torch.tensor(off)).detach().numpy(),
                                   rtol=1e-6)
    ours = nn.Embedding(6, 3, padding_idx=-1, max_norm=1.0, norm_type=1.0,
                        scale_grad_by_freq=True, sparse=True)
    assert repr(ours) == repr(torch.nn.Embedding(6, 3, padding_idx=-1, max_norm=1.0,
                                                 norm_type=1.0, scale_grad_by_freq=True,
                                                 sparse=True))


def test_from_pretrained_copies_and_freezes() -> None:
    table = np.arange(12.0).reshape(4, 3)
    bag = nn.EmbeddingBag.from_pretrained(table, mode="max")
    assert not bag.weight.requires_grad and repr(bag) == "EmbeddingBag(4, 3, mode='max')"
    np.testing.assert_array_equal(bag(tg.tensor([[0, 3], [1, 2]])).numpy(), table[[3, 2]])
    table[0] = 99  # a copy
    assert bag.weight.numpy()[0, 0] == 0
    assert nn.EmbeddingBag.from_pretrained(table, freeze=False).weight.requires_grad
    emb = nn.Embedding.from_pretrained(table, max_norm=1.0)
    assert emb.max_norm == 1.0


def _error(f: Any, *args: Any, **kw: Any) -> type[BaseException]:
    with pytest.raises(Exception) as info:
        f(*args, **kw)
    return info.type


ERRORS: list[tuple[Any, Any, Any, dict[str, Any]]] = [
    (IDX, [1, 2], W, {}), (IDX, [0, 9], W, {}), (IDX, None, W, {}),
    (IDX.reshape(2, 4), OFF, W, {}), (IDX.reshape(2, 2, 2), None, W, {}),
    (IDX, OFF, W, {"mode": "foo"}), (IDX, OFF, W, {"mode": "mean", "psw": np.ones(8)}),
    (IDX, OFF, W, {"mode": "sum", "psw": np.ones(7)}),
    (IDX, OFF, W, {"mode": "sum", "psw": np.ones(8, np.float32)}),
    (IDX + 5, OFF, W, {}), (IDX - 1, OFF, W, {}), (IDX.astype(np.float64), OFF, W, {}),
    (IDX, OFF.astype(np.float64), W, {}), (IDX, OFF.reshape(2, 2), W, {}),
    (IDX, OFF, W[0], {}), (IDX, OFF, W, {"padding_idx": 6}), (IDX, OFF, W, {"padding_idx": -7}),
    (IDX, OFF, W, {"mode": "max", "scale_grad_by_freq": True}),
    (IDX, OFF, W.astype(np.int64), {}),
]


@pytest.mark.parametrize(("idx", "off", "w", "kw"), ERRORS,
                         ids=[str(i) for i in range(len(ERRORS))])
def test_embedding_bag_errors_have_pytorchs_types(idx: Any, off: Any, w: Any,
                                                  kw: dict[str, Any]) -> None:
    kw = dict(kw)
    psw = kw.pop("psw", None)

    def call(lib: Any, f: Any) -> Any:
        return f.embedding_bag(lib.tensor(idx), lib.tensor(w),
                               None if off is None else lib.tensor(np.asarray(off)),
                               per_sample_weights=None if psw is None else lib.tensor(psw), **kw)

    assert _error(call, tg, F) is _error(call, torch, TF)


def test_module_errors_have_pytorchs_types() -> None:
    for cls in ("Embedding", "EmbeddingBag"):
        for args, kw in (((5, 3), {"padding_idx": 5}), ((5, 3), {"_weight": np.zeros((4, 3))})):
            assert _error(getattr(nn, cls), *args, **kw) is AssertionError
            with pytest.raises(AssertionError):
                getattr(torch.nn, cls)(*args, **{k: torch.tensor(v) if k == "_weight" else v
                                                  for k, v in kw.items()})
        assert _error(getattr(nn, cls).from_pretrained, np.zeros(4)) is AssertionError
