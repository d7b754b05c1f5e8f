"""ConvTranspose1d / 2d / 3d: PyTorch's transposed convolution layers (see F.conv_transpose2d)."""

from __future__ import annotations

from typing import Any

from .. import functional as F
from ..tensor import Tensor
from .conv import _ConvNd, _tuple


class _ConvTransposeNd(_ConvNd):
    """Shared set-up: PyTorch's argument order, weight (in, out / groups, *kernel) and init
    (kaiming_uniform_(a=sqrt(5)) with fan_in = out / groups * prod(kernel))."""

    _transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, output_padding: Any = 0, groups: int = 1, bias: bool = True,
                 dilation: Any = 1, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:
        name = type(self).__name__
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {name}')
        if isinstance(padding, str):
            raise ValueError(f"{name}: padding must be an int or a tuple of {self._nd} ints "
                             f"(no 'same' / 'valid' for a transposed convolution), got "
                             f"{padding!r}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype)
        self.output_padding = _tuple(output_padding, self._nd, "output_padding", name)

    def _output_padding(self, input: Any, output_size: Any, stride: Any, padding: Any,
                        kernel_size: Any, num_spatial_dims: int,
                        dilation: Any = None) -> tuple[int, ...]:
        """output_padding, or the one that gives ``output_size`` (PyTorch's rule and
        signature: subclasses ported from PyTorch call it with the layer's settings)."""
        if output_size is None:
            return self.output_padding
        nd, ndim = num_spatial_dims, len(getattr(input, "shape", ()))
        lead = 2 if ndim == nd + 2 else 1
        size = [int(v) for v in output_size]
        if len(size) == lead + nd:
            size = size[lead:]
        if len(size) != nd:
            raise ValueError(f"ConvTranspose{nd}D: for {ndim}D input, output_size must have "
                             f"{nd} or {lead + nd} elements (got {len(size)})")
        spatial = tuple(input.shape[lead:])
        dilation = (1,) * nd if dilation is None else dilation
        lo = [(n - 1) * s - 2 * p + d * (k - 1) + 1 for n, s, p, d, k in
              zip(spatial, stride, padding, dilation, kernel_size)]
        hi = [m + s - 1 for m, s in zip(lo, stride)]
        if any(not a <= v <= b for v, a, b in zip(size, lo, hi)):
            raise ValueError(f"requested an output size of {tuple(output_size)}, but valid sizes "
                             f"range from {lo} to {hi} (for an input of {spatial})")
        return tuple(v - m for v, m in zip(size, lo))

    def _transpose(self, x: Any, output_padding: tuple[int, ...]) -> Tensor:
        raise NotImplementedError

    def forward(self, input: Any, output_size: Any = None) -> Tensor:
        output_padding = self._output_padding(input, output_size, self.stride, self.padding,
                                              self.kernel_size, self._nd, self.dilation)
        return self._transpose(input, output_padding)


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution (conv1d's adjoint in x) + bias; (N, C_in, L) -> (N, C_out, OL).

    OL = (L - 1) stride - 2 padding + dilation (k - 1) + output_padding + 1; weight:
    (in_channels, out_channels / groups, k). ``forward(x, output_size=None)``.
    """

    _nd = 1

    def _transpose(self, x: Any, output_padding: tuple[int, ...]) -> Tensor:
        return F.conv_transpose1d(x, self.weight, self.bias, self.stride, self.padding,
                                  output_padding, self.groups, self.dilation)


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution (conv2d's adjoint) + bias; (N, C_in, H, W) -> (N, C_out, OH, OW).

    OH = (H - 1) stride - 2 padding + dilation (kh - 1) + output_padding + 1 (likewise OW);
    weight: (in_channels, out_channels / groups, kh, kw). ``forward(x, output_size=None)``:
    ``output_size`` picks the output_padding that gives that size, as in PyTorch.
    """

    _nd = 2

    def _transpose(self, x: Any, output_padding: tuple[int, ...]) -> Tensor:
        return F.conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding,
                                  output_padding, self.groups, self.dilation)


class ConvTranspose3d(_ConvTransposeNd):
    """3-D transposed convolution (conv3d's adjoint in x) + bias; (N, C_in, D, H, W) ->
    (N, C_out, OD, OH, OW); weight: (in_channels, out_channels / groups, kd, kh, kw)."""

    _nd = 3

    def _transpose(self, x: Any, output_padding: tuple[int, ...]) -> Tensor:
        return F.conv_transpose3d(x, self.weight, self.bias, self.stride, self.padding,
                                  output_padding, self.groups, self.dilation)


__all__ = ["ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]
