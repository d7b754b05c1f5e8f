"""nn.utils.parametrizations (weight_norm, spectral_norm, orthogonal) against torch."""

from __future__ import annotations

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.nn as nn
from tinygrad_nn.nn.utils import parametrizations as PZ
from tinygrad_nn.nn.utils import parametrize as P

from .helpers import close, copy_state, pair, same_grads

torch = pytest.importorskip("torch")
TPZ = torch.nn.utils.parametrizations
RNG = np.random.default_rng(0)


@pytest.mark.parametrize("dim", [0, 1, None, -1])
def test_weight_norm_linear(dim):
    ours, theirs = pair("Linear", 4, 3)
    PZ.weight_norm(ours, dim=dim)
    TPZ.weight_norm(theirs, dim=dim)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert repr(ours) == repr(theirs)
    close(ours.parametrizations.weight.original0, theirs.parametrizations.weight.original0)
    close(ours.weight, theirs.weight)
    same_grads(ours, theirs, RNG.standard_normal((2, 4)))


def test_weight_norm_conv_dim2_and_remove():
    ours, theirs = pair("Conv2d", 2, 3, 3)
    PZ.weight_norm(ours, dim=2)
    TPZ.weight_norm(theirs, dim=2)
    same_grads(ours, theirs, RNG.standard_normal((1, 2, 5, 5)))
    P.remove_parametrizations(ours, "weight")
    torch.nn.utils.parametrize.remove_parametrizations(theirs, "weight")
    assert list(ours.state_dict()) == list(theirs.state_dict())
    close(ours.weight, theirs.weight)


@pytest.mark.parametrize("layer,args,x_shape,dim", [
    ("Linear", (5, 4), (3, 5), None),
    ("Conv2d", (2, 3, 3), (1, 2, 5, 5), None),
    ("ConvTranspose2d", (2, 3, 3), (1, 2, 4, 4), None),
    ("Linear", (5, 4), (3, 5), 1),
])
@pytest.mark.parametrize("n_iter", [1, 3])
def test_spectral_norm_training_and_eval(layer, args, x_shape, dim, n_iter):
    ours, theirs = pair(layer, *args)
    PZ.spectral_norm(ours, n_power_iterations=n_iter, dim=dim)
    TPZ.spectral_norm(theirs, n_power_iterations=n_iter, dim=dim)
    keys = list(theirs.state_dict())
    assert list(ours.state_dict()) == keys
    assert "parametrizations.weight.0._u" in keys
    assert repr(ours) == repr(theirs)
    copy_state(ours, theirs)  # torch's random u, v
    x = RNG.standard_normal(x_shape)
    same_grads(ours, theirs, x)  # training: one power step, u and v updated in place
    close(ours.parametrizations.weight[0]._u, theirs.parametrizations.weight[0]._u)
    close(ours.parametrizations.weight[0]._v, theirs.parametrizations.weight[0]._v)
    ours.eval()
    theirs.eval()
    u = ours.parametrizations.weight[0]._u.detach().numpy().copy()
    same_grads(ours, theirs, x)
    np.testing.assert_array_equal(ours.parametrizations.weight[0]._u.detach().numpy(), u)


def test_spectral_norm_sigma_is_the_top_singular_value():
    tg.manual_seed(0)
    m = nn.Linear(6, 4).double()
    u = np.linalg.qr(RNG.standard_normal((4, 4)))[0]
    v = np.linalg.qr(RNG.standard_normal((6, 4)))[0]
    with tg.no_grad():  # singular values 5, 2, 1, 0.5: power iteration converges fast
        m.weight.copy_(tg.tensor(u @ np.diag([5.0, 2.0, 1.0, 0.5]) @ v.T))
    PZ.spectral_norm(m)  # 15 power steps at registration
    for _ in range(30):
        _ = m.weight
    s = np.linalg.svd(m.weight.detach().numpy(), compute_uv=False)
    assert abs(s[0] - 1.0) < 1e-6


