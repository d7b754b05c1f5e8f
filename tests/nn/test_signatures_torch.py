"""Every module class exported under the same name by ``torch.nn`` has a ``forward`` with
PyTorch's parameter names, kinds and order (and defaults), so keyword calls such as
``model(input=x)``, ``loss_fn(input=a, target=b)`` or
``func.functional_call(m, params, kwargs={"input": x})`` bind as they do in PyTorch; so do
the other methods the class has beyond ``Module``'s (``Sequential.pop(key)``,
``initialize_parameters(input)``, the ``_conv_forward`` / ``_output_padding`` that
subclasses ported from PyTorch call).
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn import func, nn

torch = pytest.importorskip("torch")

# Deliberate differences: class name -> reason. Keep it small.
ALLOWED: dict[str, str] = {}

# Differences expected to fail until fixed (strict: a fixed entry must be deleted).
ELSEWHERE: dict[str, str] = {}


def _params(f: Any) -> list[tuple[str, str, Any]]:
    sig = inspect.signature(f)
    return [(p.name, p.kind.name, p.default) for p in sig.parameters.values()]


def _pairs() -> list[tuple[str, Any, Any]]:
    out = []
    for name in sorted(dir(nn)):
        ours, theirs = getattr(nn, name), getattr(torch.nn, name, None)
        if (isinstance(ours, type) and isinstance(theirs, type)
                and issubclass(theirs, torch.nn.Module) and issubclass(ours, nn.Module)):
            out.append((name, ours.forward, theirs.forward))
    return out


PAIRS = _pairs()
# private methods that subclasses written for PyTorch call
_PORTED_PRIVATE = ("_conv_forward", "_output_padding")


def _method_pairs() -> list[tuple[str, Any, Any]]:
    base = set(dir(torch.nn.Module))
    out = []
    for name, _, _ in PAIRS:
        ours, theirs = getattr(nn, name), getattr(torch.nn, name)
        for method in sorted(set(dir(theirs)) - base):
            if method == "forward" or (method.startswith("_") and method not in _PORTED_PRIVATE):
                continue
            if callable(getattr(theirs, method)) and callable(getattr(ours, method, None)):
                out.append((f"{name}.{method}", getattr(ours, method), getattr(theirs, method)))
    return out


METHOD_PAIRS = _method_pairs()


def _marks(name: str) -> list[Any]:
    if name in ELSEWHERE:
        return [pytest.mark.xfail(strict=True, reason=ELSEWHERE[name])]
    return []


@pytest.mark.parametrize(
    "name,ours,theirs",
    [pytest.param(*p, id=p[0], marks=_marks(p[0])) for p in PAIRS if p[0] not in ALLOWED])
def test_forward_parameters_match_pytorch(name: str, ours: Any, theirs: Any) -> None:
    a, b = _params(ours), _params(theirs)
    assert [p[:2] for p in a] == [p[:2] for p in b], f"{name}.forward: ours {a}, PyTorch's {b}"
    for (n, _, da), (_, _, db) in zip(a, b):
        assert da == db, f"{name}.forward: default of {n} is {da!r}, PyTorch's is {db!r}"


@pytest.mark.parametrize("name,ours,theirs", METHOD_PAIRS, ids=[p[0] for p in METHOD_PAIRS])
def test_other_methods_match_pytorch(name: str, ours: Any, theirs: Any) -> None:
    a, b = _params(ours), _params(theirs)
    assert [p[:2] for p in a] == [p[:2] for p in b], f"{name}: ours {a}, PyTorch's {b}"
    for (n, _, da), (_, _, db) in zip(a, b):
        assert da == db, f"{name}: default of {n} is {da!r}, PyTorch's is {db!r}"


def test_the_table_covers_the_everyday_modules_and_the_lists_are_live() -> None:
    names = {p[0] for p in PAIRS}
    for must in ("Linear", "Bilinear", "Conv2d", "LSTM", "GRUCell", "MultiheadAttention",
                 "TransformerEncoderLayer", "CrossEntropyLoss", "BatchNorm1d", "Sequential"):
        assert must in names
    assert not (set(ALLOWED) | set(ELSEWHERE)) - names, "an entry names no shared module"
    methods = {p[0] for p in METHOD_PAIRS}
    for must in ("Sequential.pop", "Sequential.extend", "ModuleList.insert",
                 "LazyLinear.initialize_parameters", "Conv2d._conv_forward",
                 "ConvTranspose2d._output_padding", "ModuleDict.pop"):
        assert must in methods


def _pair(cls_args: tuple[Any, ...], name: str) -> tuple[Any, Any]:
    """The same module in both libraries, with PyTorch's initial parameters copied over."""
    torch.manual_seed(0)
    theirs = getattr(torch.nn, name)(*cls_args).double()
    ours = getattr(nn, name)(*cls_args).double()
    ours.load_state_dict({k: tg.tensor(v.detach().numpy()) for k, v in
                          theirs.state_dict().items()})
    return ours, theirs


