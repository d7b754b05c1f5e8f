"""``torch.random``: seeding and the state of the library's one generator."""

from ._random import get_rng_state, initial_seed, manual_seed, seed, set_rng_state

__all__ = ["get_rng_state", "initial_seed", "manual_seed", "seed", "set_rng_state"]
