"""A character-level LSTM language model that invents dinosaur names.

    python examples/char_lstm.py [--iterations 300] [--hidden 64] [--seq 16] [--batch 16]

The training text is the list of names below, one per line. The model reads characters
through ``Embedding -> LSTM -> Linear`` and learns to predict the next one (cross-entropy
over the vocabulary); the whole unrolled sequence is differentiated by ``backward()``
(back-propagation through time). Gradients are clipped to norm 5 with
``clip_grad_norm_`` as in the course. Afterwards it samples new names one character
at a time, feeding each sampled character back in with the LSTM's state.
"""

import argparse

import numpy as np

import tinygrad_nn as tg
import tinygrad_nn.functional as F
from tinygrad_nn import nn, optim
from tinygrad_nn.nn.utils import clip_grad_norm_

NAMES = """
aardonyx abelisaurus abrictosaurus acanthopholis achelousaurus acrocanthosaurus
adasaurus aegyptosaurus afrovenator agilisaurus alamosaurus albertosaurus alioramus
allosaurus alvarezsaurus amargasaurus ammosaurus ampelosaurus anchisaurus ankylosaurus
antarctosaurus apatosaurus archaeopteryx argentinosaurus avimimus bactrosaurus
bambiraptor barosaurus baryonyx brachiosaurus camarasaurus camptosaurus carnotaurus
caudipteryx centrosaurus ceratosaurus chasmosaurus coelophysis compsognathus
corythosaurus cryolophosaurus dacentrurus deinonychus dilophosaurus diplodocus
dracorex dryosaurus edmontosaurus einiosaurus elasmosaurus eoraptor euoplocephalus
gallimimus giganotosaurus gorgosaurus hadrosaurus herrerasaurus heterodontosaurus
hypsilophodon iguanodon kentrosaurus lambeosaurus leaellynasaura maiasaura mamenchisaurus
megalosaurus microraptor minmi nodosaurus ornithomimus oviraptor pachycephalosaurus
parasaurolophus pentaceratops plateosaurus protoceratops psittacosaurus saltasaurus
sauropelta saurolophus scelidosaurus spinosaurus stegosaurus struthiomimus styracosaurus
suchomimus therizinosaurus torosaurus triceratops troodon tyrannosaurus utahraptor
velociraptor vulcanodon zuniceratops
""".split()


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
            logits, state = model(tg.Tensor(np.array([[idx]])), state)
            p = logits[0, 0].softmax(axis=-1).numpy().astype(np.float64)
            idx = rng.choice(len(p), p=p / p.sum())
            if itos[idx] == "\n":
                break
            chars.append(itos[idx])
    return "".join(chars).capitalize()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iterations", type=int, default=300)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--seq", type=int, default=16, help="characters per training window")
    ap.add_argument("--batch", type=int, default=16, help="windows per step")
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--samples", type=int, default=8)
    args = ap.parse_args(argv)

    text = "\n" + "\n".join(NAMES) + "\n"
    itos = sorted(set(text))
    stoi = {ch: i for i, ch in enumerate(itos)}
    data = encode(text, stoi)
    print(f"{len(NAMES)} names, {len(data)} characters, vocabulary of {len(itos)}")

    tg.manual_seed(0)
    rng = np.random.default_rng(0)
    model = CharLSTM(len(itos), args.hidden)
    opt = optim.Adam(model.parameters(), lr=args.lr)
    smooth = None
    for it in range(args.iterations):
        # random windows of the text; the target is the window shifted by one character
        starts = rng.integers(0, len(data) - args.seq - 1, args.batch)
        window = np.stack([data[s:s + args.seq + 1] for s in starts], axis=1)  # (T + 1, B)
        logits, _ = model(tg.Tensor(window[:-1]))
        loss = F.cross_entropy(logits.reshape(-1, len(itos)), tg.Tensor(window[1:].reshape(-1)))
        opt.zero_grad()
        loss.backward()
        clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        smooth = loss.item() if smooth is None else 0.9 * smooth + 0.1 * loss.item()
        if it % max(1, args.iterations // 6) == 0 or it == args.iterations - 1:
            print(f"iteration {it:4d}  loss {smooth:.4f}")

    print("sampled names:")
    for _ in range(args.samples):
        print("  " + sample(model, stoi, itos, rng))


if __name__ == "__main__":
    main()