def test_keyword_calls_bind_as_in_pytorch() -> None:
    rng = np.random.default_rng(0)
    x, x2 = rng.standard_normal((3, 4)), rng.standard_normal((3, 5))
    ours, theirs = _pair((4, 2), "Linear")
    np.testing.assert_allclose(ours(input=tg.tensor(x)).detach().numpy(),
                               theirs(input=torch.tensor(x)).detach().numpy(), rtol=1e-12)
    ours, theirs = _pair((4, 5, 2), "Bilinear")
    np.testing.assert_allclose(
        ours(input1=tg.tensor(x), input2=tg.tensor(x2)).detach().numpy(),
        theirs(input1=torch.tensor(x), input2=torch.tensor(x2)).detach().numpy(), rtol=1e-12)
    target = np.array([0, 3, 1])
    loss = nn.CrossEntropyLoss()(input=tg.tensor(x), target=tg.tensor(target))
    expected = torch.nn.CrossEntropyLoss()(input=torch.tensor(x), target=torch.tensor(target))
    np.testing.assert_allclose(loss.detach().numpy(), expected.detach().numpy(), rtol=1e-12)
    seq = nn.Sequential(nn.Tanh())
    np.testing.assert_allclose(seq(input=tg.tensor(x)).detach().numpy(), np.tanh(x))


def test_recurrent_modules_take_input_and_hx_by_keyword() -> None:
    rng = np.random.default_rng(1)
    x, h, c = (rng.standard_normal(s) for s in ((5, 2, 3), (1, 2, 4), (1, 2, 4)))
    ours, theirs = _pair((3, 4), "LSTM")
    y, (hn, cn) = ours(input=tg.tensor(x), hx=(tg.tensor(h), tg.tensor(c)))
    ty, (thn, tcn) = theirs(input=torch.tensor(x), hx=(torch.tensor(h), torch.tensor(c)))
    for a, b in ((y, ty), (hn, thn), (cn, tcn)):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10)
    cell, tcell = _pair((3, 4), "GRUCell")
    np.testing.assert_allclose(
        cell(input=tg.tensor(x[0]), hx=tg.tensor(h[0])).detach().numpy(),
        tcell(input=torch.tensor(x[0]), hx=torch.tensor(h[0])).detach().numpy(), rtol=1e-10)


def test_functional_call_passes_input_by_keyword() -> None:
    x = np.random.default_rng(2).standard_normal((2, 4))
    ours, theirs = _pair((4, 3), "Linear")
    w = np.ones((3, 4))
    y = func.functional_call(ours, {"weight": tg.tensor(w)}, args=(),
                             kwargs={"input": tg.tensor(x)})
    ty = torch.func.functional_call(theirs, {"weight": torch.tensor(w)}, args=(),
                                    kwargs={"input": torch.tensor(x)})
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-12)


def test_a_lazy_module_initialises_from_a_keyword_input() -> None:
    assert torch.nn.LazyLinear(2)(input=torch.zeros(3, 4)).shape == (3, 2)
    assert nn.LazyLinear(2)(input=tg.zeros(3, 4)).shape == (3, 2)


def test_ported_subclasses_call_the_private_helpers_as_in_pytorch() -> None:
    x = np.random.default_rng(3).standard_normal((1, 2, 3, 3))
    ours, theirs = _pair((2, 1, 3, 2), "ConvTranspose2d")
    args = (ours.stride, ours.padding, ours.kernel_size, 2, ours.dilation)
    assert ours._output_padding(tg.tensor(x), [8, 8], *args) == (1, 1)
    assert list(theirs._output_padding(torch.tensor(x), [8, 8], *args)) == [1, 1]
    conv, tconv = _pair((2, 1, 3), "Conv2d")
    np.testing.assert_allclose(
        conv._conv_forward(tg.tensor(x), conv.weight, conv.bias).detach().numpy(),
        tconv._conv_forward(torch.tensor(x), tconv.weight, tconv.bias).detach().numpy(),
        rtol=1e-12)


def test_container_pop_takes_pytorchs_key() -> None:
    seq = nn.Sequential(nn.Tanh(), nn.ReLU(), nn.Sigmoid())
    assert isinstance(seq.pop(key=1), nn.ReLU) and len(seq) == 2
    mods = nn.ModuleList([nn.Tanh(), nn.ReLU()])
    assert isinstance(mods.pop(key=-1), nn.ReLU) and len(mods) == 1
    seq.extend(sequential=nn.Sequential(nn.ReLU()))
    assert [type(m).__name__ for m in seq] == ["Tanh", "Sigmoid", "ReLU"]
    for lib in (torch.nn, nn):
        with pytest.raises(TypeError):
            lib.Sequential(lib.Tanh()).pop()  # no default: PyTorch's pop needs the key


INIT_NAMES = sorted(n for n in nn.init.__all__ if callable(getattr(torch.nn.init, n, None)))


@pytest.mark.parametrize("name", INIT_NAMES)
def test_init_functions_match_pytorch(name: str) -> None:
    a = _params(getattr(nn.init, name))
    b = _params(getattr(torch.nn.init, name))
    assert [p[:2] for p in a] == [p[:2] for p in b], f"init.{name}: ours {a}, PyTorch's {b}"
    for (n, _, da), (_, _, db) in zip(a, b):
        assert da == db, f"init.{name}: default of {n} is {da!r}, PyTorch's is {db!r}"


