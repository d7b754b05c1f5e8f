"""Short-time Fourier transforms of Tensor (a mixin): ``stft`` and ``istft``, PyTorch's
methods, which call the functions of ``_stft.py`` (``torch.stft`` / ``torch.istft``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _stft
from .tensor_base import TensorMixin

if TYPE_CHECKING:
    from .tensor import Tensor


class TensorStft(TensorMixin):
    """``Tensor.stft`` / ``Tensor.istft``: see ``_stft.stft`` / ``_stft.istft``."""

    __slots__ = ()

    def stft(self, n_fft: int, hop_length: int | None = None,  # noqa: PLR0913
             win_length: int | None = None, window: Any = None, center: bool = True,
             pad_mode: str = "reflect", normalized: bool = False,
             onesided: bool | None = None, return_complex: bool | None = None,
             align_to_window: bool | None = None) -> Tensor:
        """Short-time Fourier transform of this 1-D signal or 2-D batch (``torch.stft``)."""
        return _stft.stft(self, n_fft, hop_length, win_length, window,  # type: ignore[no-any-return]
                          center, pad_mode, normalized, onesided, return_complex,
                          align_to_window)

    def istft(self, n_fft: int, hop_length: int | None = None,  # noqa: PLR0913
              win_length: int | None = None, window: Any = None, center: bool = True,
              normalized: bool = False, onesided: bool | None = None,
              length: int | None = None, return_complex: bool = False) -> Tensor:
        """Inverse short-time Fourier transform of this spectrogram (``torch.istft``)."""
        return _stft.istft(self, n_fft, hop_length, win_length,  # type: ignore[no-any-return]
                           window, center, normalized, onesided, length, return_complex)
