"""The module system: registration, names, state_dict, modes, traversal, containers."""

from __future__ import annotations

import copy
import sys
import weakref
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn import nn
from tinygrad_nn.function import scope_levels
from tinygrad_nn.grad_mode import _mode


class Block(nn.Module):
    def __init__(self, n: int = 3) -> None:
        super().__init__()
        self.fc = nn.Linear(n, n)
        self.bn = nn.BatchNorm1d(n)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.bn(self.fc(x)))


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), Block())
        self.heads = nn.ModuleList([nn.Linear(3, 2), nn.Linear(3, 2)])
        self.scale = nn.Parameter(np.ones(1, dtype=np.float32))
        self.register_buffer("steps", tg.zeros(1))

    def forward(self, x):
        h = self.features(x)
        return sum(head(h) for head in self.heads) * self.scale


def _torch_net(torch):
    tnn = torch.nn

    class TBlock(tnn.Module):
        def __init__(self, n=3):
            super().__init__()
            self.fc, self.bn, self.act = tnn.Linear(n, n), tnn.BatchNorm1d(n), tnn.ReLU()

    class TNet(tnn.Module):
        def __init__(self):
            super().__init__()
            self.features = tnn.Sequential(tnn.Linear(4, 3), tnn.Tanh(), TBlock())
            self.heads = tnn.ModuleList([tnn.Linear(3, 2), tnn.Linear(3, 2)])
            self.scale = tnn.Parameter(torch.ones(1))
            self.register_buffer("steps", torch.zeros(1))

    return TNet()


# -- registration -----------------------------------------------------------------------
def test_attribute_assignment_registers_parameters_modules_and_buffers():
    net = Net()
    assert list(net._parameters) == ["scale"]
    assert list(net._modules) == ["features", "heads"]
    assert list(net._buffers) == ["steps"]
    assert "scale" not in net.__dict__ and net.scale is net._parameters["scale"]
    net.extra = nn.Linear(1, 1)  # registration after __init__ works too
    assert list(net._modules) == ["features", "heads", "extra"]
    net.extra = None
    assert net._modules["extra"] is None and net.extra is None
    del net.extra
    assert "extra" not in net._modules
    with pytest.raises(AttributeError):
        _ = net.extra


