"""Module names PyTorch programs call besides the state_dict ones: set_submodule, _apply,
register_backward_hook, compile, xpu / ipu / mtia, call_super_init, dump_patches,
T_destination, __setstate__; compared with torch."""

import pickle
import warnings

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.nn as nn

torch = pytest.importorskip("torch")


def test_every_torch_module_method_name_exists():
    torch_only = {"_call_impl", "_compiled_call_impl", "_wrapped_call_impl", "_slow_forward",
                  "_get_backward_hooks", "_get_backward_pre_hooks",
                  "_maybe_warn_non_full_backward_hook", "_replicate_for_data_parallel"}
    assert set(dir(torch.nn.Module)) - set(dir(nn.Module)) == torch_only


def _tree(ns):
    net = ns.Sequential(ns.Linear(2, 2), ns.Sequential(ns.ReLU()))
    net.tag = 3
    return net


@pytest.mark.parametrize("target,strict", [
    ("", False), ("0.x.y", False), ("5", True), ("0.weight", False), ("tag", False),
    ("1.0", True), ("1.new", False), ("2", False)])
def test_set_submodule_follows_torch(target, strict):
    ours, theirs = _tree(nn), _tree(torch.nn)
    results = []
    for net, ns in ((ours, nn), (theirs, torch.nn)):
        try:
            net.set_submodule(target, ns.Tanh(), strict=strict)
            results.append(("ok", [n for n, _ in net.named_modules()],
                            type(net.get_submodule(target)).__name__))
        except (ValueError, AttributeError) as e:
            results.append((type(e).__name__,))
    assert results[0] == results[1]


def test_set_submodule_refuses_a_non_module_with_torch_message():
    with pytest.raises(ValueError, match="`module` is not an nn.Module, found <class 'int'>"):
        _tree(nn).set_submodule("0", 3)


def test_apply_maps_parameters_in_place_and_replaces_buffers_as_torch():
    m = nn.BatchNorm1d(2)
    w, rm = m.weight, m.running_mean
    m.weight.grad = tg.ones(2)
    seen = []

    def fn(t):
        seen.append(tuple(t.shape))
        return t * 2 if t.dtype.kind == "f" else t
    assert m._apply(fn) is m
    tm = torch.nn.BatchNorm1d(2)
    tm.weight.grad = torch.ones(2)
    tseen = []

    def tfn(t):
        tseen.append(tuple(t.shape))
        return t * 2 if t.is_floating_point() else t
    tm._apply(tfn)
    assert seen == tseen
    assert m.weight is w and m.running_mean is not rm  # torch: same for both
    assert m.weight.requires_grad
    np.testing.assert_array_equal(m.weight.detach().numpy(), tm.weight.detach().numpy())
    np.testing.assert_array_equal(m.weight.grad.numpy(), tm.weight.grad.numpy())
    np.testing.assert_array_equal(m.running_var.numpy(), tm.running_var.numpy())


def test_apply_children_first_and_calls_child_overrides():
    log = []

    def build(ns):
        class Own(ns.Linear):
            def _apply(self, fn, recurse=True):
                log.append("own")
                return super()._apply(fn, recurse)
        return ns.Sequential(ns.Linear(1, 1), ns.Sequential(Own(1, 1)))

    for ns in (nn, torch.nn):
        net = build(ns)
        assert _apply_order(net) == ["0.weight", "0.bias", "1.0.weight", "1.0.bias"]
        assert _apply_order(net, recurse=False) == []
    assert log == ["own", "own"]


def _apply_order(net, **kw):
    ids = {id(p): n for n, p in net.named_parameters()}
    order = []
    net._apply(lambda t: (order.append(ids.get(id(t))), t)[1], **kw)
    return order


def test_register_backward_hook_runs_as_full_hook_and_matches_torch_on_one_op_modules():
    x = np.random.default_rng(0).standard_normal((3, 4))
    got = []
    for ns, make in ((nn, tg.tensor), (torch.nn, torch.tensor)):
        m = ns.Tanh()
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            m.register_backward_hook(
                lambda mod, gi, go: (got.append((gi[0].detach().numpy(), go[0].numpy())),
                                     (gi[0] * 2,))[1])
        xt = make(x, requires_grad=True)
        with warnings.catch_warnings():  # torch's FutureWarnings about the deprecated hook
            warnings.simplefilter("ignore")
            m(xt).sum().backward()
        got.append(xt.grad.numpy())
    np.testing.assert_allclose(got[0][0], got[2][0])
    np.testing.assert_allclose(got[0][1], got[2][1])
    np.testing.assert_allclose(got[1], got[3])  # the replaced grad_input reached x
    with pytest.warns(UserWarning, match="register_full_backward_hook"):
        nn.ReLU().register_backward_hook(lambda *a: None)


