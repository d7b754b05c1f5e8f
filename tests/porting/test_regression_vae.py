"""Porting tests: a polynomial regression with a hand-written update through `.data`, and a
VAE with the reparameterisation trick; written as a PyTorch user writes them."""

from __future__ import annotations

from typing import Any

import numpy as np

from .porting_helpers import (
    compare_with_torch,
    decreased,
    dtype_name,
    load_arrays,
    run_ours,
    state_arrays,
)

DEGREE = 3


def poly_regression(torch: Any, steps: int = 60, deterministic: bool = False,
                    init: dict | None = None) -> dict[str, Any]:
    F = torch.nn.functional
    rng = np.random.default_rng(3)
    w_target = torch.tensor(rng.normal(size=(DEGREE, 1)).astype(np.float32))
    b_target = torch.tensor(rng.normal(size=1).astype(np.float32))

    def make_features(x: Any) -> Any:
        x = x.unsqueeze(1)
        return torch.cat([x ** i for i in range(1, DEGREE + 1)], 1)

    def get_batch() -> tuple[Any, Any]:
        x = make_features(torch.tensor(rng.uniform(-1, 1, 32).astype(np.float32)))
        return x, x.mm(w_target) + b_target.item()

    fc = torch.nn.Linear(w_target.size(0), 1)
    load_arrays(torch, fc, init)
    init_state = state_arrays(fc)
    losses = []
    for _ in range(steps):
        batch_x, batch_y = get_batch()
        output = F.smooth_l1_loss(fc(batch_x), batch_y)
        output.backward()
        for param in fc.parameters():
            param.data.add_(-0.1 * param.grad)
            param.grad.zero_()
        losses.append(output.item())
    desc = " ".join(f"{w:+.2f}" for w in fc.weight.view(-1)) + f" {fc.bias[0]:+.2f}"
    return {"losses": losses, "init": init_state, "desc_terms": len(desc.split()),
            "grad_after_zero": float(fc.weight.grad.abs().sum().item()),
            "weight_requires_grad": fc.weight.requires_grad,
            "data_requires_grad": fc.weight.data.requires_grad}


def vae(torch: Any, steps: int = 30, deterministic: bool = False,
        init: dict | None = None) -> dict[str, Any]:
    nn, F, optim = torch.nn, torch.nn.functional, torch.optim
    torch.manual_seed(0)

    class VAE(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc1 = nn.Linear(64, 32)
            self.fc21 = nn.Linear(32, 4)
            self.fc22 = nn.Linear(32, 4)
            self.fc3 = nn.Linear(4, 32)
            self.fc4 = nn.Linear(32, 64)

        def encode(self, x: Any) -> tuple[Any, Any]:
            h1 = F.relu(self.fc1(x))
            return self.fc21(h1), self.fc22(h1)

        def reparameterize(self, mu: Any, logvar: Any) -> Any:
            std = torch.exp(0.5 * logvar)
            eps = torch.zeros_like(std) if deterministic else torch.randn_like(std)
            return mu + eps * std

        def decode(self, z: Any) -> Any:
            return torch.sigmoid(self.fc4(F.relu(self.fc3(z))))

        def forward(self, x: Any) -> tuple[Any, Any, Any]:
            mu, logvar = self.encode(x.view(-1, 64))
            return self.decode(self.reparameterize(mu, logvar)), mu, logvar

    def loss_function(recon_x: Any, x: Any, mu: Any, logvar: Any) -> Any:
        bce = F.binary_cross_entropy(recon_x, x.view(-1, 64), reduction="sum")
        kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return bce + kld

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model = VAE().to(device)
    load_arrays(torch, model, init)
    init_state = state_arrays(model)
    optimizer = optim.Adam(model.parameters(), lr=3e-2)
    rng = np.random.default_rng(0)
    data = torch.tensor((rng.random((16, 1, 8, 8)) > 0.5).astype(np.float32)).to(device)
    losses = []
    model.train()
    for _ in range(steps):
        optimizer.zero_grad()
        recon, mu, logvar = model(data)
        loss = loss_function(recon, data, mu, logvar)
        loss.backward()
        optimizer.step()
        losses.append(loss.item() / len(data))
    model.eval()
    with torch.no_grad():
        recon, mu, logvar = model(data)
        n = min(data.size(0), 4)
        comparison = torch.cat([data[:n], recon.view(16, 1, 8, 8)[:n]])
        sample = model.decode(torch.randn(8, 4).to(device)).cpu()
    return {"losses": losses, "init": init_state, "comparison": tuple(comparison.shape),
            "sample": tuple(sample.view(8, 1, 8, 8).shape), "dtype": dtype_name(sample.dtype),
            "sample_requires_grad": sample.requires_grad}


def test_poly_regression_trains() -> None:
    out = run_ours(poly_regression)
    assert decreased(out["losses"])
    assert out["desc_terms"] == DEGREE + 1
    assert out["grad_after_zero"] == 0.0
    assert out["weight_requires_grad"] and not out["data_requires_grad"]


def test_poly_regression_matches_torch() -> None:
    compare_with_torch(poly_regression)


def test_vae_trains() -> None:
    out = run_ours(vae)
    assert decreased(out["losses"])
    assert out["comparison"] == (8, 1, 8, 8) and out["sample"] == (8, 1, 8, 8)
    assert out["dtype"] == "float32" and not out["sample_requires_grad"]


def test_vae_matches_torch() -> None:
    compare_with_torch(vae)
