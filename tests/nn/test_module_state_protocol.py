"""Module's state_dict protocol against PyTorch: _save_to_state_dict / _load_from_state_dict
overrides, extra state, _metadata and versions, the state_dict and load_state_dict hooks (call
order, arguments, errors), and our all-or-nothing load."""

import copy
import pickle
import warnings
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_nn as tg
import tinygrad_nn.nn as nn

torch = pytest.importorskip("torch")


def _both(build):
    """build(nn_namespace, tensor_factory) for ours and torch's, same weights."""
    ours, theirs = build(nn, tg.tensor), build(torch.nn, torch.tensor)
    theirs.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in
                            ours.state_dict().items() if isinstance(v, tg.Tensor)},
                           strict=False)
    return ours, theirs


def _net(ns, _t):
    return ns.Sequential(OrderedDict(fc=ns.Linear(3, 2), bn=ns.BatchNorm1d(2)))


def _arrays(sd):
    return {k: (v.detach().numpy() if hasattr(v, "detach") else v) for k, v in sd.items()}


def test_metadata_versions_and_keep_vars_follow_torch():
    ours, theirs = _both(_net)
    sd, tsd = ours.state_dict(prefix="m."), theirs.state_dict(prefix="m.")
    assert list(sd) == list(tsd)
    assert list(sd._metadata) == list(tsd._metadata) == ["m", "m.fc", "m.bn"]
    assert sd._metadata["m.fc"] == tsd._metadata["m.fc"] == {"version": 1}
    kept = ours.state_dict(keep_vars=True)
    assert kept["fc.weight"] is ours.fc.weight and kept["fc.weight"].requires_grad
    dest = {}  # a destination without _metadata: none is added, and it is returned
    assert ours.state_dict(destination=dest) is dest and not hasattr(dest, "_metadata")
    with pytest.warns(FutureWarning, match="Positional args"):
        pos = ours.state_dict(None, "p.")
    assert list(pos)[0] == "p.fc.weight"


def test_local_metadata_reaches_load_from_state_dict_with_version():
    def build(ns, _t):
        class V(ns.Linear):
            _version = 3

            def _load_from_state_dict(self, sd, prefix, meta, *rest):
                seen.append((prefix, dict(meta)))
                super()._load_from_state_dict(sd, prefix, meta, *rest)
        return ns.Sequential(V(2, 2))

    seen = []
    ours, theirs = _both(build)
    sd, tsd = ours.state_dict(), theirs.state_dict()
    assert sd._metadata["0"] == tsd._metadata["0"] == {"version": 3}
    seen.clear()
    ours.load_state_dict(sd)
    mine = list(seen)
    seen.clear()
    theirs.load_state_dict(tsd)
    assert mine == seen == [("0.", {"version": 3})]
    seen.clear()
    ours.load_state_dict(dict(sd), assign=True)  # a plain dict: no version
    assert seen == [("0.", {"assign_to_params_buffers": True})]


class _Scaled:
    """A module whose checkpoint stores weight * 10 (an override of both methods)."""

    @staticmethod
    def build(ns, _t):
        class Scaled(ns.Linear):
            def _save_to_state_dict(self, destination, prefix, keep_vars):
                super()._save_to_state_dict(destination, prefix, keep_vars)
                destination[prefix + "weight"] = destination[prefix + "weight"] * 10

            def _load_from_state_dict(self, sd, prefix, meta, strict, missing, unexpected,
                                      errors):
                if prefix + "weight" in sd:
                    sd[prefix + "weight"] = sd[prefix + "weight"] / 10
                super()._load_from_state_dict(sd, prefix, meta, strict, missing, unexpected,
                                              errors)
                self.loaded_sum = float(self.weight.detach().sum())  # sees the loaded values
        return ns.Sequential(Scaled(2, 2))


def test_overriding_save_and_load_changes_state_dict_and_load_as_torch():
    ours, theirs = _both(_Scaled.build)
    sd, tsd = _arrays(ours.state_dict()), _arrays(theirs.state_dict())
    assert list(sd) == list(tsd)
    np.testing.assert_allclose(sd["0.weight"], tsd["0.weight"], rtol=1e-6)
    np.testing.assert_allclose(sd["0.weight"], ours[0].weight.detach().numpy() * 10, rtol=1e-6)
    new = {k: v + 1 for k, v in sd.items()}
    ours.load_state_dict(new)
    theirs.load_state_dict({k: torch.tensor(v) for k, v in new.items()})
    np.testing.assert_allclose(ours[0].weight.detach().numpy(),
                               theirs[0].weight.detach().numpy(), rtol=1e-6)
    assert ours[0].loaded_sum == pytest.approx(theirs[0].loaded_sum, rel=1e-6)


