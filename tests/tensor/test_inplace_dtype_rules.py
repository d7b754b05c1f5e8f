"""The in-place arithmetic family over every pair of dtypes (and Python numbers), against
PyTorch: the result dtype, the values, or the exception class. Covers uint8 += int64 (stays
uint8), sub_ of a bool (refused), ``**=`` / ``%=`` / ``//=`` in place, bool ** bool."""

import warnings

import pytest

import tinygrad_nn as tg

torch = pytest.importorskip("torch")

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
NUMBERS = {"int": 2, "float": 2.5, "bool": True}
OPS = ["add_", "sub_", "mul_", "div_", "pow_", "remainder_", "fmod_", "floor_divide_",
       "true_divide_", "clamp_min_", "__iadd__", "__isub__", "__imul__", "__itruediv__",
       "__ipow__", "__imod__", "__ifloordiv__"]


def _table(m, op):
    rows = []
    for a in DTYPES:
        for b in DTYPES + list(NUMBERS):
            x = m.tensor([1, 2, 3]).to(getattr(m, a))
            y = NUMBERS[b] if b in NUMBERS else m.tensor([1, 1, 2]).to(getattr(m, b))
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    r = getattr(x, op)(y)
                rows.append((a, b, r is x, str(r.dtype).removeprefix("torch."),
                             [round(float(v), 3) for v in r.tolist()]))
            except Exception as e:  # noqa: BLE001 - the class is what is compared
                rows.append((a, b, type(e).__name__))
    return rows


@pytest.mark.parametrize("op", OPS)
def test_inplace_arithmetic_dtype_rules_match_torch(op):
    assert _table(tg, op) == _table(torch, op)


def test_uint8_add_int64_tensor_stays_uint8_and_wraps_as_torch():
    def run(m):
        x = m.tensor([250, 3], dtype=m.uint8)
        x.add_(m.tensor([10, -5]))
        return str(x.dtype).removeprefix("torch."), x.tolist()

    assert run(tg) == run(torch) == ("uint8", [4, 254])


@pytest.mark.parametrize("case", ["tensor", "number"])
def test_bool_power_as_torch(case):
    def run(m):
        t = m.tensor([True, False])
        try:
            r = t ** (t if case == "tensor" else True)
            return str(r.dtype).removeprefix("torch."), r.tolist()
        except NotImplementedError as e:
            return str(e)

    assert run(tg) == run(torch)


def test_augmented_power_changes_the_tensor_in_place():
    for m in (tg, torch):
        x = m.tensor([1.0, 2.0, 3.0])
        view = x[1:]
        x **= 2
        x %= 5
        x //= 2
        assert view.tolist() == [2.0, 2.0]  # 4, 9 -> 4, 4 -> 2, 2
