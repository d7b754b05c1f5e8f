"""Porting tests: a graph-attention node classifier whose citation graph is read from text
files into sparse tensors, and a two-cell LSTM that fits sine waves in float64 with L-BFGS and
then forecasts under no_grad; written as a PyTorch user writes them (only the import differs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from .porting_helpers import compare_with_torch, decreased, load_arrays, run_ours, state_arrays

TOPICS = ("Theory", "Neural_Networks", "Rule_Learning")


@pytest.fixture
def citation_files(tmp_path: Path) -> Path:
    """A small citation graph in the layout of the Cora files: ``papers.tsv`` holds a paper id,
    its binary word features and its topic per line; ``links.tsv`` holds citing / cited ids
    (some pairs twice). A topic's papers use its own words more and cite each other more;
    one paper has no words, so its row sum is 0."""
    rng = np.random.default_rng(7)
    n, words = 48, 18
    ids = rng.choice(10_000, n, replace=False)
    topic = np.arange(n) % 3
    rows = []
    for i in range(n):
        p_word = np.where(np.arange(words) % 3 == topic[i], 0.6, 0.1)
        feats = (rng.random(words) < p_word).astype(int) * (i != 3)
        rows.append("\t".join([str(ids[i]), *map(str, feats), TOPICS[topic[i]]]))
    (tmp_path / "papers.tsv").write_text("\n".join(rows) + "\n")
    pairs = rng.choice(n, size=(200, 2))
    links = [f"{ids[a]}\t{ids[b]}" for a, b in pairs
             if a != b and (topic[a] == topic[b] or rng.random() < 0.2)]
    (tmp_path / "links.tsv").write_text("\n".join(links) + "\n")
    return tmp_path


def graph_attention(torch: Any, folder: Path, deterministic: bool = False,
                    init: dict | None = None) -> dict[str, Any]:
    nn, F = torch.nn, torch.nn.functional
    drop = 0.0 if deterministic else 0.3

    class AttentionLayer(nn.Module):
        """Multi-head attention over each node's neighbours, heads averaged or concatenated."""

        def __init__(self, n_in: int, n_out: int, heads: int, concat: bool) -> None:
            super().__init__()
            self.heads, self.concat, self.n_out = heads, concat, n_out
            self.width = n_out // heads if concat else n_out
            self.W = nn.Parameter(torch.empty(size=(n_in, self.width * heads)))
            self.a = nn.Parameter(torch.empty(size=(heads, 2 * self.width, 1)))
            self.act = nn.LeakyReLU(0.2)
            nn.init.xavier_normal_(self.W)
            nn.init.xavier_normal_(self.a)

        def forward(self, h: Any, adj: Any) -> Any:
            n = h.shape[0]
            z = F.dropout(torch.mm(h, self.W), drop, training=self.training)
            z = z.view(n, self.heads, self.width).permute(1, 0, 2)  # (heads, nodes, width)
            src = torch.matmul(z, self.a[:, :self.width, :])
            dst = torch.matmul(z, self.a[:, self.width:, :])
            scores = self.act(src + dst.mT)
            scores = torch.where(adj > 0, scores, -9e16 * torch.ones_like(scores))
            weights = F.dropout(F.softmax(scores, dim=-1), drop, training=self.training)
            out = torch.matmul(weights, z)
            if self.concat:
                return out.permute(1, 0, 2).contiguous().view(n, self.n_out)
            return out.mean(dim=0)

    class Net(nn.Module):
        def __init__(self, n_in: int, n_classes: int, concat: bool) -> None:
            super().__init__()
            self.first = AttentionLayer(n_in, 8, 4, concat)
            self.second = AttentionLayer(8, n_classes, 1, False)

        def forward(self, x: Any, adj: Any) -> Any:
            return F.log_softmax(self.second(F.elu(self.first(x, adj)), adj), dim=1)

    papers = np.genfromtxt(folder / "papers.tsv", dtype=np.dtype(str))
    links = np.genfromtxt(folder / "links.tsv", dtype=np.int32)
    features = torch.FloatTensor(papers[:, 1:-1].astype(np.int32))
    inverse = 1 / torch.sum(features, dim=1)
    inverse[inverse == float("inf")] = 0  # the paper without words
    features = torch.diag(inverse).to_sparse() @ features  # rows normalised to sum 1
    _, topic = np.unique(papers[:, -1], return_inverse=True)
    labels = torch.LongTensor(topic)
    position = {pid: k for k, pid in enumerate(papers[:, 0].astype(np.int32))}
    edges = np.array([[position[a], position[b]] for a, b in links], dtype=np.int32)
    n = len(position)
    adj = torch.sparse_coo_tensor(edges.T, torch.ones(len(edges)), (n, n), dtype=torch.int64)
    adj = torch.eye(n) + adj  # self-loops; repeated links add up
    train, held_out = torch.arange(0, 36), torch.arange(36, n)

    results: dict[str, Any] = {"init": {}, "losses": []}
    for concat in (False, True):
        torch.manual_seed(0)
        net = Net(features.shape[1], int(labels.max().item()) + 1, concat)
        load_arrays(torch, net, None if init is None else init[f"concat={concat}"])
        results["init"][f"concat={concat}"] = state_arrays(net)
        opt = torch.optim.Adam(net.parameters(), lr=0.05, weight_decay=5e-4)
        loss_fn = nn.NLLLoss()
        for _ in range(12):
            net.train()
            opt.zero_grad()
            loss = loss_fn(net(features, adj)[train], labels[train])
            loss.backward()
            opt.step()
            results["losses"].append(loss.item())
        net.eval()
        with torch.no_grad():
            out = net(features, adj)[held_out]
            hits = (out.argmax(dim=1) == labels[held_out]).float().sum()
            results[f"accuracy concat={concat}"] = hits.item() / len(labels[held_out])
            results[f"eval requires grad concat={concat}"] = out.requires_grad
    results["feature sum"] = round(float(features.sum()), 4)
    results["adjacency"] = (str(adj.dtype).rsplit(".", 1)[-1], tuple(adj.shape),
                            int(adj.sum().item()))
    return results


