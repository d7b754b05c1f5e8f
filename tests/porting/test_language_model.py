"""Porting test: a word-level language model (Embedding + LSTM/GRU + Linear, optionally tied),
trained with truncated BPTT: hidden-state repackaging, gradient clipping, and either a manual SGD
step through `.data` or an optimizer; written as a PyTorch user writes it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from .porting_helpers import (
    compare_with_torch,
    decreased,
    dtype_name,
    load_arrays,
    run_ours,
    state_arrays,
)

NTOKEN, EMSIZE, NHID, BPTT, BSZ, NLAYERS = 20, 16, 16, 5, 4, 1


def language_model(torch: Any, rnn_type: str = "LSTM", tied: bool = False,
                   use_optimizer: bool = False, steps: int = 30, deterministic: bool = False,
                   init: dict | None = None) -> dict[str, Any]:
    nn, F = torch.nn, torch.nn.functional
    torch.manual_seed(0)
    dropout = 0.0 if deterministic else 0.2

    class RNNModel(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.drop = nn.Dropout(dropout)
            self.encoder = nn.Embedding(NTOKEN, EMSIZE)
            self.rnn = getattr(nn, rnn_type)(EMSIZE, NHID, NLAYERS)
            self.decoder = nn.Linear(NHID, NTOKEN)
            if tied:
                self.decoder.weight = self.encoder.weight
            nn.init.uniform_(self.encoder.weight, -0.1, 0.1)
            nn.init.zeros_(self.decoder.bias)
            nn.init.uniform_(self.decoder.weight, -0.1, 0.1)

        def forward(self, input: Any, hidden: Any) -> tuple[Any, Any]:
            emb = self.drop(self.encoder(input))
            output, hidden = self.rnn(emb, hidden)
            decoded = self.decoder(self.drop(output)).view(-1, NTOKEN)
            return F.log_softmax(decoded, dim=1), hidden

        def init_hidden(self, bsz: int) -> Any:
            weight = next(self.parameters())
            if rnn_type == "LSTM":
                return (weight.new_zeros(NLAYERS, bsz, NHID), weight.new_zeros(NLAYERS, bsz, NHID))
            return weight.new_zeros(NLAYERS, bsz, NHID)

    def batchify(data: Any, bsz: int) -> Any:
        nbatch = data.size(0) // bsz
        data = data.narrow(0, 0, nbatch * bsz)
        return data.view(bsz, -1).t().contiguous()

    def repackage_hidden(h: Any) -> Any:
        if isinstance(h, torch.Tensor):
            return h.detach()
        return tuple(repackage_hidden(v) for v in h)

    def get_batch(source: Any, i: int) -> tuple[Any, Any]:
        seq_len = min(BPTT, len(source) - 1 - i)
        return source[i:i + seq_len], source[i + 1:i + 1 + seq_len].view(-1)

    # a learnable corpus: each token is followed by (token + 1) % NTOKEN
    rng = np.random.default_rng(0)
    ids = [torch.tensor(((s + np.arange(7)) % NTOKEN).tolist()).type(torch.int64)
           for s in rng.integers(0, NTOKEN, 12)]
    train_data = batchify(torch.cat(ids), BSZ)
    model = RNNModel()
    load_arrays(torch, model, init)
    init_state = state_arrays(model)
    criterion = nn.NLLLoss()
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.03) if use_optimizer else None
    lr = 10.0
    losses, norms = [], []
    model.train()
    hidden = model.init_hidden(BSZ)
    while len(losses) < steps:
        for i in range(0, train_data.size(0) - 1, BPTT):
            data, targets = get_batch(train_data, i)
            model.zero_grad()
            hidden = repackage_hidden(hidden)
            output, hidden = model(data, hidden)
            loss = criterion(output, targets)
            loss.backward()
            norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)))
            if optimizer is not None:
                optimizer.step()
            else:
                for p in model.parameters():
                    p.data.add_(p.grad, alpha=-lr)
            losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        output, hidden = model(data, model.init_hidden(BSZ))
    first_hidden = hidden[0] if rnn_type == "LSTM" else hidden
    return {"losses": losses[:steps], "init": init_state, "norms": len(norms) > 0,
            "out_shape": tuple(output.shape), "hidden_shape": tuple(first_hidden.shape),
            "data_dtype": dtype_name(train_data.dtype),
            "tied": model.decoder.weight is model.encoder.weight,
            "n_params": len(list(model.parameters()))}


CONFIGS = [("LSTM", False, False), ("GRU", False, True), ("LSTM", True, False)]


@pytest.mark.parametrize("rnn_type,tied,use_optimizer", CONFIGS)
def test_language_model_trains(rnn_type: str, tied: bool, use_optimizer: bool) -> None:
    out = run_ours(language_model, rnn_type=rnn_type, tied=tied, use_optimizer=use_optimizer)
    assert decreased(out["losses"])
    assert out["out_shape"] == (BPTT * BSZ, NTOKEN) or out["out_shape"][1] == NTOKEN
    assert out["hidden_shape"] == (NLAYERS, BSZ, NHID)
    assert out["data_dtype"] == "int64"
    assert out["tied"] == tied


@pytest.mark.parametrize("rnn_type,tied,use_optimizer", CONFIGS)
def test_language_model_matches_torch(rnn_type: str, tied: bool, use_optimizer: bool) -> None:
    compare_with_torch(language_model, rnn_type=rnn_type, tied=tied, use_optimizer=use_optimizer)
