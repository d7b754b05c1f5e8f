"""Porting test: pytorch/examples word_language_model's Transformer model (an nn.Transformer
subclass using only its encoder, a sinusoidal positional-encoding buffer, a causal float mask
made with log(tril(ones))), trained with truncated BPTT, gradient clipping and a manual SGD
step through `.data`; written as a PyTorch user writes it."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

from .porting_helpers import compare_with_torch, decreased, load_arrays, run_ours, state_arrays

NTOKEN, EMSIZE, NHEAD, NHID, NLAYERS, BPTT, BSZ = 20, 16, 2, 16, 2, 5, 4

# log(0) = -inf is how the program builds its mask; NumPy warns about it where torch does not
pytestmark = [pytest.mark.filterwarnings("ignore:enable_nested_tensor is True"),
              pytest.mark.filterwarnings("ignore:divide by zero encountered in log")]


def transformer_lm(torch: Any, steps: int = 24, deterministic: bool = False,
                   init: dict | None = None) -> dict[str, Any]:
    nn, F = torch.nn, torch.nn.functional
    torch.manual_seed(0)
    dropout = 0.0 if deterministic else 0.2

    class PositionalEncoding(nn.Module):
        def __init__(self, d_model: int, dropout: float = 0.1, max_len: int = 5000) -> None:
            super().__init__()
            self.dropout = nn.Dropout(p=dropout)
            pe = torch.zeros(max_len, d_model)
            position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
            div_term = torch.exp(torch.arange(0, d_model, 2).float()
                                 * (-math.log(10000.0) / d_model))
            pe[:, 0::2] = torch.sin(position * div_term)
            pe[:, 1::2] = torch.cos(position * div_term)
            pe = pe.unsqueeze(0).transpose(0, 1)
            self.register_buffer("pe", pe)

        def forward(self, x: Any) -> Any:
            x = x + self.pe[:x.size(0), :]
            return self.dropout(x)

    class TransformerModel(nn.Transformer):
        def __init__(self) -> None:
            super().__init__(d_model=EMSIZE, nhead=NHEAD, dim_feedforward=NHID,
                             num_encoder_layers=NLAYERS, dropout=dropout)
            self.src_mask = None
            self.pos_encoder = PositionalEncoding(EMSIZE, dropout)
            self.input_emb = nn.Embedding(NTOKEN, EMSIZE)
            self.decoder = nn.Linear(EMSIZE, NTOKEN)
            nn.init.uniform_(self.input_emb.weight, -0.1, 0.1)
            nn.init.zeros_(self.decoder.bias)
            nn.init.uniform_(self.decoder.weight, -0.1, 0.1)

        def forward(self, src: Any) -> Any:
            if self.src_mask is None or self.src_mask.size(0) != len(src):
                self.src_mask = torch.log(torch.tril(torch.ones(len(src), len(src))))
            src = self.pos_encoder(self.input_emb(src) * math.sqrt(EMSIZE))
            output = self.encoder(src, mask=self.src_mask)
            return F.log_softmax(self.decoder(output), dim=-1)

    def batchify(data: Any, bsz: int) -> Any:
        nbatch = data.size(0) // bsz
        return data.narrow(0, 0, nbatch * bsz).view(bsz, -1).t().contiguous()

    def get_batch(source: Any, i: int) -> tuple[Any, Any]:
        seq_len = min(BPTT, len(source) - 1 - i)
        return source[i:i + seq_len], source[i + 1:i + 1 + seq_len].view(-1)

    # a learnable corpus: each token is followed by (token + 1) % NTOKEN
    rng = np.random.default_rng(0)
    ids = [torch.tensor(((s + np.arange(7)) % NTOKEN).tolist()).type(torch.int64)
           for s in rng.integers(0, NTOKEN, 12)]
    train_data = batchify(torch.cat(ids), BSZ)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # enable_nested_tensor with sequence-first layers
        model = TransformerModel()
    load_arrays(torch, model, init)
    init_state = state_arrays(model)
    criterion = nn.NLLLoss()
    lr, losses = 2.0, []
    model.train()
    while len(losses) < steps:
        for i in range(0, train_data.size(0) - 1, BPTT):
            data, targets = get_batch(train_data, i)
            model.zero_grad()
            output = model(data).view(-1, NTOKEN)
            loss = criterion(output, targets)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
            for p in model.parameters():
                p.data.add_(p.grad, alpha=-lr)
            losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        output = model(data)
    return {"losses": losses[:steps], "init": init_state, "out_shape": tuple(output.shape),
            "n_params": len(list(model.parameters())),
            "keys": sorted(model.state_dict())}


def test_transformer_language_model_trains() -> None:
    out = run_ours(transformer_lm)
    assert decreased(out["losses"])
    assert out["out_shape"][1:] == (BSZ, NTOKEN)


def test_transformer_language_model_matches_torch() -> None:
    compare_with_torch(transformer_lm)