def test_spectral_norm_errors():
    for lib, mod in ((PZ, nn.Linear(2, 2)), (TPZ, torch.nn.Linear(2, 2))):
        with pytest.raises(IndexError, match="Dimension out of range"):
            lib.spectral_norm(mod, dim=2)
        with pytest.raises(ValueError, match="n_power_iterations"):
            lib.spectral_norm(mod, n_power_iterations=0)
        with pytest.raises(ValueError, match="no parameter or buffer"):
            lib.spectral_norm(mod, name="nope")


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5)])
@pytest.mark.parametrize("omap", [None, "matrix_exp", "cayley", "householder"])
def test_orthogonal(shape, omap):
    ours, theirs = pair("Linear", shape[1], shape[0])
    PZ.orthogonal(ours, orthogonal_map=omap)
    TPZ.orthogonal(theirs, orthogonal_map=omap)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert repr(ours) == repr(theirs)
    copy_state(ours, theirs)  # base (random for a non-square weight) and original
    w = ours.weight.detach().numpy()
    close(ours.weight, theirs.weight, 1e-9)
    q = w if shape[0] >= shape[1] else w.T
    np.testing.assert_allclose(q.T @ q, np.eye(q.shape[1]), atol=1e-10)
    with torch.no_grad():  # move away from the identity so the gradient is generic
        theirs.parametrizations.weight.original.add_(
            torch.tensor(RNG.standard_normal(shape) * 0.3))
    copy_state(ours, theirs)
    same_grads(ours, theirs, RNG.standard_normal((2, shape[1])), 1e-9)


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5)])
def test_orthogonal_householder_without_trivialization(shape):
    ours, theirs = pair("Linear", shape[1], shape[0])
    q = np.linalg.qr(RNG.standard_normal((max(shape), min(shape))))[0]
    q = q if shape[0] >= shape[1] else q.T
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(q))
    copy_state(ours, theirs)
    PZ.orthogonal(ours, orthogonal_map="householder", use_trivialization=False)
    TPZ.orthogonal(theirs, orthogonal_map="householder", use_trivialization=False)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    close(ours.parametrizations.weight.original, theirs.parametrizations.weight.original, 1e-9)
    close(ours.weight, theirs.weight, 1e-9)
    np.testing.assert_allclose(ours.weight.detach().numpy(), q, atol=1e-9)
    same_grads(ours, theirs, RNG.standard_normal((2, shape[1])), 1e-9)


def test_orthogonal_errors():
    for lib, mk in ((PZ, nn.Linear), (TPZ, torch.nn.Linear)):
        with pytest.raises(ValueError, match="Expected a matrix"):
            lib.orthogonal(mk(2, 2), "bias")
        with pytest.raises(ValueError, match="orthogonal_map has to be one of"):
            lib.orthogonal(mk(2, 2), orthogonal_map="svd")
    m = nn.Linear(3, 3)
    PZ.orthogonal(m, orthogonal_map="cayley", use_trivialization=False)
    with pytest.raises(NotImplementedError, match="use_trivialization=False"):
        m.weight = tg.eye(3)


def test_weight_norm_node_is_the_composites_last():
    # docs/coming-from-pytorch.md: PyTorch records one fused node
    m = PZ.weight_norm(nn.Linear(3, 2))
    t = TPZ.weight_norm(torch.nn.Linear(3, 2))
    assert t.weight.grad_fn.name() == "WeightNormInterfaceBackward0"
    assert m.weight.grad_fn.name() == "MulBackward0"


def test_weight_norm_loads_a_checkpoint_of_the_hook_based_version():
    seq = [nn.Linear(3, 2), nn.Linear(2, 2)]
    tseq = [torch.nn.Linear(3, 2), torch.nn.Linear(2, 2)]
    ours = nn.Sequential(*[PZ.weight_norm(m) for m in seq])
    theirs = torch.nn.Sequential(*[TPZ.weight_norm(m) for m in tseq])
    old = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Linear(2, 2))
    with pytest.warns(FutureWarning):
        for m in old:
            torch.nn.utils.weight_norm(m)
    ckpt = {k: v.detach() for k, v in old.state_dict().items()}
    assert "0.weight_g" in ckpt
    mine = {k: v.numpy() for k, v in ckpt.items()}
    r, tr = ours.load_state_dict(mine), theirs.load_state_dict(ckpt)
    assert (r.missing_keys, r.unexpected_keys) == (tr.missing_keys, tr.unexpected_keys) == ([], [])
    assert "0.weight_g" in mine  # the caller's dict is not changed
    for a, b in zip(ours, theirs):
        close(a.weight, b.weight, 1e-6)
    with pytest.raises(RuntimeError, match="Unexpected key"):
        ours.load_state_dict({**mine, "0.extra": np.zeros(1)})


