"""``untyped_storage()`` / ``storage()`` and ``torch.utils.swap_tensors`` against PyTorch."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")


def _facts(m):
    t = m.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    v = t[1]
    us, vs = t.untyped_storage(), v.untyped_storage()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        st, vst = t.storage(), v.storage()
    return [us.size(), us.nbytes(), len(us), us.element_size(), us.data_ptr() == t.data_ptr(),
            vs.data_ptr() == t.data_ptr(), vs.size(), v.storage_offset(),
            st.size(), st.nbytes(), len(st), st.element_size(), st.tolist(), vst.size(),
            str(st.dtype).removeprefix("torch."), us.tolist()[:4]]


def test_storages_match_torch():
    assert _facts(tg) == _facts(torch)


def test_storage_of_from_numpy_is_the_arrays_memory():
    a = np.arange(6.0)
    t = tg.from_numpy(a)[2:]
    assert t.untyped_storage().data_ptr() == a.ctypes.data
    assert t.untyped_storage().nbytes() == a.nbytes


def test_typed_storage_warns_as_torch():
    code = ("import warnings, {lib} as m\n"
            "with warnings.catch_warnings(record=True) as w:\n"
            "    warnings.simplefilter('always')\n"
            "    m.ones(2).storage(); m.ones(2).storage()\n"
            "print(len(w), w[0].message.args[0], w[0].filename)")

    def run(lib):
        return subprocess.run([sys.executable, "-c", code.format(lib=lib)], capture_output=True,
                              text=True, check=True).stdout

    assert run("tinygrad_nn") == run("torch")


def test_swap_tensors_matches_torch():
    def run(m):
        a = m.tensor([1.0, 2.0], requires_grad=True)
        b = a * 2
        x = m.tensor([3, 4, 5])
        m.utils.swap_tensors(x, b)
        out = [x.tolist(), b.tolist(), str(x.dtype).removeprefix("torch."), x.requires_grad,
               b.requires_grad, b.is_leaf, x.grad_fn.name()]
        x.sum().backward()
        return [*out, a.grad.tolist()]

    assert run(tg) == run(torch)