@pytest.mark.parametrize("name,args", [
    ("uniform_", (-1.0, 2.0)), ("normal_", (0.5, 2.0)), ("trunc_normal_", ()),
    ("xavier_uniform_", ()), ("xavier_normal_", ()), ("kaiming_uniform_", ()),
    ("kaiming_normal_", ()), ("orthogonal_", ())])
def test_init_draws_from_the_generator_given(name: str, args: tuple[Any, ...]) -> None:
    fn = getattr(nn.init, name)
    a = fn(tg.zeros(4, 3), *args, generator=tg.Generator().manual_seed(5)).detach().numpy()
    tg.manual_seed(0)
    b = fn(tg.zeros(4, 3), *args, generator=tg.Generator().manual_seed(5)).detach().numpy()
    c = fn(tg.zeros(4, 3), *args).detach().numpy()  # the library's generator, untouched above
    tg.manual_seed(0)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(c, fn(tg.zeros(4, 3), *args).detach().numpy())
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("shape,groups", [((4, 4, 3), 1), ((6, 2, 3, 3), 2), ((4, 6, 1, 3, 5), 4)])
def test_dirac_init_matches_pytorch(shape: tuple[int, ...], groups: int) -> None:
    ours = nn.init.dirac_(tg.ones(*shape), groups).detach().numpy()
    np.testing.assert_array_equal(ours, torch.nn.init.dirac_(torch.ones(shape), groups).numpy())
    x = np.random.default_rng(5).standard_normal((1, shape[1] * groups, *[5] * (len(shape) - 2)))
    conv = getattr(nn, f"Conv{len(shape) - 2}d")(shape[1] * groups, shape[0], shape[2:],
                                                 padding="same", groups=groups, bias=False)
    nn.init.dirac_(conv.weight, groups)  # the first channels of each group pass through
    y = conv(tg.tensor(x.astype(np.float32))).detach().numpy()
    per_out, per_in = shape[0] // groups, shape[1]
    for g in range(groups):
        keep = min(per_out, per_in)
        np.testing.assert_allclose(y[0, g * per_out:g * per_out + keep],
                                   x[0, g * per_in:g * per_in + keep], rtol=1e-6)


def test_sparse_init_zeroes_that_many_rows_per_column_as_pytorch() -> None:
    for lib in (tg, torch):
        w = lib.ones(10, 30)
        lib.nn.init.sparse_(w, 0.25, std=0.5, generator=lib.Generator().manual_seed(1))
        zeros = (w.detach().numpy() == 0).sum(axis=0)
        assert (zeros == 3).all()  # ceil(0.25 * 10) in every column
    a, b = (nn.init.sparse_(tg.zeros(10, 30), 0.3, 0.5, tg.Generator().manual_seed(2))
            for _ in range(2))
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    for lib in (tg, torch):
        with pytest.raises(ValueError, match="Only tensors with 2 dimensions"):
            lib.nn.init.sparse_(lib.zeros(2, 2, 2), 0.5)
        with pytest.raises(ValueError, match="Only tensors with 3, 4, or 5 dimensions"):
            lib.nn.init.dirac_(lib.zeros(2, 2))
        with pytest.raises(ValueError, match="dim 0 must be divisible by groups"):
            lib.nn.init.dirac_(lib.zeros(3, 2, 3), groups=2)


def test_multihead_attention_merge_masks_as_pytorch() -> None:
    rng = np.random.default_rng(6)
    n, length, heads = 2, 3, 2
    query = rng.standard_normal((n, length, 4))
    cases = [(None, None), (None, rng.random((n, length)) < 0.5),
             (rng.random((length, length)) < 0.5, None),
             (rng.random((length, length)) < 0.5, rng.random((n, length)) < 0.5),
             (rng.standard_normal((n * heads, length, length)), rng.standard_normal((n, length)))]
    ours, theirs = nn.MultiheadAttention(4, heads), torch.nn.MultiheadAttention(4, heads)
    for attn_mask, padding in cases:
        a, kind = ours.merge_masks(
            *(None if m is None else tg.tensor(m) for m in (attn_mask, padding)),
            query=tg.tensor(query))
        b, tkind = theirs.merge_masks(
            *(None if m is None else torch.tensor(m) for m in (attn_mask, padding)),
            query=torch.tensor(query))
        assert kind == tkind and (a is None) == (b is None)
        if a is not None:
            assert a.shape == tuple(b.shape) and a.dtype == b.numpy().dtype
            np.testing.assert_array_equal(a.detach().numpy(), b.numpy())


def test_a_misspelt_keyword_is_a_type_error_as_in_pytorch() -> None:
    with pytest.raises(TypeError, match="x"):
        torch.nn.Linear(2, 2)(x=torch.zeros(2))
    with pytest.raises(TypeError, match="x"):
        nn.Linear(2, 2)(x=tg.zeros(2))
