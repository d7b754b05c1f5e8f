"""A character-level LSTM language model that invents dinosaur names (real data: 1,623 names).

    python examples/char_lstm.py [--iterations 600] [--hidden 64] [--seq 32] [--batch 32]

The training text is examples/data/dinos.txt, 1,623 dinosaur genus names, one per line, as in
the course's "Dinosaurus Island" assignment. The model reads characters
through ``Embedding -> LSTM -> Linear`` and learns to predict the next one (cross-entropy
over the vocabulary); the whole unrolled sequence is differentiated by ``backward()``
(back-propagation through time). Gradients are clipped to norm 5 with
``clip_grad_norm_`` as in the course. Afterwards it samples new names one character
at a time, feeding each sampled character back in with the LSTM's state, and
prints the average loss per character on 10 % of the names held out (chance: log 27 = 3.3).
Writes the loss curve to --out.
"""

import argparse

import numpy as np
from _common import log, plot_curves, progress
from _datasets import dinosaur_names

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import nn, optim
from tinygrad_nn.nn.utils import clip_grad_norm_


def encode(text, stoi):
    return np.array([stoi[ch] for ch in text], dtype=np.int64)


class CharLSTM(nn.Module):
    """Next-character model: indices (T, B) -> logits (T, B, V), plus the LSTM state."""

    def __init__(self, vocab, hidden, embed=16):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, idx, state=None):
        h, state = self.lstm(self.embed(idx), state)
        return self.out(h), state


def sample(model, stoi, itos, rng, max_len=20):
    """Draw one name: start from a newline, sample characters until the next newline."""
    idx, state, chars = stoi["\n"], None, []
    with tg.no_grad():
        for _ in range(max_len):
            logits, state = model(tg.tensor(np.array([[idx]])), state)
            p = logits[0, 0].softmax(axis=-1).numpy().astype(np.float64)
            idx = rng.choice(len(p), p=p / p.sum())
            if itos[idx] == "\n":
                break
            chars.append(itos[idx])
    return "".join(chars).capitalize()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iterations", type=int, default=600)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--seq", type=int, default=32, help="characters per training window")
    ap.add_argument("--batch", type=int, default=32, help="windows per step")
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--samples", type=int, default=10)
    ap.add_argument("--out", default="out", help="folder for the loss curve")
    args = ap.parse_args(argv)

    names = dinosaur_names()
    rng = np.random.default_rng(0)
    order = rng.permutation(len(names))
    held_out = [names[i] for i in order[:len(names) // 10]]
    train_names = [names[i] for i in order[len(names) // 10:]]
    text = "\n" + "\n".join(train_names) + "\n"
    itos = sorted(set("\n".join(names) + "\n"))
    stoi = {ch: i for i, ch in enumerate(itos)}
    data = encode(text, stoi)
    print(f"{len(train_names)} names to learn from ({len(data)} characters), "
          f"{len(held_out)} held out, vocabulary of {len(itos)}")

    tg.manual_seed(0)
    model = CharLSTM(len(itos), args.hidden)
    opt = optim.Adam(model.parameters(), lr=args.lr)
    smooth, curve = None, []
    for it in progress(range(args.iterations), desc="training"):
        # random windows of the text; the target is the window shifted by one character
        starts = rng.integers(0, len(data) - args.seq - 1, args.batch)
        window = np.stack([data[s:s + args.seq + 1] for s in starts], axis=1)  # (T + 1, B)
        logits, _ = model(tg.tensor(window[:-1]))
        loss = F.cross_entropy(logits.reshape(-1, len(itos)), tg.tensor(window[1:].reshape(-1)))
        opt.zero_grad()
        loss.backward()
        clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        smooth = loss.item() if smooth is None else 0.9 * smooth + 0.1 * loss.item()
        curve.append(smooth)
        if it % max(1, args.iterations // 6) == 0 or it == args.iterations - 1:
            log(f"iteration {it:4d}  loss {smooth:.4f}")

    held = encode("\n" + "\n".join(held_out) + "\n", stoi)
    model.eval()
    with tg.no_grad():
        logits, _ = model(tg.tensor(held[:-1, None]))
        held_loss = F.cross_entropy(logits.reshape(-1, len(itos)), tg.tensor(held[1:])).item()
    print(f"held-out names: {held_loss:.3f} nats per character "
          f"(uniform guessing: {np.log(len(itos)):.3f})")
    plot_curves({"training loss (smoothed)": curve}, args.out, "char_lstm_loss.png",
                xlabel="iteration", ylabel="cross-entropy per character",
                title="dinosaur-name LSTM")

    print("sampled names:")
    for _ in range(args.samples):
        print("  " + sample(model, stoi, itos, rng))


if __name__ == "__main__":
    main()