def test_load_state_dict_pre_hook_reports_problems():
    m = nn.Linear(2, 2)
    m._register_load_state_dict_pre_hook(
        lambda sd, prefix, meta, strict, missing, unexpected, errors: missing.append("x"))
    with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "x"'):
        m.load_state_dict(m.state_dict())
    assert m.load_state_dict(m.state_dict(), strict=False).missing_keys == ["x"]
    m._register_load_state_dict_pre_hook(
        lambda mod, sd, *rest: rest[-1].append(f"bad {type(mod).__name__}"), with_module=True)
    with pytest.raises(RuntimeError, match="bad Linear"):
        m.load_state_dict(m.state_dict(), strict=False)


class _Batched(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.w = nn.Parameter(tg.tensor(w))

    def forward(self, x):
        return self.w @ x


class _TBatched(torch.nn.Module):
    def __init__(self, w):
        super().__init__()
        self.w = torch.nn.Parameter(torch.tensor(w))

    def forward(self, x):
        return self.w @ x


@pytest.mark.parametrize("omap", [None, "matrix_exp", "cayley", "householder"])
def test_orthogonal_batch_of_matrices_and_assignment(omap):
    w = RNG.standard_normal((2, 5, 3))
    ours, theirs = _Batched(w), _TBatched(w.copy())
    PZ.orthogonal(ours, "w", omap)
    TPZ.orthogonal(theirs, "w", omap)
    copy_state(ours, theirs)
    with torch.no_grad():
        theirs.parametrizations.w.original.add_(torch.tensor(RNG.standard_normal(w.shape) * 0.2))
    copy_state(ours, theirs)
    close(ours.w, theirs.w, 1e-9)
    same_grads(ours, theirs, RNG.standard_normal((3, 2)), 1e-9)
    q = np.linalg.qr(RNG.standard_normal(w.shape))[0]
    ours.w = tg.tensor(q)  # right_inverse: a new base, the original back at -I
    with torch.no_grad():
        theirs.w = torch.tensor(q)
    close(ours.w, theirs.w, 1e-9)
    np.testing.assert_allclose(ours.w.detach().numpy(), q, atol=1e-12)


def test_spectral_norm_of_a_vector_and_registration_in_eval_mode():
    ours, theirs = pair("Linear", 3, 4)
    PZ.spectral_norm(ours, "bias")
    TPZ.spectral_norm(theirs, "bias")
    assert list(ours.state_dict()) == list(theirs.state_dict())
    close(ours.bias, theirs.bias)  # a 1-D tensor is just normalised
    m = nn.Linear(3, 4).eval()
    PZ.spectral_norm(m)
    assert m.parametrizations.weight[0].training is False


def test_training_a_parametrized_model_follows_torch():
    import tinygrad_nn.optim as optim

    def build(lib):
        u = lib.nn.utils.parametrizations
        return lib.nn.Sequential(
            u.spectral_norm(lib.nn.Conv2d(2, 4, 3)), lib.nn.ReLU(), lib.nn.Flatten(),
            u.weight_norm(lib.nn.Linear(64, 8)), lib.nn.Tanh(),
            u.orthogonal(lib.nn.Linear(8, 8)), lib.nn.Linear(8, 1)).double()

    theirs, ours = build(torch), build(tg)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    copy_state(ours, theirs)
    topt = torch.optim.Adam(theirs.parameters(), 1e-2)
    opt = optim.Adam(ours.parameters(), 1e-2)
    x = RNG.standard_normal((5, 2, 6, 6))
    for _ in range(4):
        loss, tloss = ours(tg.tensor(x)).pow(2).mean(), theirs(torch.tensor(x)).pow(2).mean()
        close(loss, tloss, 1e-9)
        opt.zero_grad()
        topt.zero_grad()
        loss.backward()
        tloss.backward()
        opt.step()
        topt.step()
    for k, v in theirs.state_dict().items():
        close(ours.state_dict()[k], v, 1e-8)
