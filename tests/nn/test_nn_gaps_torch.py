"""torch.nn names programs use that were missing: RNNBase / RNNCellBase (the recurrent
classes' bases), nn.Buffer, AdaptiveLogSoftmaxWithLoss, F.max_pool{1,2,3}d_with_indices,
SyncBatchNorm (+ convert_sync_batchnorm), CrossMapLRN2d and the deprecated Container; each
compared with PyTorch: values, gradients with the same weights, state_dict keys, reprs and
exception types."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.functional as F
import tinygrad_nn.nn as nn

torch = pytest.importorskip("torch")

LIBS = (torch, tg)


def _np(t: Any) -> np.ndarray:
    return t.detach().numpy()


def _copy_weights(ours: Any, theirs: Any) -> None:
    """Load torch's state_dict into ours (so both compute with the same weights)."""
    ours.load_state_dict({k: tg.tensor(v.detach().numpy()) for k, v in
                          theirs.state_dict().items()})


def _same_state(ours: Any, theirs: Any) -> None:
    a, b = ours.state_dict(), theirs.state_dict()
    assert list(a) == list(b)
    for k in a:
        assert tuple(a[k].shape) == tuple(b[k].shape), k


def _same_error(make: Any) -> None:
    """make(lib) raises the same exception type for torch and tinygrad_nn."""
    with pytest.raises(Exception) as theirs:
        make(torch)
    with pytest.raises(type(theirs.value)) as ours:
        make(tg)
    assert str(ours.value)


# -- RNNBase / RNNCellBase ------------------------------------------------------------------
@pytest.mark.parametrize("name,base", [("RNN", "RNNBase"), ("LSTM", "RNNBase"),
                                       ("GRU", "RNNBase"), ("RNNCell", "RNNCellBase"),
                                       ("LSTMCell", "RNNCellBase"), ("GRUCell", "RNNCellBase")])
def test_recurrent_classes_subclass_torchs_bases(name: str, base: str) -> None:
    for lib in LIBS:
        assert issubclass(getattr(lib.nn, name), getattr(lib.nn, base))
        assert isinstance(getattr(lib.nn, name)(3, 4), getattr(lib.nn, base))
    assert nn.modules.rnn.RNNBase is nn.RNNBase
    assert nn.modules.RNNCellBase is nn.RNNCellBase


@pytest.mark.parametrize("mode,kw", [("LSTM", {"num_layers": 2, "bidirectional": True}),
                                     ("LSTM", {"proj_size": 2, "bias": False}),
                                     ("GRU", {"num_layers": 2}),
                                     ("RNN_TANH", {"bidirectional": True, "batch_first": True}),
                                     ("RNN_RELU", {"dropout": 0.5, "num_layers": 3})])