def _extra(ns, _t):
    class Counter(ns.Module):
        def __init__(self):
            super().__init__()
            self.lin = ns.Linear(2, 2)
            self.steps = 0

        def get_extra_state(self):
            return {"steps": self.steps}

        def set_extra_state(self, state):
            self.steps = state["steps"]
    return ns.Sequential(Counter())


def test_extra_state_key_round_trip_and_strict_checks_follow_torch():
    ours, theirs = _both(_extra)
    ours[0].steps = theirs[0].steps = 5
    sd, tsd = ours.state_dict(), theirs.state_dict()
    assert list(sd) == list(tsd) == ["0._extra_state", "0.lin.weight", "0.lin.bias"]
    assert sd["0._extra_state"] == tsd["0._extra_state"] == {"steps": 5}
    ours[0].steps = 0
    assert not ours.load_state_dict(sd).missing_keys and ours[0].steps == 5
    # missing extra state is a missing key; an extra-state key for a module without one is
    # unexpected
    for m in (ours, theirs):
        res = m.load_state_dict({k: v for k, v in m.state_dict().items()
                                 if k != "0._extra_state"}, strict=False)
        assert res.missing_keys == ["0._extra_state"]
        res = m.load_state_dict({**m.state_dict(), "0.lin._extra_state": 1}, strict=False)
        assert res.unexpected_keys == ["0.lin._extra_state"]
    with pytest.raises(RuntimeError, match="get_extra_state"):
        nn.Linear(1, 1).get_extra_state()
    with pytest.raises(RuntimeError, match="set_extra_state"):
        nn.Linear(1, 1).set_extra_state(None)


