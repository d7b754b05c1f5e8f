"""PyTorch's ``torch.nn.modules`` import paths: each name re-exported from the one class in
``tinygrad_nn.nn``; the ``torch.nn.modules.utils`` helpers compared with PyTorch's."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.nn as nn
import tinygrad_nn.nn.modules as modules
from tinygrad_nn.nn.modules.loss import _Loss
from tinygrad_nn.nn.modules.module import Module
from tinygrad_nn.nn.modules.utils import (
    _list_with_default,
    _ntuple,
    _pair,
    _quadruple,
    _reverse_repeat_tuple,
    _single,
    _triple,
    consume_prefix_in_state_dict_if_present,
)

torch = pytest.importorskip("torch")
import torch.nn.modules as torch_modules  # noqa: E402

OURS = sorted(m.name for m in pkgutil.iter_modules(modules.__path__))


def test_the_submodules_are_torchs_names() -> None:
    theirs = {m.name for m in pkgutil.iter_modules(torch_modules.__path__)}
    assert set(OURS) <= theirs
    assert {"loss", "module", "utils", "conv", "pooling", "batchnorm", "rnn"} <= set(OURS)
    assert nn.modules is modules


@pytest.mark.parametrize("sub", [s for s in OURS if s != "utils"])
def test_each_name_is_the_one_class_in_nn(sub: str) -> None:
    ours = importlib.import_module(f"tinygrad_nn.nn.modules.{sub}")
    theirs = importlib.import_module(f"torch.nn.modules.{sub}")
    for name in ours.__all__:
        obj = getattr(ours, name)
        assert obj.__module__.startswith("tinygrad_nn.nn.") and ".modules." not in obj.__module__
        assert hasattr(theirs, name), (sub, name)  # only PyTorch's names for that path
        if not name.startswith("_") and hasattr(nn, name):
            assert getattr(nn, name) is obj
    # completeness: every class PyTorch exports from this path that nn has is here too
    missing = [n for n in getattr(theirs, "__all__", []) if hasattr(nn, n)
               and not hasattr(ours, n)]
    assert not missing, (sub, missing)


def test_package_exports_every_nn_class_torch_exports_there() -> None:
    for name in torch_modules.__all__:
        if hasattr(nn, name):
            assert getattr(modules, name) is getattr(nn, name), name


def test_programs_subclass_the_private_bases() -> None:
    from tinygrad_nn.nn.modules.batchnorm import _BatchNorm
    from tinygrad_nn.nn.modules.conv import _ConvNd

    class Scaled(_Loss):
        def forward(self, x: tg.Tensor, y: tg.Tensor) -> tg.Tensor:
            d = (x - y).abs()
            return d.mean() if self.reduction == "mean" else d.sum()

    x, y = tg.tensor([1.0, -2.0]), tg.tensor([0.0, 0.0])
    assert Scaled().reduction == "mean" and float(Scaled()(x, y)) == 1.5
    assert float(Scaled(reduction="sum")(x, y)) == 3.0
    assert isinstance(Scaled(), Module) and Module is nn.Module
    assert issubclass(nn.Conv2d, _ConvNd) and issubclass(nn.BatchNorm2d, _BatchNorm)


@pytest.mark.parametrize("value", [3, (1, 2), [4, 5, 6], 2.5, "ab", range(2)])
def test_ntuple_helpers_match_torch(value: object) -> None:
    from torch.nn.modules import utils as tu
    for ours, theirs in ((_single, tu._single), (_pair, tu._pair), (_triple, tu._triple),
                         (_quadruple, tu._quadruple), (_ntuple(5), tu._ntuple(5))):
        assert ours(value) == theirs(value)
        assert ours.__name__ == theirs.__name__
    assert _reverse_repeat_tuple((1, 2, 3), 2) == tu._reverse_repeat_tuple((1, 2, 3), 2)
    assert _list_with_default([None, 3], [1, 7, 8]) == tu._list_with_default([None, 3],
                                                                            [1, 7, 8])
    assert _list_with_default(4, [1, 2]) == 4
    with pytest.raises(ValueError, match="Input dimension should be at least 3"):
        _list_with_default([None, 3], [1, 2])


def test_consume_prefix_matches_torch() -> None:
    from torch.nn.modules.utils import consume_prefix_in_state_dict_if_present as torch_consume

    def make() -> OrderedDict[str, object]:
        d: OrderedDict[str, object] = OrderedDict(
            [("module.w", 1), ("module.sub.b", 2), ("other", 3)])
        d._metadata = OrderedDict(  # type: ignore[attr-defined]
            [("", {}), ("module", {"v": 1}), ("module.sub", {"v": 2}), ("x", {})])
        return d

    ours, theirs = make(), make()
    consume_prefix_in_state_dict_if_present(ours, "module.")
    torch_consume(theirs, "module.")
    assert list(ours.items()) == list(theirs.items())
    assert list(ours._metadata.items()) == list(theirs._metadata.items())  # type: ignore[attr-defined]


def test_a_dataparallel_state_dict_loads_after_consuming_the_prefix() -> None:
    tg.manual_seed(0)
    wrapped = nn.DataParallel(nn.Linear(3, 2))
    state = wrapped.state_dict()
    consume_prefix_in_state_dict_if_present(state, "module.")
    plain = nn.Linear(3, 2)
    plain.load_state_dict(state)
    np.testing.assert_array_equal(plain.weight.detach().numpy(),
                                  wrapped.module.weight.detach().numpy())


def test_the_helpers_have_docstrings() -> None:
    for fn in (_ntuple, _reverse_repeat_tuple, _list_with_default,
               consume_prefix_in_state_dict_if_present):
        assert inspect.getdoc(fn)