def sine_forecaster(torch: Any, deterministic: bool = False,
                    init: dict | None = None) -> dict[str, Any]:
    nn = torch.nn

    class Forecaster(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.cell1 = nn.LSTMCell(1, 12)
            self.cell2 = nn.LSTMCell(12, 12)
            self.head = nn.Linear(12, 1)

        def forward(self, series: Any, future: int = 0) -> Any:
            n = series.size(0)
            h1, c1, h2, c2 = (torch.zeros(n, 12, dtype=torch.double) for _ in range(4))
            outputs = []
            for step in series.split(1, dim=1):
                h1, c1 = self.cell1(step, (h1, c1))
                h2, c2 = self.cell2(h1, (h2, c2))
                y = self.head(h2)
                outputs += [y]
            for _ in range(future):  # feed each prediction back in
                h1, c1 = self.cell1(y, (h1, c1))
                h2, c2 = self.cell2(h1, (h2, c2))
                y = self.head(h2)
                outputs += [y]
            return torch.cat(outputs, dim=1)

    rng = np.random.default_rng(5)
    t = np.arange(60) + rng.integers(-40, 40, size=(8, 1))
    data = torch.from_numpy(np.sin(t / 6.0).astype("float64"))
    series, target = data[2:, :-1], data[2:, 1:]
    torch.manual_seed(0)
    model = Forecaster().double()
    load_arrays(torch, model, init)
    init_state = state_arrays(model)
    loss_fn = nn.MSELoss()
    opt = torch.optim.LBFGS(model.parameters(), lr=0.8, max_iter=8)
    losses: list[float] = []
    for _ in range(3):
        def closure() -> Any:
            opt.zero_grad()
            loss = loss_fn(model(series), target)
            losses.append(loss.item())
            loss.backward()
            return loss

        opt.step(closure)
    with torch.no_grad():
        forecast = model(data[:2, :-1], future=20)
        test_loss = loss_fn(forecast[:, :-20], data[:2, 1:]).item()
    return {"losses": losses, "init": init_state, "test loss": test_loss,
            "forecast": (tuple(forecast.shape), str(forecast.dtype).rsplit(".", 1)[-1]),
            "forecast requires grad": forecast.requires_grad}


def test_graph_attention_trains(citation_files: Path) -> None:
    out = run_ours(graph_attention, folder=citation_files)
    assert decreased(out["losses"][:12]) and decreased(out["losses"][12:])
    assert out["adjacency"][:2] == ("float32", (48, 48))  # eye (float32) + int64 links
    assert not out["eval requires grad concat=True"]


def test_graph_attention_matches_torch(citation_files: Path) -> None:
    compare_with_torch(graph_attention, folder=citation_files)


def test_sine_forecaster_trains() -> None:
    out = run_ours(sine_forecaster)
    assert decreased(out["losses"])
    assert out["forecast"] == ((2, 79), "float64") and not out["forecast requires grad"]


def test_sine_forecaster_matches_torch() -> None:
    compare_with_torch(sine_forecaster, rtol=1e-6, atol=1e-9)