def test_failed_load_changes_nothing_not_even_extra_state_or_overrides_copies():
    ours, theirs = _both(_extra)
    sd = {k: v for k, v in _arrays(ours.state_dict()).items()}
    sd["0.lin.weight"] = sd["0.lin.weight"] + 1
    sd["0._extra_state"] = {"steps": 9}
    bad = {**sd, "0.lin.bias": np.zeros(7, np.float32)}
    before = ours[0].lin.weight.detach().numpy().copy()
    with pytest.raises(RuntimeError, match="size mismatch for 0.lin.bias"):
        ours.load_state_dict(bad)
    np.testing.assert_array_equal(ours[0].lin.weight.detach().numpy(), before)
    assert ours[0].steps == 0
    # torch keeps the copies made before the error (and calls set_extra_state)
    tbad = {k: (torch.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in bad.items()}
    with pytest.raises(RuntimeError, match="size mismatch for 0.lin.bias"):
        theirs.load_state_dict(tbad)
    assert theirs[0].steps == 9
    # an override that saw its values early: they are restored too
    over, _ = _both(_Scaled.build)
    w = over[0].weight.detach().numpy().copy()
    sd = _arrays(over.state_dict())
    with pytest.raises(RuntimeError, match="Unexpected key"):
        over.load_state_dict({**{k: v + 1 for k, v in sd.items()}, "zzz": np.zeros(1)})
    assert over[0].loaded_sum != pytest.approx(float(w.sum()))  # it did see the new values
    np.testing.assert_array_equal(over[0].weight.detach().numpy(), w)


def test_an_exception_in_a_hook_restores_the_values():
    m = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    w0 = m[0].weight.detach().numpy().copy()

    def boom(module, keys):
        raise ValueError("boom")
    m[1].register_load_state_dict_post_hook(boom)
    sd = {k: v + 1 for k, v in m.state_dict().items()}
    with pytest.raises(ValueError, match="boom"):
        m.load_state_dict(sd)
    np.testing.assert_array_equal(m[0].weight.detach().numpy(), w0)


def test_unexpected_and_missing_key_order_and_message_follow_torch():
    ours, theirs = _both(_net)
    sd = _arrays(ours.state_dict())
    bad = {"bn.zz": np.zeros(1), **{k: v for k, v in sd.items() if k != "fc.bias"},
           "top": np.zeros(1), "nope.x": np.zeros(1), "fc.weight.y": np.zeros(1)}
    with pytest.raises(RuntimeError) as e:
        ours.load_state_dict(bad)
    with pytest.raises(RuntimeError) as te:
        theirs.load_state_dict({k: torch.tensor(v) for k, v in bad.items()})
    assert str(e.value) == str(te.value)
    r = ours.load_state_dict(bad, strict=False)
    tr = theirs.load_state_dict({k: torch.tensor(v) for k, v in bad.items()}, strict=False)
    assert (r.missing_keys, r.unexpected_keys) == (tr.missing_keys, tr.unexpected_keys)
    with pytest.raises(RuntimeError) as e:
        ours.load_state_dict({**sd, "fc.bias": "text"})
    assert 'While copying the parameter named "fc.bias"' in str(e.value)
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        ours.load_state_dict([1, 2])


def test_zero_dim_buffer_accepts_a_one_element_checkpoint_as_torch():
    m = nn.BatchNorm1d(2)
    sd = _arrays(m.state_dict())
    sd["num_batches_tracked"] = np.array([7])
    m.load_state_dict(sd)
    assert int(m.num_batches_tracked) == 7


def _hooked(ns, log):
    net = ns.Sequential(OrderedDict(a=ns.Linear(2, 2), b=ns.Sequential(ns.Linear(2, 1))))
    for name, mod in [("root", net), ("a", net.a), ("b", net.b), ("b0", net.b[0])]:
        mod.register_state_dict_pre_hook(
            lambda m, prefix, keep, n=name: log.append(("pre", n, prefix, keep)))
        mod.register_state_dict_post_hook(
            lambda m, sd, prefix, meta, n=name: log.append(("post", n, prefix, len(sd), meta)))
        mod.register_load_state_dict_pre_hook(
            lambda m, sd, prefix, meta, strict, mk, uk, em, n=name:
            log.append(("lpre", n, prefix, sorted(sd), strict)))
        mod.register_load_state_dict_post_hook(
            lambda m, keys, n=name: log.append(("lpost", n, list(keys.missing_keys),
                                                list(keys.unexpected_keys))))
    return net


def test_hook_call_order_and_arguments_follow_torch():
    mine, theirs = [], []
    ours, tnet = _hooked(nn, mine), _hooked(torch.nn, theirs)
    ours.state_dict(prefix="x.", keep_vars=True)
    tnet.state_dict(prefix="x.", keep_vars=True)
    assert mine == theirs and mine[0] == ("pre", "root", "x.", True)
    mine.clear(), theirs.clear()
    sd = _arrays(ours.state_dict())
    del sd["b.0.bias"]
    sd["b.zz"] = np.zeros(1)
    mine.clear(), theirs.clear()
    ours.load_state_dict(sd, strict=False)
    tnet.load_state_dict({k: torch.tensor(v) for k, v in sd.items()}, strict=False)
    assert mine == theirs
    assert [e[:2] for e in mine if e[0] == "lpost"] == [
        ("lpost", "a"), ("lpost", "b0"), ("lpost", "b"), ("lpost", "root")]


def test_load_post_hook_may_clear_keys_and_must_return_none():
    for ns in (nn, torch.nn):
        m = ns.Linear(2, 2)
        h = m.register_load_state_dict_post_hook(
            lambda mod, keys: (keys.missing_keys.clear(), keys.unexpected_keys.clear())[-1])
        res = m.load_state_dict({"weight": m.weight.detach(), "x": m.weight.detach()})
        assert res.missing_keys == [] and res.unexpected_keys == []
        h.remove()
        m.register_load_state_dict_post_hook(lambda mod, keys: keys.missing_keys.append("q"))
        with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "q"'):
            m.load_state_dict(m.state_dict())
        m.register_load_state_dict_post_hook(lambda mod, keys: 1)
        with pytest.raises(AssertionError, match="not expected to return new values"):
            m.load_state_dict(m.state_dict(), strict=False)


def test_state_dict_post_hooks_public_must_return_none_private_may_replace():
    for ns in (nn, torch.nn):
        m = ns.Sequential(ns.Linear(1, 1))

        def public(mod, sd, prefix, meta):
            sd["extra"] = 1
        m.register_state_dict_post_hook(public)
        assert m.state_dict()["extra"] == 1
        with pytest.raises(RuntimeError, match="Cannot register the same function"):
            m._register_state_dict_hook(public)
        m._register_state_dict_hook(lambda mod, sd, prefix, meta: {"replaced": 1})
        assert m.state_dict() == {"replaced": 1}
        m[0]._register_state_dict_hook(lambda mod, sd, prefix, meta: {"child": 1})
        assert m.state_dict() == {"replaced": 1}  # a child's result is ignored
        m[0].register_state_dict_post_hook(lambda mod, sd, prefix, meta: 0)
        with pytest.raises(RuntimeError, match="post-hook must return None"):
            m.state_dict()


def test_private_pre_hook_with_and_without_module_and_removal():
    m = nn.Linear(2, 2)
    calls = []
    h1 = m._register_load_state_dict_pre_hook(lambda *a: calls.append(len(a)))
    h2 = m._register_load_state_dict_pre_hook(lambda *a: calls.append(a[0]), with_module=True)
    m.load_state_dict(m.state_dict())
    assert calls == [7, m]
    h1.remove(), h2.remove()
    m.load_state_dict(m.state_dict())
    assert calls == [7, m]


def test_hooks_follow_deepcopy_and_pickle_to_the_copy():
    m = nn.Linear(2, 2)
    m.seen = []
    m.register_load_state_dict_pre_hook(_record_module)
    for twin in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        twin.load_state_dict(twin.state_dict())
        assert twin.seen == [twin] and m.seen == []


def _record_module(module, *rest):
    module.seen.append(module)


def test_a_child_state_dict_override_is_called_as_torch():
    def build(ns, _t):
        class Custom(ns.Linear):
            def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
                out = super().state_dict(destination=destination, prefix=prefix,
                                         keep_vars=keep_vars)
                out[prefix + "note"] = 1
                return out
        return ns.Sequential(Custom(1, 1))

    ours, theirs = _both(build)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["0.weight", "0.bias",
                                                                     "0.note"]


def test_load_from_state_dict_outside_load_state_dict_copies_at_once():
    m = nn.Linear(2, 2)
    missing, unexpected, errors = [], [], []
    m._load_from_state_dict({"weight": np.ones((2, 2))}, "", {}, True, missing, unexpected,
                            errors)
    assert np.all(m.weight.detach().numpy() == 1) and missing == ["bias"] and not errors


def test_caller_state_dict_and_metadata_are_not_changed():
    m = nn.Linear(2, 2)
    m.register_load_state_dict_pre_hook(
        lambda mod, sd, prefix, meta, *rest: (sd.pop("junk", None), meta.update(seen=1)))
    sd = m.state_dict()
    sd["junk"] = 0
    m.load_state_dict(sd)
    assert "junk" in sd and sd._metadata[""] == {"version": 1}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m.load_state_dict(sd)


@pytest.mark.parametrize("name", ["BatchNorm1d", "InstanceNorm1d", "LazyBatchNorm1d"])
def test_norm_layers_have_torch_version_and_convert_old_checkpoints(name):
    ours, theirs = getattr(nn, name), getattr(torch.nn, name)
    args = () if name.startswith("Lazy") else (2,)
    assert ours(*args).state_dict()._metadata[""] == theirs(*args).state_dict()._metadata[""]


def test_batchnorm_checkpoint_without_version_and_count_loads_as_torch():
    results = []
    for ns, conv in ((nn, np.asarray), (torch.nn, torch.tensor)):
        m = ns.BatchNorm1d(2)
        m.num_batches_tracked.fill_(4)
        sd = {k: conv(v.detach().numpy()) for k, v in m.state_dict().items()
              if k != "num_batches_tracked"}
        plain = m.load_state_dict(sd)  # no _metadata: version None -> the count is kept
        versioned = OrderedDict(sd)
        versioned._metadata = {"": {"version": 2}}
        new = m.load_state_dict(versioned, strict=False)
        results.append((plain.missing_keys, new.missing_keys, int(m.num_batches_tracked)))
    assert results[0] == results[1] == ([], ["num_batches_tracked"], 4)


def test_instancenorm_old_checkpoint_with_running_stats_errors_as_torch():
    msgs = []
    for ns, conv in ((nn, np.asarray), (torch.nn, torch.tensor)):
        m = ns.InstanceNorm1d(2)
        sd = {"running_mean": conv(np.zeros(2, np.float32)),
              "running_var": conv(np.ones(2, np.float32))}
        with pytest.raises(RuntimeError) as e:
            m.load_state_dict(sd)
        msgs.append(str(e.value))
        versioned = OrderedDict(sd)
        versioned._metadata = {"": {"version": 2}}
        r = m.load_state_dict(versioned, strict=False)
        assert r.unexpected_keys == ["running_mean", "running_var"]
    assert msgs[0] == msgs[1]


def test_hooks_see_the_values_loaded_before_them_as_torch():
    for ns in (nn, torch.nn):
        seen = []
        net = ns.Sequential(ns.Linear(2, 2), ns.BatchNorm1d(2), ns.Linear(2, 2))
        net[2].register_load_state_dict_pre_hook(
            lambda m, *rest, net=net, seen=seen: seen.append(float(net[0].weight.detach().sum())))
        net[1].register_load_state_dict_post_hook(
            lambda m, keys, seen=seen: seen.append(float(m.running_var.sum())))
        sd = {k: v.detach().numpy() + 1 for k, v in net.state_dict().items()}
        net.load_state_dict({k: torch.tensor(v) for k, v in sd.items()} if ns is torch.nn
                            else sd)
        assert seen == pytest.approx([4.0, float(sd["0.weight"].sum())])
