"""Trains the fixture punctuator and exports it in sherpa-onnx's CT-transformer contract.

sherpa-onnx (offline-ct-transformer-model.cc, offline-punctuation-ct-transformer-impl.h) runs the
model on segments of the text's tokens: inputs (1, T) int32 token ids and (1,) int32 length, output
(1, T, P) float logits whose last dimension must be fixed (it reads P from the output's shape).
Metadata it reads, exiting when one is missing: `tokens` ('|'-separated, id = position),
`vocab_size` (= their count), `punctuations` ('|'-separated, must hold 。 ， ？ 、 and _), and
`unk_symbol` (must be one of the tokens). The network is small: token embedding, a convolution
(word order; there is no position encoding, so any segment length works), two self-attention
layers masked by the length input, and a per-token classifier.

Usage: /usr/bin/python3 train_punct.py OUTDIR --minutes 8 [--seed 13] [--init EARLIER/model.pt]
"""
import argparse
import os
import time

import numpy as np
import onnx
import torch
from torch import nn

from punct_data import DOT, NONE, PUNCTS, QUEST, Grammar, vocabulary

torch.set_num_threads(1)
torch.manual_seed(13)


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)
        self.norm1 = nn.LayerNorm(dim)
        self.norm2 = nn.LayerNorm(dim)
        self.ff = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))

    def forward(self, x, key_bias):  # x (N, T, D); key_bias (N, 1, 1, T): 0 or -1e4
        n, t, d = x.shape
        h = self.norm1(x)
        q, k, v = self.qkv(h).reshape(n, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        att = (q @ k.transpose(-1, -2)) / float(np.sqrt(d // self.heads)) + key_bias
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(n, t, d)
        x = x + self.out(y)
        return x + self.ff(self.norm2(x))


class Punctuator(nn.Module):
    def __init__(self, vocab, dim=64, heads=4):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.conv = nn.Conv1d(dim, dim, 5, padding=2)
        self.layers = nn.ModuleList([Attention(dim, heads) for _ in range(2)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, len(PUNCTS))

    def forward(self, text, text_lengths):  # (N, T) int32, (N,) int32 → (N, T, P) logits
        x = self.embed(text.long())
        x = x + torch.relu(self.conv(x.transpose(1, 2))).transpose(1, 2)
        pos = torch.arange(text.shape[1], device=text.device).unsqueeze(0)
        valid = pos < text_lengths.long().unsqueeze(1)
        key_bias = ((~valid).float() * -1e4).unsqueeze(1).unsqueeze(1)
        for layer in self.layers:
            x = layer(x, key_bias)
        return self.head(self.norm(x))


def encode(seqs, token2id, unk):
    t = max(len(s) for s in seqs)
    x = np.zeros((len(seqs), t), dtype=np.int32)
    y = np.full((len(seqs), t), -100, dtype=np.int64)
    for i, s in enumerate(seqs):
        for j, (w, lab) in enumerate(s):
            x[i, j] = token2id.get(w, unk)
            y[i, j] = lab
    return torch.from_numpy(x), torch.tensor([len(s) for s in seqs], dtype=torch.int32), torch.from_numpy(y)


def evaluate(model, seqs, token2id, unk):
    """token label accuracy, mark precision/recall (a mark counts when its kind and place are right), sentences exact"""
    model.eval()
    ok = tot = tp = n_pred = n_true = exact = 0
    with torch.no_grad():
        for i in range(0, len(seqs), 64):
            batch = seqs[i:i + 64]
            x, xl, y = encode(batch, token2id, unk)
            pred = model(x, xl).argmax(-1)
            for b, s in enumerate(batch):
                p, t = pred[b, :len(s)].numpy(), y[b, :len(s)].numpy()
                p[-1] = p[-1] if p[-1] in (DOT, QUEST) else DOT  # sherpa-onnx closes the text with 。
                ok += int((p == t).sum())
                tot += len(s)
                tp += int(((p == t) & (t != NONE)).sum())
                n_pred += int((p != NONE).sum())
                n_true += int((t != NONE).sum())
                exact += int((p == t).all())
    model.train()
    return ok / tot, tp / max(n_pred, 1), tp / max(n_true, 1), exact / len(seqs)


def export(model, vocab, out_dir):
    model.eval()
    path = os.path.join(out_dir, "model.onnx")
    x = torch.zeros((1, 12), dtype=torch.int32)
    xl = torch.tensor([12], dtype=torch.int32)
    torch.onnx.export(model, (x, xl), path, input_names=["text", "text_lengths"], output_names=["logits"],
                      dynamic_axes={"text": {0: "N", 1: "T"}, "text_lengths": {0: "N"}, "logits": {0: "N", 1: "T"}},
                      opset_version=13)
    m = onnx.load(path)
    meta = {"model_type": "ct_transformer", "version": "1", "vocab_size": str(len(vocab)), "tokens": "|".join(vocab),
            "punctuations": "|".join(PUNCTS), "unk_symbol": "<unk>",
            "comment": "Hailing fixture punctuator (scripts/speech-fixtures/train_punct.py); synthetic call-centre sentences"}
    for k, v in meta.items():
        m.metadata_props.add(key=k, value=v)
    onnx.save(m, path)
    print("exported", path, os.path.getsize(path), "bytes")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out_dir")
    p.add_argument("--minutes", type=float, default=4)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--init", help="a checkpoint (model.pt) of an earlier run to continue from")
    a = p.parse_args()
    vocab = vocabulary()
    token2id = {w: i for i, w in enumerate(vocab)}
    unk = token2id["<unk>"]
    train_g, held_g = Grammar(False), Grammar(True)
    held_rng = np.random.default_rng([a.seed, 1])
    heldout = [held_g.sequence(held_rng) for _ in range(600)]
    model = Punctuator(len(vocab))
    if a.init:
        model.load_state_dict(torch.load(a.init))
    print("vocabulary", len(vocab), "parameters", sum(q.numel() for q in model.parameters()), flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=1e-4)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    rng = np.random.default_rng([a.seed, 0])
    start, deadline = time.time(), time.time() + a.minutes * 60
    step = 0
    while time.time() < deadline:
        frac = (time.time() - start) / (deadline - start)
        for pg in opt.param_groups:  # warm-up then cosine decay over the time budget
            pg["lr"] = a.lr * min(1.0, frac * 20) * 0.5 * (1 + np.cos(np.pi * min(frac, 1.0)))
        seqs = [train_g.sequence(rng) for _ in range(32)]
        # sherpa-onnx feeds windows of 20 tokens that may end inside a sentence: half the sequences
        # are cut at a random token, keeping its true label, so a window's end is not taken as a stop
        seqs = [s[:int(rng.integers(1, len(s) + 1))] if rng.random() < 0.5 else s for s in seqs]
        x, xl, y = encode(seqs, token2id, unk)
        drop = (torch.from_numpy(rng.random(x.shape)) < 0.04) & (y >= 0)  # unseen words: some tokens as <unk>
        x = torch.where(drop, torch.full_like(x, unk), x)
        loss = loss_fn(model(x, xl).reshape(-1, len(PUNCTS)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 2.0)
        opt.step()
        step += 1
        if step % 200 == 0:
            acc, prec, rec, ex = evaluate(model, heldout, token2id, unk)
            print(f"step {step} loss {loss.item():.3f} held-out acc {acc:.3%} mark P {prec:.3%} R {rec:.3%} "
                  f"exact {ex:.3%} ({time.time() - start:.0f} s)", flush=True)
    acc, prec, rec, ex = evaluate(model, heldout, token2id, unk)
    n_tok = sum(len(s) for s in heldout)
    print(f"final held-out ({len(heldout)} sequences, {n_tok} tokens): token accuracy {acc:.3%}, "
          f"mark precision {prec:.3%}, recall {rec:.3%}, sequences exact {ex:.3%}; {step} steps")
    os.makedirs(a.out_dir, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(a.out_dir, "model.pt"))
    export(model, vocab, a.out_dir)


if __name__ == "__main__":
    main()
