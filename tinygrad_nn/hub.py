"""``torch.hub``: its progress bar (``tqdm``, which programs import from here) and clear
errors for model downloads, which tinygrad_nn does not do (no pretrained model zoo)."""

from __future__ import annotations

from typing import Any

try:  # PyTorch re-exports tqdm, or a minimal stand-in when tqdm is not installed
    from tqdm import tqdm
except ImportError:  # tqdm is an optional extra (the docs and examples extras install it)

    class tqdm:  # type: ignore[no-redef]
        """A stand-in progress bar: iterates, counts and prints nothing."""

        def __init__(self, iterable: Any = None, total: Any = None, **kwargs: Any) -> None:
            self.iterable, self.total, self.n = iterable, total, 0

        def __iter__(self) -> Any:
            for x in self.iterable:
                self.n += 1
                yield x

        def update(self, n: int = 1) -> None:
            self.n += n

        def set_description(self, *args: Any, **kwargs: Any) -> None:
            pass

        def close(self) -> None:
            pass

        def __enter__(self) -> tqdm:
            return self

        def __exit__(self, *exc: Any) -> None:
            pass


def _no_downloads(name: str) -> Any:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"torch.hub.{name}: tinygrad_nn has no model hub and downloads "
                           "nothing; load weights you have with tinygrad_nn.load")

    refuse.__name__ = name
    refuse.__doc__ = "Raises: tinygrad_nn downloads no models."
    return refuse


load = _no_downloads("load")
list = _no_downloads("list")  # noqa: A001 (PyTorch's name)
help = _no_downloads("help")  # noqa: A001 (PyTorch's name)
load_state_dict_from_url = _no_downloads("load_state_dict_from_url")
download_url_to_file = _no_downloads("download_url_to_file")

__all__ = ["download_url_to_file", "help", "list", "load", "load_state_dict_from_url", "tqdm"]