@pytest.mark.parametrize("first", ["full", "old"])
def test_backward_hook_kinds_cannot_mix_as_torch(first):
    for ns in (nn, torch.nn):
        m = ns.ReLU()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if first == "full":
                m.register_full_backward_hook(lambda *a: None)
                with pytest.raises(RuntimeError, match="Cannot use both regular backward"):
                    m.register_backward_hook(lambda *a: None)
            else:
                m.register_backward_hook(lambda *a: None)
                with pytest.raises(RuntimeError, match="Cannot use both regular backward"):
                    m.register_full_backward_hook(lambda *a: None)


def test_compile_is_a_no_op_returning_none():
    m = nn.Linear(2, 2)
    x = tg.randn(3, 2)
    y = m(x).detach().numpy()
    assert m.compile(mode="max-autotune", fullgraph=True) is None
    np.testing.assert_array_equal(m(x).detach().numpy(), y)
    assert m.weight.requires_grad and type(m) is nn.Linear


@pytest.mark.parametrize("method", ["xpu", "ipu", "mtia", "cuda"])
def test_other_devices_raise_our_device_error(method):
    m = nn.Linear(1, 1)
    with pytest.raises(RuntimeError, match=f"CPU only.*'{method}'"):
        getattr(m, method)()
    with pytest.raises(RuntimeError, match=f"'{method}:1'"):
        getattr(m, method)(1)


def test_init_arguments_and_call_super_init_follow_torch():
    for ns in (nn, torch.nn):
        with pytest.raises(TypeError, match="takes 1 positional argument but 2 were given"):
            ns.Module(3)
        with pytest.raises(TypeError, match="unexpected keyword argument 'a'"):
            ns.Module(a=3)
        b = _cooperative(ns)
        assert b.size == 4 and len(list(b.parameters())) == 2
    assert nn.Module.call_super_init is False and nn.Module.dump_patches is False
    assert nn.Module.T_destination.__bound__ == torch.nn.Module.T_destination.__bound__


def test_setstate_fills_tables_missing_from_an_old_pickle():
    m = nn.Linear(2, 2)
    state = dict(m.__dict__)
    for k in ("_state_dict_hooks", "_load_state_dict_post_hooks", "_is_full_backward_hook"):
        del state[k]
    fresh = nn.Linear.__new__(nn.Linear)
    fresh.__setstate__(state)
    assert fresh._state_dict_hooks == {} and fresh._is_full_backward_hook is None
    assert list(fresh.state_dict()) == ["weight", "bias"]
    twin = pickle.loads(pickle.dumps(m))
    np.testing.assert_array_equal(twin.weight.detach().numpy(), m.weight.detach().numpy())


class _Mixin:
    def __init__(self, size=0):
        self.size = size


def _cooperative(ns):
    class Both(ns.Module, _Mixin):
        call_super_init = True

        def __init__(self):
            super().__init__(size=4)
            self.lin = ns.Linear(1, 1)
    return Both()


def _rotary(ns, make):
    class Rotary(ns.Module):
        """A cache that is not a buffer: the module moves it in its own _apply (a common
        PyTorch pattern)."""

        def __init__(self):
            super().__init__()
            self.lin = ns.Linear(2, 2)
            self.register_buffer("steps", make(np.array(3)))
            self.cache = make(np.ones(2, np.float32))

        def _apply(self, fn, recurse=True):
            self.cache = fn(self.cache)
            return super()._apply(fn, recurse)
    return Rotary()


def test_casts_go_through_apply_as_torch():
    for ns, make in ((nn, tg.tensor), (torch.nn, torch.tensor)):
        m = _rotary(ns, make)
        w, steps = m.lin.weight, m.steps
        m.lin.weight.grad = make(np.ones((2, 2), np.float32))
        g = m.lin.weight.grad
        bn = ns.BatchNorm1d(2)
        rm = bn.running_mean
        m.bn = bn
        m.double()
        assert str(m.cache.dtype).endswith("float64")  # the override saw the cast
        assert m.lin.weight is w and str(w.dtype).endswith("float64") and w.requires_grad
        assert m.lin.weight.grad is g and str(g.dtype).endswith("float64")
        assert m.steps is steps  # an integer buffer is left alone
        assert m.bn.running_mean is not rm  # a cast buffer is a new tensor, as in torch
        assert str(m.bn.running_mean.dtype).endswith("float64")
