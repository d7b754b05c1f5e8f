"""nn.parallel on the one CPU device, and the GPU back-ends' availability questions, as a
CPU-only PyTorch build answers them."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_nn as tg
from tinygrad_nn import nn


def test_data_parallel_runs_the_module_with_pytorchs_state_dict_keys() -> None:
    torch = pytest.importorskip("torch")
    ours = nn.DataParallel(nn.Linear(3, 2))
    theirs = torch.nn.DataParallel(torch.nn.Linear(3, 2))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = np.ones((4, 3), dtype=np.float32)
    np.testing.assert_allclose(ours(tg.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-6)
    assert ours.module is ours._modules["module"]


def test_functional_data_parallel_calls_the_module() -> None:
    lin = nn.Linear(2, 2)
    x = tg.ones(1, 2)
    np.testing.assert_array_equal(nn.parallel.data_parallel(lin, x, range(2)).detach().numpy(),
                                  lin(x).detach().numpy())


def test_distributed_data_parallel_says_why_it_cannot_run() -> None:
    with pytest.raises(RuntimeError, match="process"):
        nn.parallel.DistributedDataParallel(nn.Linear(2, 2))


@pytest.mark.parametrize("name", ["cuda", "xpu", "mps"])
def test_gpu_back_ends_are_unavailable(name: str) -> None:
    module = getattr(tg, name)
    assert module.is_available() is False and module.device_count() == 0
    module.manual_seed(0)  # accepted, as PyTorch's CPU build accepts it


def test_hub_gives_tqdm_and_refuses_downloads() -> None:
    from tinygrad_nn.hub import tqdm

    assert list(tqdm([1, 2, 3], disable=True)) == [1, 2, 3]
    for name in ("load", "list", "help", "load_state_dict_from_url", "download_url_to_file"):
        with pytest.raises(RuntimeError, match="downloads nothing"):
            getattr(tg.hub, name)("pytorch/vision", "resnet18")


def test_hub_tqdm_stand_in_without_tqdm(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the tqdm package, torch.hub.tqdm is a silent stand-in (as in PyTorch)."""
    import builtins
    import importlib
    import sys

    import tinygrad_nn.hub as hub

    real_import = builtins.__import__

    def no_tqdm(name: str, *args: object, **kwargs: object) -> object:
        if name == "tqdm":
            raise ImportError("no tqdm")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    monkeypatch.delitem(sys.modules, "tinygrad_nn.hub")
    try:
        fresh = importlib.import_module("tinygrad_nn.hub")
        with fresh.tqdm(total=3) as bar:
            bar.update(2)
            bar.set_description("x")
        assert bar.n == 2 and list(fresh.tqdm(iter("ab"))) == ["a", "b"]
    finally:
        sys.modules["tinygrad_nn.hub"] = hub
        tg.hub = hub  # (importing the fresh copy rebound the package attribute)