def test_wrong_assignments_raise_clear_errors():
    net = Net()
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'scale'"):
        net.scale = tg.ones(1)
    with pytest.raises(TypeError, match="child module 'features'"):
        net.features = 3
    with pytest.raises(TypeError, match="buffer 'steps'"):
        net.steps = np.zeros(1)
    net.steps = tg.ones(1)  # a Tensor may replace a buffer
    assert net._buffers["steps"].numpy()[0] == 1

    class Forgot(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        Forgot()


def test_register_methods_and_persistence():
    m = nn.Module()
    m.register_parameter("w", nn.Parameter(np.zeros(2, np.float32)))
    m.register_parameter("b", None)
    m.register_buffer("seen", tg.zeros(2), persistent=False)
    m.register_buffer("kept", tg.ones(2))
    m.add_module("child", nn.Identity())
    assert [n for n, _ in m.named_parameters()] == ["w"]
    assert [n for n, _ in m.named_buffers()] == ["seen", "kept"]
    assert list(m.state_dict()) == ["w", "kept"]
    with pytest.raises(TypeError, match="Parameter or None"):
        m.register_parameter("x", tg.zeros(1))
    with pytest.raises(KeyError, match="'.'"):
        m.add_module("a.b", nn.Identity())
    with pytest.raises(NotImplementedError, match="forward"):
        m(1)


def test_parameter_basics():
    p = nn.Parameter(np.zeros((2, 3)))
    assert p.requires_grad and p.is_leaf and p.dtype == np.float64  # keeps the float dtype
    assert nn.Parameter([1.0, 2.0]).dtype == tg.get_default_dtype()
    assert not nn.Parameter(np.zeros(2), requires_grad=False).requires_grad
    t = tg.ones(3)
    assert nn.Parameter(t).detach().numpy() is t.detach().numpy()  # shares the array
    assert repr(p).startswith("Parameter containing:\ntensor(")
    with pytest.raises(TypeError, match="floating"):
        nn.Parameter(np.array([1, 2]))
    y = (p * 2).sum()
    y.backward()
    assert np.array_equal(p.grad.numpy(), np.full((2, 3), 2.0))


# -- names and traversal ----------------------------------------------------------------
def test_names_match_torch_for_an_equivalent_model():
    torch = pytest.importorskip("torch")
    net, tnet = Net(), _torch_net(torch)
    assert [n for n, _ in net.named_parameters()] == [n for n, _ in tnet.named_parameters()]
    assert [n for n, _ in net.named_buffers()] == [n for n, _ in tnet.named_buffers()]
    assert [n for n, _ in net.named_modules()] == [n for n, _ in tnet.named_modules()]
    assert [n for n, _ in net.named_children()] == [n for n, _ in tnet.named_children()]
    assert list(net.state_dict()) == list(tnet.state_dict())
    assert [n for n, _ in net.features.named_parameters(prefix="f", recurse=True)] == [
        n for n, _ in tnet.features.named_parameters(prefix="f")]
    assert [n for n, _ in net.named_parameters(recurse=False)] == ["scale"]


def test_shared_parameters_are_listed_once_but_saved_under_every_name():
    torch = pytest.importorskip("torch")
    shared = nn.Linear(2, 2)
    net = nn.Sequential(shared, nn.ReLU(), shared)
    tshared = torch.nn.Linear(2, 2)
    tnet = torch.nn.Sequential(tshared, torch.nn.ReLU(), tshared)
    assert [n for n, _ in net.named_parameters()] == [n for n, _ in tnet.named_parameters()]
    assert len(list(net.parameters())) == 2
    assert list(net.state_dict()) == list(tnet.state_dict())
    assert [n for n, _ in net.named_modules()] == [n for n, _ in tnet.named_modules()]


def test_deep_nesting_walks_without_recursion():
    depth = 5000
    root = nn.Sequential(nn.Linear(1, 1))
    for _ in range(depth - 1):
        root = nn.Sequential(root)
    names = [n for n, _ in root.named_modules()]
    assert len(names) == depth + 1
    assert names[-1] == ".".join(["0"] * depth)
    assert len(list(root.parameters())) == 2
    assert list(root.state_dict())[0] == ".".join(["0"] * depth) + ".weight"
    root.eval()
    assert not any(m.training for m in root.modules())
    order = []
    root.apply(lambda m: order.append(m))
    assert order[-1] is root and isinstance(order[0], nn.Linear)
    root.zero_grad()
    sd = root.state_dict()
    root.load_state_dict(sd)
    text = repr(root)  # quadratic in text size only, so a smaller check of the exact form
    assert text.count("\n") == 2 * depth and sys.getrecursionlimit() < depth


# -- state_dict -------------------------------------------------------------------------
def test_state_dict_is_detached_views_in_order_and_round_trips():
    tg.manual_seed(0)
    net = Net()
    sd = net.state_dict()
    assert isinstance(sd, OrderedDict)
    assert all(isinstance(v, tg.Tensor) and not v.requires_grad for v in sd.values())
    assert sd["features.2.bn.num_batches_tracked"].dtype == np.int64
    assert sd["features.2.bn.num_batches_tracked"].shape == ()
    assert np.shares_memory(sd["scale"].detach().numpy(),
                            net.scale.detach().numpy())  # PyTorch: detached views
    sd["scale"].numpy()[...] = 7
    assert net.scale.detach().numpy()[0] == 7
    net.scale.detach().numpy()[...] = 1
    other = Net()
    result = other.load_state_dict(net.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    x = tg.randn(5, 4)
    net.eval(), other.eval()
    np.testing.assert_array_equal(net(x).detach().numpy(), other(x).detach().numpy())
    for (_, a), (_, b) in zip(net.named_parameters(), other.named_parameters()):
        assert a.detach().numpy() is not b.detach().numpy()
    kept = net.state_dict(keep_vars=True)
    assert kept["scale"] is net.scale
    assert list(net.state_dict(prefix="model."))[0] == "model.scale"  # torch's convention


def test_load_accepts_tensors_and_array_likes_and_casts_in_place():
    net = Net()
    before = net.features[0].weight
    arrays = {k: np.full(v.shape, 0.5, dtype=np.float64 if v.dtype.kind == "f" else v.dtype)
              for k, v in net.state_dict().items()}

    class ArrayLike:
        def __init__(self, a):
            self.a = a

        def numpy(self):
            return self.a

    mixed = {k: (tg.tensor(v) if i % 3 == 0 else ArrayLike(v) if i % 3 == 1 else v)
             for i, (k, v) in enumerate(arrays.items())}
    net.load_state_dict(mixed)
    assert net.features[0].weight is before  # copied in place, not replaced
    assert before.dtype == np.float32 and np.all(before.detach().numpy() == 0.5)
    assert before.requires_grad


def test_load_lists_every_problem_in_one_error_and_copies_nothing():
    net = nn.Sequential(OrderedDict(fc=nn.Linear(4, 3), out=nn.Linear(3, 2)))
    sd = net.state_dict()
    bad = dict(sd)
    bad["fc.weight"] = np.zeros((4, 3), np.float32)
    del bad["out.bias"]
    bad["extra.weight"] = np.zeros(1)
    before = net.fc.weight.detach().numpy().copy()
    with pytest.raises(RuntimeError) as err:
        net.load_state_dict(bad)
    msg = str(err.value)
    assert "Error(s) in loading state_dict for Sequential" in msg
    assert 'Missing key(s) in state_dict: "out.bias"' in msg
    assert 'Unexpected key(s) in state_dict: "extra.weight"' in msg
    assert "size mismatch for fc.weight" in msg and "(4, 3)" in msg and "(3, 4)" in msg
    np.testing.assert_array_equal(net.fc.weight.detach().numpy(), before)
    # strict=False reports missing / unexpected keys, but a shape mismatch still raises
    with pytest.raises(RuntimeError, match="size mismatch for fc.weight"):
        net.load_state_dict(bad, strict=False)
    bad["fc.weight"] = sd["fc.weight"] + 1
    expected = bad["fc.weight"].numpy().copy()  # sd's values are views of the parameters
    missing, unexpected = net.load_state_dict(bad, strict=False)
    assert missing == ["out.bias"] and unexpected == ["extra.weight"]
    np.testing.assert_array_equal(net.fc.weight.detach().numpy(), expected)


def test_load_state_dict_from_another_architecture_lists_everything():
    a = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    b = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    with pytest.raises(RuntimeError) as err:
        b.load_state_dict(a.state_dict())
    msg = str(err.value)
    for key in ("1.weight", "1.bias", "1.running_mean", "1.running_var", "2.weight", "2.bias"):
        assert f'"{key}"' in msg
    # as in PyTorch: the checkpoint's module "1" (a ReLU) has version 1, so BatchNorm (version
    # 2) treats it as older than num_batches_tracked and keeps its own count
    assert "num_batches_tracked" not in msg


# -- modes, bulk operations -------------------------------------------------------------
def test_train_eval_propagate_and_respect_overrides():
    calls = []

    class Custom(nn.Module):
        def train(self, mode=True):
            calls.append(mode)
            return super().train(mode)

    net = nn.Sequential(nn.Dropout(), nn.Sequential(Custom(), nn.BatchNorm1d(2)))
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules()) and calls == [False, True]
    with pytest.raises(ValueError, match="bool"):
        net.train("no")


def test_apply_visits_children_first_like_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = [], []
    Net().apply(lambda m: ours.append(type(m).__name__))
    _torch_net(torch).apply(lambda m: theirs.append(type(m).__name__))
    assert ours == [{"TNet": "Net", "TBlock": "Block"}.get(n, n) for n in theirs]


def test_zero_grad_and_requires_grad():
    net = Net()
    net(tg.randn(4, 4)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_to_casts_floating_parameters_and_buffers_in_place():
    net = Net()
    w = net.features[0].weight
    assert net.double() is net
    assert w.dtype == np.float64 and net.steps.dtype == np.float64
    assert net.features[2].bn.num_batches_tracked.dtype == np.int64
    out = net(tg.randn(3, 4, dtype=np.float64))
    assert out.dtype == np.float64
    net.to("cpu").to(tg.float32)
    assert w.dtype == np.float32 and net.features[0].weight is w
    net.to(dtype="float64")
    assert w.dtype == np.float64
    with pytest.raises(RuntimeError, match="CPU only"):
        net.to("cuda")


def test_call_sets_the_drawing_scope_and_restores_it():
    inner = nn.Linear(2, 2)
    outer = nn.Sequential(inner)
    seen = []
    inner.register_forward_hook(lambda m, args, out: seen.append(_mode.scope))
    y = outer(tg.randn(1, 2))
    assert [scope_levels(s) for s in seen] == [(outer, inner)]
    assert all(type(level) is weakref.ref for level in seen[0])  # a node keeps no module alive
    assert y.grad_fn.metadata["scope"] == (outer, inner)
    assert _mode.scope is None

    class Boom(nn.Module):
        def forward(self, x):
            raise ValueError("boom")

    with pytest.raises(ValueError):
        nn.Sequential(Boom())(1)
    assert _mode.scope is None


def test_forward_hooks_can_replace_and_be_removed():
    m = nn.Identity()
    h1 = m.register_forward_pre_hook(lambda mod, args: (args[0] + 1,))
    h2 = m.register_forward_hook(lambda mod, args, out: out * 10)
    assert m(1) == 20
    h1.remove()
    h2.remove()
    assert m(1) == 1


def test_repr_matches_torch():
    torch = pytest.importorskip("torch")
    tnn = torch.nn
    ours = nn.Sequential(
        nn.Linear(4, 8, bias=False), nn.BatchNorm1d(8, momentum=None), nn.LeakyReLU(0.2),
        nn.Dropout(0.1), nn.ModuleList([nn.Linear(8, 8) for _ in range(3)] + [nn.Tanh()]),
        nn.ModuleDict({"a": nn.ELU(), "b": nn.GELU()}), nn.LayerNorm(8), nn.Embedding(5, 2),
        nn.Flatten(), nn.Softmax(dim=1), nn.Identity(), nn.Sequential())
    theirs = tnn.Sequential(
        tnn.Linear(4, 8, bias=False), tnn.BatchNorm1d(8, momentum=None), tnn.LeakyReLU(0.2),
        tnn.Dropout(0.1), tnn.ModuleList([tnn.Linear(8, 8) for _ in range(3)] + [tnn.Tanh()]),
        tnn.ModuleDict({"a": tnn.ELU(), "b": tnn.GELU()}), tnn.LayerNorm(8), tnn.Embedding(5, 2),
        tnn.Flatten(), tnn.Softmax(dim=1), tnn.Identity(), tnn.Sequential())
    assert repr(ours) == repr(theirs)
    assert repr(Net()) == repr(_torch_net(torch)).replace("TNet", "Net").replace("TBlock", "Block")


def test_deepcopy_gives_an_independent_model():
    net = Net()
    twin = copy.deepcopy(net)
    twin.features[0].weight.detach().numpy()[...] = 0
    assert net.features[0].weight.detach().numpy().any()
    assert [n for n, _ in twin.named_parameters()] == [n for n, _ in net.named_parameters()]


# -- containers -------------------------------------------------------------------------
def test_sequential_indexing_slicing_and_editing():
    a, b, c = nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1)
    s = nn.Sequential(a, b, c)
    assert len(s) == 3 and s[0] is a and s[-1] is c and list(s) == [a, b, c]
    head = s[:2]
    assert isinstance(head, nn.Sequential) and list(head) == [a, b]
    x = tg.randn(3, 2)
    np.testing.assert_allclose(s(x).detach().numpy(), c(b(a(x))).detach().numpy())
    with pytest.raises(IndexError, match="out of range"):
        s[3]
    del s[1]
    assert list(s._modules) == ["0", "1"] and s[1] is c
    s.append(nn.Sigmoid())
    s.insert(1, b)
    assert [type(m).__name__ for m in s] == ["Linear", "ReLU", "Linear", "Sigmoid"]
    assert list(s._modules) == ["0", "1", "2", "3"]
    named = nn.Sequential(OrderedDict(enc=a, act=b))
    assert [n for n, _ in named.named_parameters()] == ["enc.weight", "enc.bias"]
    s[0] = nn.Identity()
    assert isinstance(s[0], nn.Identity)


def test_module_list_and_module_dict():
    layers = nn.ModuleList([nn.Linear(2, 2)])
    layers.append(nn.ReLU())
    layers.extend([nn.Linear(2, 3)])
    layers.insert(0, nn.Identity())
    assert [type(m).__name__ for m in layers] == ["Identity", "Linear", "ReLU", "Linear"]
    assert [n for n, _ in layers.named_parameters()] == ["1.weight", "1.bias", "3.weight",
                                                         "3.bias"]
    assert layers.index(layers[2]) == 2 and len(layers[1:]) == 3
    del layers[0]
    assert list(layers._modules) == ["0", "1", "2"]
    with pytest.raises(TypeError, match="iterable"):
        layers.extend(nn.Linear(1, 1))
    d = nn.ModuleDict({"enc": nn.Linear(2, 2)})
    d["dec"] = nn.Linear(2, 1)
    assert list(d) == ["enc", "dec"] and "dec" in d and len(d) == 2
    assert [n for n, _ in d.named_parameters()][-1] == "dec.bias"
    assert d.pop("enc") is not None and list(d.keys()) == ["dec"]
    with pytest.raises(KeyError, match="enc"):
        d["enc"]


def test_get_submodule_and_dir():
    net = Net()
    assert net.get_submodule("features.2.bn") is net.features[2].bn
    with pytest.raises(AttributeError, match="nope"):
        net.get_submodule("features.nope")
    assert {"features", "heads", "scale", "steps"} <= set(dir(net))
