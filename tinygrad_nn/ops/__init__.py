"""Primitive ops: each a small ``Function`` with forward and backward side by side."""

from .elementwise import (
    Abs,
    Add,
    BinaryCrossEntropy,
    Cast,
    Clip,
    Cos,
    Div,
    Erf,
    Exp,
    Expm1,
    Log,
    Log1p,
    Maximum,
    Minimum,
    Mul,
    Neg,
    Pow,
    ReLU,
    Sigmoid,
    Sin,
    Softplus,
    Sqrt,
    Sub,
    Tanh,
    Where,
)
from .linalg import Einsum, MatMul, parse_einsum
from .movement import Concatenate, Expand, GetItem, Pad, Reshape, ScatterAdd, Transpose
from .reduce import Max, Min, Sum

__all__ = [
    "Abs", "Add", "BinaryCrossEntropy", "Cast", "Clip", "Concatenate", "Cos", "Div", "Einsum", "Erf",
    "Exp", "Expand", "Expm1", "GetItem", "Log", "Log1p", "MatMul", "Max", "Maximum", "Min",
    "Minimum", "Mul", "Neg", "Pad", "Pow", "ReLU", "Reshape", "ScatterAdd", "Sigmoid", "Sin",
    "Softplus", "Sqrt", "Sub", "Sum", "Tanh", "Transpose", "Where", "parse_einsum",
]
