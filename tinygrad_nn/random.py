"""``torch.random``: seeding and the state of the library's one generator (also as the
``Generator`` object ``default_generator``, which ``manual_seed`` returns)."""

from ._random import (
           default_generator,
           get_rng_state,
           initial_seed,
           manual_seed,
           seed,
           set_rng_state,
)

__all__ = ["default_generator", "get_rng_state", "initial_seed", "manual_seed", "seed",
           "set_rng_state"]