def test_rnnbase_built_directly_is_torchs(mode: str, kw: dict[str, Any]) -> None:
    theirs = torch.nn.RNNBase(mode, 3, 5, **kw)
    ours = nn.RNNBase(mode, 3, 5, **kw)
    _same_state(ours, theirs)
    assert repr(ours) == repr(theirs)
    assert ours.mode == theirs.mode == mode
    assert ours._flat_weights_names == theirs._flat_weights_names
    assert [[tuple(w.shape) for w in ws] for ws in ours.all_weights] == \
        [[tuple(w.shape) for w in ws] for ws in theirs.all_weights]
    for attr in ("input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout",
                 "bidirectional", "proj_size"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    bound = 1 / np.sqrt(5)  # PyTorch's initialisation: U(-1/sqrt(H), 1/sqrt(H)) for all
    assert all(np.abs(_np(p)).max() <= bound for p in ours.parameters())
    assert ours.flatten_parameters() is None
    x = np.zeros((2, 1, 3), np.float32)
    with pytest.raises(NotImplementedError):  # RNNBase has no forward, in PyTorch either
        theirs(torch.tensor(x))
    with pytest.raises(NotImplementedError):
        ours(tg.tensor(x))


def test_rnnbase_unknown_mode_and_projection_errors() -> None:
    _same_error(lambda lib: lib.nn.RNNBase("LSTMX", 3, 4))
    _same_error(lambda lib: lib.nn.GRU(3, 4, proj_size=2))
    _same_error(lambda lib: lib.nn.RNN(3, 4, proj_size=2))
    _same_error(lambda lib: lib.nn.RNN(3, 4, proj_size=0))  # (the keyword at all, even 0)
    _same_error(lambda lib: lib.nn.GRU(3, 4, proj_size=0))
    _same_error(lambda lib: lib.nn.LSTM(3, 4, proj_size=4))


@pytest.mark.parametrize("make", [
    lambda nn: nn.LSTM(3.0, 4), lambda nn: nn.GRU(3, "4"), lambda nn: nn.LSTM(3, 4, 2.0),
    lambda nn: nn.LSTM(0, 4), lambda nn: nn.RNN(3, 4, 0), lambda nn: nn.LSTM(3, 4, bias=1),
    lambda nn: nn.GRU(3, 4, batch_first=0), lambda nn: nn.RNNBase("GRU", 3, 4, bias=0),
    lambda nn: nn.LSTM(3, 4, 2, dropout=1.5), lambda nn: nn.RNN(3, 4, nonlinearity="gelu"),
    lambda nn: nn.LSTMCell(2.0, 4)])
def test_recurrent_constructor_error_types_are_torchs(make: Any) -> None:
    _same_error(lambda lib: make(lib.nn))


def test_flat_weights_follow_attribute_assignment() -> None:
    """Replacing a weight (as weight-drop wrappers do) changes what forward uses, as
    PyTorch's __setattr__ keeps _flat_weights in step."""
    theirs = torch.nn.LSTM(3, 4, num_layers=2).double()
    ours = nn.LSTM(3, 4, num_layers=2, dtype="float64")
    _copy_weights(ours, theirs)
    w = np.random.default_rng(0).standard_normal((16, 4))
    theirs.weight_hh_l1 = torch.nn.Parameter(torch.tensor(w))
    ours.weight_hh_l1 = nn.Parameter(tg.tensor(w))
    assert ours._flat_weights[ours._flat_weights_names.index("weight_hh_l1")] \
        is ours.weight_hh_l1
    x = np.random.default_rng(1).standard_normal((5, 2, 3))
    (ty, _), (y, _) = theirs(torch.tensor(x)), ours(tg.tensor(x))
    np.testing.assert_allclose(_np(y), _np(ty), rtol=1e-10, atol=1e-12)


def test_rnncellbase_built_directly_is_torchs() -> None:
    for bias in (True, False):
        theirs = torch.nn.RNNCellBase(3, 4, bias, num_chunks=2)
        ours = nn.RNNCellBase(3, 4, bias, num_chunks=2)
        _same_state(ours, theirs)
        assert repr(ours) == repr(theirs)
        assert (ours.input_size, ours.hidden_size, ours.bias) == (3, 4, bias)
        assert all(np.abs(_np(p)).max() <= 0.5 for p in ours.parameters())
    with pytest.raises(NotImplementedError):
        theirs(torch.zeros(2, 3))
    with pytest.raises(NotImplementedError):
        ours(tg.zeros(2, 3))


@pytest.mark.parametrize("name,args", [("RNNCell", (3, 4, True, "relu")), ("LSTMCell", (3, 4)),
                                       ("GRUCell", (3, 4, False))])
def test_cells_unchanged_on_the_new_base(name: str, args: tuple[Any, ...]) -> None:
    theirs = getattr(torch.nn, name)(*args).double()
    ours = getattr(nn, name)(*args, dtype="float64")
    _same_state(ours, theirs)
    _copy_weights(ours, theirs)
    assert repr(ours) == repr(theirs)
    x = np.random.default_rng(2).standard_normal((2, 3))
    ty, y = theirs(torch.tensor(x)), ours(tg.tensor(x))
    ty, y = (ty[0], y[0]) if isinstance(ty, tuple) else (ty, y)
    np.testing.assert_allclose(_np(y), _np(ty), rtol=1e-10, atol=1e-12)


# -- nn.Buffer ------------------------------------------------------------------------------
def _with_buffers(lib: Any) -> Any:
    class M(lib.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.kept = lib.nn.Buffer(lib.ones(2))
            self.dropped = lib.nn.Buffer(lib.zeros(3), persistent=False)
            self.plain = lib.ones(1)  # a plain Tensor stays an ordinary attribute
            self.lin = lib.nn.Linear(2, 2)

    return M()


def test_buffer_assignment_registers_like_register_buffer() -> None:
    theirs, ours = _with_buffers(torch), _with_buffers(tg)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    # re-assigning a Buffer sets its persistence; a plain Tensor keeps the old one
    for m, lib in ((theirs, torch), (ours, tg)):
        m.dropped = lib.nn.Buffer(lib.zeros(3))
        m.kept = lib.zeros(2)
        m.lin.extra = lib.nn.Buffer(lib.ones(1), persistent=False)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]


def test_buffer_is_a_marked_plain_tensor() -> None:
    for lib in LIBS:
        base = lib.ones(3, requires_grad=True)
        b = lib.nn.Buffer(base)
        assert type(b) is lib.Tensor and isinstance(b, lib.nn.Buffer)
        assert issubclass(lib.nn.Buffer, lib.Tensor)
        assert not isinstance(lib.ones(3), lib.nn.Buffer)
        assert b.persistent is True and b.requires_grad and b.is_leaf
        assert lib.nn.Buffer(lib.ones(2), persistent=False).persistent is False
        with lib.no_grad():
            base.mul_(2)  # shares its data with the tensor it was made from
        assert b.tolist() == [2.0, 2.0, 2.0]
        empty = lib.nn.Buffer()
        assert tuple(empty.shape) == (0,) and str(empty.dtype).endswith("float32")
        assert isinstance(lib.nn.UninitializedBuffer(), lib.nn.Buffer)


def test_buffer_assignment_errors_like_torch() -> None:
    def onto_parameter(lib: Any) -> None:
        lin = lib.nn.Linear(2, 2)
        lin.weight = lib.nn.Buffer(lib.ones(2, 2))

    def onto_attribute(lib: Any) -> None:
        m = lib.nn.Module()
        m.x = 1
        m.x = lib.nn.Buffer(lib.ones(1))

    def onto_module(lib: Any) -> None:
        m = lib.nn.Sequential(lib.nn.Linear(1, 1))
        m._modules["0"]  # noqa: B018
        setattr(m, "0", lib.nn.Buffer(lib.ones(1)))

    def not_a_tensor(lib: Any) -> None:
        lib.nn.Buffer(np.ones(2))

    def no_persistent_argument(lib: Any) -> None:
        class Old(lib.nn.Module):
            def register_buffer(self, name: str, tensor: Any) -> None:  # type: ignore[override]
                super().register_buffer(name, tensor)

        Old().b = lib.nn.Buffer(lib.ones(1), persistent=False)

    for make in (onto_parameter, onto_attribute, onto_module, not_a_tensor,
                 no_persistent_argument):
        _same_error(make)


# -- AdaptiveLogSoftmaxWithLoss -------------------------------------------------------------
def _asm_pair(dtype: str = "float64", **kw: Any) -> tuple[Any, Any]:
    torch.manual_seed(0)
    theirs = torch.nn.AdaptiveLogSoftmaxWithLoss(16, 20, [4, 10, 15], **kw)
    theirs = theirs.double() if dtype == "float64" else theirs
    ours = nn.AdaptiveLogSoftmaxWithLoss(16, 20, [4, 10, 15], dtype=dtype, **kw)
    _copy_weights(ours, theirs)
    return ours, theirs


@pytest.mark.parametrize("kw", [{}, {"div_value": 2.0, "head_bias": True}])
def test_adaptive_log_softmax_structure(kw: dict[str, Any]) -> None:
    ours, theirs = _asm_pair(**kw)
    _same_state(ours, theirs)
    assert repr(ours) == repr(theirs)
    for attr in ("in_features", "n_classes", "cutoffs", "div_value", "head_bias",
                 "shortlist_size", "n_clusters", "head_size"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert nn.modules.adaptive.AdaptiveLogSoftmaxWithLoss is nn.AdaptiveLogSoftmaxWithLoss


def test_adaptive_log_softmax_zero_width_tail_warns_like_torch() -> None:
    """div_value=4: the last cluster's hidden width is 16 // 64 = 0, a zero-element
    Linear weight, whose initialisation warns (kaiming_uniform_'s UserWarning)."""
    for lib in LIBS:
        with pytest.warns(UserWarning, match="zero-element"):
            m = lib.nn.AdaptiveLogSoftmaxWithLoss(16, 20, [4, 10, 15])
        assert tuple(m.tail[2][0].weight.shape) == (0, 16)
        with pytest.warns(UserWarning, match="zero-element"):
            lib.nn.init.kaiming_normal_(lib.empty(0, 3))


@pytest.mark.parametrize("dtype,tol", [("float64", 1e-10), ("float32", 1e-6)])
def test_adaptive_log_softmax_forward_and_gradients(dtype: str, tol: float) -> None:
    ours, theirs = _asm_pair(dtype, div_value=2.0, head_bias=True)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((9, 16)).astype(dtype)
    t = np.array([0, 3, 5, 9, 12, 19, 2, 15, 10])  # the shortlist and every cluster
    tx, gx = torch.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
    to, oo = theirs(tx, torch.tensor(t)), ours(gx, tg.tensor(t))
    assert type(oo).__name__ == "_ASMoutput" and oo._fields == ("output", "loss")
    np.testing.assert_allclose(_np(oo.output), _np(to.output), rtol=tol, atol=tol)
    np.testing.assert_allclose(_np(oo.loss), _np(to.loss), rtol=tol, atol=tol)
    v = rng.standard_normal(9).astype(dtype)
    ((to.output * torch.tensor(v)).sum() + to.loss).backward()
    ((oo.output * tg.tensor(v)).sum() + oo.loss).backward()
    np.testing.assert_allclose(gx.grad.numpy(), tx.grad.numpy(), rtol=tol, atol=tol)
    for (n, p), (tn, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert n == tn
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=tol, atol=tol,
                                   err_msg=n)
    # one sample: 1-D input, 0-D target, 0-D output
    o1, t1 = ours(tg.tensor(x[0]), tg.tensor(13)), theirs(torch.tensor(x[0]), torch.tensor(13))
    assert tuple(o1.output.shape) == tuple(t1.output.shape) == ()
    np.testing.assert_allclose(_np(o1.output), _np(t1.output), rtol=tol, atol=tol)


def test_adaptive_log_softmax_log_prob_and_predict() -> None:
    ours, theirs = _asm_pair(head_bias=True)
    rng = np.random.default_rng(4)
    x = rng.standard_normal((12, 16))
    np.testing.assert_allclose(_np(ours.log_prob(tg.tensor(x))),
                               _np(theirs.log_prob(torch.tensor(x))), rtol=1e-10, atol=1e-12)
    # the head picks: the shortlist for every row, a cluster for every row, a mix
    for shortlist, clusters, picked in ((0.0, -1e3, 0), (-1e3, 0.0, 12), (0.0, 0.0, None)):
        with torch.no_grad():
            theirs.head.bias[:4] = shortlist
            theirs.head.bias[4:] = clusters
        _copy_weights(ours, theirs)
        in_clusters = int((theirs.head(torch.tensor(x)).argmax(1) >= 4).sum())
        assert in_clusters == picked if picked is not None else 0 < in_clusters < 12
        p, tp = ours.predict(tg.tensor(x)), theirs.predict(torch.tensor(x))
        assert p.dtype == np.int64 and p.tolist() == tp.tolist()


def test_adaptive_log_softmax_errors_like_torch() -> None:
    def build(cutoffs: list[Any]) -> Any:
        return lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs)

    for cutoffs in ([], [5, 3], [0, 3], [3, 10], [3, 3], [2.5]):
        _same_error(build(cutoffs))

    def call(shape: tuple[int, ...], target: Any) -> Any:
        def run(lib: Any) -> Any:
            m = lib.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4])
            return m(lib.zeros(shape), lib.tensor(target))

        return run

    for shape, target in (((3, 8), [0, 1]), ((3, 2, 8), [0, 1, 2]), ((8,), [1]),
                          ((3, 8), [[0, 1, 2]]), ((2, 8), [0, 10]), ((2, 8), [-1, 0]),
                          ((2, 8), 3), ((2, 8), [1.0, 5.0])):
        _same_error(call(shape, target))

    def small_ints(lib: Any) -> Any:
        m = lib.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4])
        return m(lib.zeros(2, 8), lib.tensor([1, 5], dtype=lib.uint8))

    _same_error(small_ints)


