"""ParameterList and ParameterDict against PyTorch: registration and names in parameters()
and state_dict, conversion of plain Tensors, list / dict behaviour, repr, and training."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn import nn

torch = pytest.importorskip("torch")


def _both(shapes_dtypes: list) -> tuple[list, list]:
    ours = [tg.ones(s, dtype=getattr(tg, d)) for s, d in shapes_dtypes]
    theirs = [torch.ones(s, dtype=getattr(torch, d)) for s, d in shapes_dtypes]
    return ours, theirs


def _owner(lib, plist, pdict):  # type: ignore[no-untyped-def]
    class M(lib.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = lib.nn.Linear(2, 2)
            self.ps = plist
            self.pd = pdict

    return M()


def test_names_state_dict_and_repr_match_torch() -> None:
    spec = [((2, 3), "float32"), ((4,), "float32"), ((1,), "float64")]
    ours, theirs = _both(spec)
    pl, plt = nn.ParameterList([nn.Parameter(ours[0]), ours[1], nn.Parameter(ours[2])]), \
        torch.nn.ParameterList([torch.nn.Parameter(theirs[0]), theirs[1],
                                torch.nn.Parameter(theirs[2])])
    pd = nn.ParameterDict({"b": tg.zeros((3, 1)), "a": nn.Parameter(tg.ones(2))})
    pdt = torch.nn.ParameterDict({"b": torch.zeros((3, 1)), "a": torch.nn.Parameter(torch.ones(2))})
    m, mt = _owner(tg, pl, pd), _owner(torch, plt, pdt)
    assert [n for n, _ in m.named_parameters()] == [n for n, _ in mt.named_parameters()]
    assert list(m.state_dict()) == list(mt.state_dict())
    assert repr(m) == repr(mt)
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in pl)
    assert list(pd.keys()) == list(pdt.keys()) == ["a", "b"]  # a plain dict: sorted keys
    # a torch state_dict loads into ours
    sd = {k: v.detach().numpy() * 0 + 7 for k, v in mt.state_dict().items()}
    m.load_state_dict(sd)
    np.testing.assert_array_equal(pd["b"].detach().numpy(), np.full((3, 1), 7.0))


def test_parameter_list_behaves_like_a_list_like_torch() -> None:
    pl, plt = nn.ParameterList(), torch.nn.ParameterList()
    for lib, p in ((tg, pl), (torch, plt)):
        p.append(lib.ones(2))
        p.extend([lib.zeros(3), lib.ones(1)])
        p += [lib.ones(4)]
        p[1] = lib.ones(5)
        p.append("not a tensor")
    assert len(pl) == len(plt) == 5
    assert [tuple(x.shape) for x in list(pl)[:4]] == [tuple(x.shape) for x in list(plt)[:4]]
    assert pl[-1] == "not a tensor" and pl[4] == plt[4]
    assert [tuple(x.shape) for x in pl[1:3]] == [(5,), (1,)] and isinstance(pl[1:3],
                                                                           nn.ParameterList)
    assert repr(pl) == repr(plt)
    with pytest.raises(IndexError):
        pl[5]
    with pytest.raises(IndexError):
        plt[5]
    with pytest.raises(TypeError, match="iterable"):
        pl.extend(tg.ones(2))
    with pytest.raises(RuntimeError, match="should not be called"):
        pl(1)
    assert "0" not in dir(pl)


def test_parameter_dict_behaves_like_a_dict_like_torch() -> None:
    pd = nn.ParameterDict(OrderedDict([("z", tg.ones(1)), ("y", tg.ones(2))]))
    pdt = torch.nn.ParameterDict(OrderedDict([("z", torch.ones(1)), ("y", torch.ones(2))]))
    for lib, d in ((tg, pd), (torch, pdt)):
        d["x"] = lib.zeros(3)
        d.update([("w", lib.ones(4))])
        d.setdefault("v", lib.ones(5))
        assert d.get("missing") is None
        del d["y"]
    assert list(pd) == list(pdt) == ["z", "x", "w", "v"]
    assert "x" in pd and "y" not in pd
    assert repr(pd) == repr(pdt)
    k, v = pd.popitem()
    assert k == "v" and v.shape == (5,)
    assert pd.pop("w").shape == (4,) and list(pd.keys()) == ["z", "x"]
    both = pd | nn.ParameterDict({"q": tg.ones(1)})
    assert list(both) == ["z", "x", "q"] and list(pd) == ["z", "x"]
    c = pd.copy()
    assert c["z"] is pd["z"]
    pd.clear()
    assert len(pd) == 0 and list(pd.parameters()) == []
    with pytest.raises(TypeError, match="not a string"):
        pd[1] = tg.ones(1)
    with pytest.raises(KeyError):
        pd["nothing"]
    with pytest.raises(RuntimeError, match="should not be called"):
        pd()


def test_parameters_in_the_containers_train() -> None:
    class M(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.ws = nn.ParameterList([nn.Parameter(tg.ones((2, 2))) for _ in range(2)])
            self.bs = nn.ParameterDict({"b": nn.Parameter(tg.zeros(2))})

        def forward(self, x):  # type: ignore[no-untyped-def]
            for w in self.ws:
                x = x @ w
            return x + self.bs["b"]

    m = M()
    opt = tg.optim.SGD(m.parameters(), lr=0.1)
    assert len(opt.param_groups[0]["params"]) == 3
    m(tg.ones((1, 2))).sum().backward()
    opt.step()
    assert not np.allclose(m.ws[0].detach().numpy(), 1.0)
    np.testing.assert_allclose(m.bs["b"].detach().numpy(), [-0.1, -0.1])
