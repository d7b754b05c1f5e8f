"""PyTorch's one-module-per-distribution layout (``torch.distributions.normal.Normal``,
``torch.distributions.relaxed_bernoulli.LogitRelaxedBernoulli``, ...): the classes live in
a few modules here, and these names are registered as light modules re-exporting them, so
``from tinygrad_nn.distributions.normal import Normal`` works as with torch."""

from __future__ import annotations

import sys
import types
from typing import Any

# torch.distributions submodule -> the names of its ``__all__`` (those not a module here)
TORCH_MODULES = {
    "bernoulli": ["Bernoulli"], "beta": ["Beta"], "binomial": ["Binomial"],
    "categorical": ["Categorical"], "cauchy": ["Cauchy"], "chi2": ["Chi2"],
    "continuous_bernoulli": ["ContinuousBernoulli"], "dirichlet": ["Dirichlet"],
    "exponential": ["Exponential"], "fishersnedecor": ["FisherSnedecor"],
    "generalized_pareto": ["GeneralizedPareto"], "geometric": ["Geometric"],
    "gumbel": ["Gumbel"], "half_cauchy": ["HalfCauchy"], "half_normal": ["HalfNormal"],
    "inverse_gamma": ["InverseGamma"], "kumaraswamy": ["Kumaraswamy"], "laplace": ["Laplace"],
    "log_normal": ["LogNormal"], "logistic_normal": ["LogisticNormal"],
    "lowrank_multivariate_normal": ["LowRankMultivariateNormal"],
    "mixture_same_family": ["MixtureSameFamily"], "multinomial": ["Multinomial"],
    "negative_binomial": ["NegativeBinomial"], "normal": ["Normal"],
    "one_hot_categorical": ["OneHotCategorical", "OneHotCategoricalStraightThrough"],
    "pareto": ["Pareto"], "poisson": ["Poisson"],
    "relaxed_bernoulli": ["LogitRelaxedBernoulli", "RelaxedBernoulli"],
    "relaxed_categorical": ["ExpRelaxedCategorical", "RelaxedOneHotCategorical"],
    "studentT": ["StudentT"], "uniform": ["Uniform"], "von_mises": ["VonMises"],
    "weibull": ["Weibull"],
}


def register(package: Any, namespace: dict[str, Any]) -> None:
    """Create ``<package>.<name>`` for every entry of ``TORCH_MODULES``, holding the classes
    found in ``namespace``, as attributes of the package and entries of ``sys.modules``."""
    for name, members in TORCH_MODULES.items():
        full = f"{package.__name__}.{name}"
        module = types.ModuleType(full, f"PyTorch's torch.distributions.{name}: "
                                        f"{', '.join(members)}.")
        for member in members:
            setattr(module, member, namespace[member])
        module.__dict__["__all__"] = list(members)
        sys.modules[full] = module
        setattr(package, name, module)


__all__ = ["TORCH_MODULES", "register"]