# -- F.max_pool{1,2,3}d_with_indices ---------------------------------------------------------
@pytest.mark.parametrize("name,shape,kw", [
    ("max_pool1d_with_indices", (2, 3, 9), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ("max_pool2d_with_indices", (2, 3, 7, 6), {"kernel_size": 2, "ceil_mode": True}),
    ("max_pool2d_with_indices", (3, 7, 6), {"kernel_size": 3, "dilation": 2,
                                            "return_indices": False}),
    ("max_pool3d_with_indices", (1, 2, 5, 4, 6), {"kernel_size": (2, 3, 2), "stride": 1}),
])
def test_max_pool_with_indices_is_torchs(name: str, shape: tuple[int, ...],
                                         kw: dict[str, Any]) -> None:
    x = np.random.default_rng(5).standard_normal(shape)
    tx, gx = torch.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
    ty, ti = getattr(torch.nn.functional, name)(tx, **kw)
    y, i = getattr(F, name)(gx, **kw)
    np.testing.assert_array_equal(_np(y), _np(ty))
    assert i.dtype == np.int64 and i.tolist() == ti.tolist()
    g = np.random.default_rng(6).standard_normal(y.shape)
    ty.backward(torch.tensor(g))
    y.backward(tg.tensor(g))
    np.testing.assert_allclose(gx.grad.numpy(), tx.grad.numpy(), rtol=1e-12)
    assert getattr(nn.functional, name) is getattr(F, name)


# -- SyncBatchNorm ---------------------------------------------------------------------------
@pytest.mark.parametrize("shape,kw", [((6, 3), {}), ((4, 3, 5), {"momentum": None}),
                                      ((2, 3, 4, 5), {"affine": False}),
                                      ((2, 3, 2, 2, 3), {"bias": False, "eps": 1e-3})])
def test_sync_batch_norm_computes_as_torchs_without_a_process_group(
        shape: tuple[int, ...], kw: dict[str, Any]) -> None:
    theirs, ours = torch.nn.SyncBatchNorm(3, **kw).double(), nn.SyncBatchNorm(3, dtype="float64",
                                                                              **kw)
    _same_state(ours, theirs)
    assert repr(ours) == repr(theirs) and ours.process_group is None
    rng = np.random.default_rng(7)
    for train in (True, True, False):
        theirs.train(train)
        ours.train(train)
        x = rng.standard_normal(shape)
        tx, gx = torch.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
        ty, y = theirs(tx), ours(gx)
        np.testing.assert_allclose(_np(y), _np(ty), rtol=1e-10, atol=1e-12)
        g = rng.standard_normal(shape)
        ty.backward(torch.tensor(g))
        y.backward(tg.tensor(g))
        np.testing.assert_allclose(gx.grad.numpy(), tx.grad.numpy(), rtol=1e-9, atol=1e-12)
        for k, v in theirs.state_dict().items():
            np.testing.assert_allclose(ours.state_dict()[k].numpy(), v.numpy(), rtol=1e-12,
                                       err_msg=k)


def test_sync_batch_norm_errors_like_torch() -> None:
    _same_error(lambda lib: lib.nn.SyncBatchNorm(3)(lib.zeros(3)))
    _same_error(lambda lib: lib.nn.SyncBatchNorm(3)(lib.zeros(2, 0, 4)))


def _bn_model(lib: Any) -> Any:
    inner = lib.nn.Sequential(lib.nn.BatchNorm1d(4, affine=False), lib.nn.ReLU())
    return lib.nn.Sequential(lib.nn.Conv2d(2, 3, 1), lib.nn.BatchNorm2d(3, momentum=None),
                             inner, lib.nn.BatchNorm3d(2, track_running_stats=False),
                             lib.nn.SyncBatchNorm(5, bias=False))


def test_convert_sync_batchnorm_as_torch() -> None:
    theirs, ours = _bn_model(torch), _bn_model(tg)
    ours[2].eval()
    theirs[2].eval()
    w, mean = ours[1].weight, ours[1].running_mean
    t_conv = torch.nn.SyncBatchNorm.convert_sync_batchnorm(theirs)
    o_conv = nn.SyncBatchNorm.convert_sync_batchnorm(ours)
    assert o_conv is ours and t_conv is theirs  # other modules are changed in place
    assert repr(o_conv) == repr(t_conv)
    _same_state(o_conv, t_conv)
    assert type(o_conv[1]) is nn.SyncBatchNorm and o_conv[1].weight is w
    assert o_conv[1].running_mean is mean  # the same Tensors, not copies
    assert o_conv[2][0].training is t_conv[2][0].training is False
    # a BatchNorm at the root comes back as a new SyncBatchNorm
    bn = nn.BatchNorm1d(4)
    root = nn.SyncBatchNorm.convert_sync_batchnorm(bn)
    assert root is not bn and type(root) is nn.SyncBatchNorm and root.weight is bn.weight
    assert repr(root) == repr(torch.nn.SyncBatchNorm.convert_sync_batchnorm(
        torch.nn.BatchNorm1d(4)))


def test_convert_sync_batchnorm_deep_model_no_recursion() -> None:
    m: Any = nn.BatchNorm1d(2)
    for _ in range(3000):
        m = nn.Sequential(m)
    out = nn.SyncBatchNorm.convert_sync_batchnorm(m)
    while isinstance(out, nn.Sequential):
        out = out[0]
    assert type(out) is nn.SyncBatchNorm


# -- CrossMapLRN2d ---------------------------------------------------------------------------
@pytest.mark.parametrize("size,channels,dtype", [(5, 9, "float64"), (3, 7, "float64"),
                                                 (4, 3, "float64"), (7, 2, "float64"),
                                                 (2, 6, "float32")])
def test_cross_map_lrn2d_is_torchs(size: int, channels: int, dtype: str) -> None:
    rng = np.random.default_rng(size * channels)
    x = (rng.standard_normal((2, channels, 3, 4)) * 3).astype(dtype)
    g = rng.standard_normal(x.shape).astype(dtype)
    theirs = torch.nn.CrossMapLRN2d(size, alpha=0.3, beta=0.8, k=1.5)
    ours = nn.CrossMapLRN2d(size, alpha=0.3, beta=0.8, k=1.5)
    assert repr(ours) == repr(theirs)
    assert repr(nn.CrossMapLRN2d(3)) == repr(torch.nn.CrossMapLRN2d(3))
    tx, gx = torch.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
    ty, y = theirs(tx), ours(gx)
    tol = 1e-12 if dtype == "float64" else 1e-6
    assert y.dtype == np.dtype(dtype)
    np.testing.assert_allclose(_np(y), _np(ty), rtol=tol, atol=tol)
    ty.backward(torch.tensor(g))
    y.backward(tg.tensor(g))  # PyTorch's backward formula, not autograd of the forward
    np.testing.assert_allclose(gx.grad.numpy(), tx.grad.numpy(), rtol=tol, atol=tol)


def test_cross_map_lrn2d_errors_like_torch() -> None:
    _same_error(lambda lib: lib.nn.CrossMapLRN2d(3)(lib.zeros(2, 3, 4)))

    def size_one_backward(lib: Any) -> None:
        x = lib.ones(1, 3, 2, 2, requires_grad=True)
        lib.nn.CrossMapLRN2d(1)(x).sum().backward()

    _same_error(size_one_backward)

    def second_order(lib: Any) -> None:
        x = lib.ones(1, 4, 2, 2, requires_grad=True)
        lib.autograd.grad(lib.nn.CrossMapLRN2d(3)(x).sum(), x, create_graph=True)

    _same_error(second_order)


# -- Container -------------------------------------------------------------------------------
def test_container_is_deprecated_like_torch() -> None:
    for lib in LIBS:
        with warnings.catch_warnings(record=True) as made:
            warnings.simplefilter("always")
            c = lib.nn.Container(a=lib.nn.Linear(2, 3), b=lib.nn.ReLU())

            class Sub(lib.nn.Container):  # type: ignore[name-defined, misc]
                pass

            Sub()
        kinds = [(w.category, w.filename) for w in made]
        assert kinds == [(FutureWarning, __file__)] * 2, kinds  # made, subclassed; not Sub()
        assert "nn.Module" in str(made[0].message)
        assert [n for n, _ in c.named_parameters()] == ["a.weight", "a.bias"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert repr(nn.Container(a=nn.Linear(2, 3))) == \
            repr(torch.nn.Container(a=torch.nn.Linear(2, 3)))
