"""Trains the fixture CTC digit recogniser and exports it as a sherpa-onnx offline `tdnn` model.

Input: (N, T, 23) fbank at 8 kHz (fbank.py, as sherpa-onnx computes it). The network is a stack of
1-D convolutions with two stride-2 layers, so each output frame covers 40 ms: sherpa-onnx's CTC
front end multiplies output frames by a subsampling factor of 4 for timestamps. Global feature
mean and deviation are folded into the graph, because sherpa-onnx feeds raw log-mel values.
Labels: <blk>=0, digit d = d+1, shared by English and Mandarin (the text is the digit string).

Usage: /usr/bin/python3 train_digits.py TRAIN.npz HELDOUT.npz OUTDIR --minutes 8
"""
import argparse
import os
import time

import numpy as np
import onnx
import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(13)
VOCAB = 11


class DigitTdnn(nn.Module):
    def __init__(self, mean, std, dim=23, hidden=128):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32))

        def block(cin, cout, k, stride=1, dilation=1):
            pad = dilation * (k - 1) // 2
            return nn.Sequential(nn.Conv1d(cin, cout, k, stride, pad, dilation), nn.ReLU(), nn.BatchNorm1d(cout))

        self.net = nn.Sequential(
            block(dim, 128, 5, stride=2),
            block(128, hidden, 5, stride=2),
            block(hidden, hidden, 3, dilation=1),
            block(hidden, hidden, 3, dilation=2),
            block(hidden, hidden, 3, dilation=4),
            block(hidden, hidden, 3, dilation=1),
            nn.Dropout(0.1),
            nn.Conv1d(hidden, VOCAB, 1),
        )

    def forward(self, x):  # x: (N, T, C) → log-probs (N, T', VOCAB)
        x = ((x - self.mean) / self.std).transpose(1, 2)
        return self.net(x).transpose(1, 2).log_softmax(-1)


def out_len(t):
    """frames out of the two stride-2 convolutions: ceil(ceil(T / 2) / 2)"""
    half = torch.div(t + 1, 2, rounding_mode="floor")
    return torch.div(half + 1, 2, rounding_mode="floor")


def load(path):
    d = np.load(path)
    # each d[...] decompresses the whole array again: read each once
    all_feats, all_labels, feat_lens, label_lens = d["feats"], d["labels"], d["feat_lens"], d["label_lens"]
    fo = np.concatenate([[0], np.cumsum(feat_lens)])
    lo = np.concatenate([[0], np.cumsum(label_lens)])
    feats = [all_feats[fo[i]:fo[i + 1]] for i in range(len(feat_lens))]
    labels = [all_labels[lo[i]:lo[i + 1]] for i in range(len(label_lens))]
    return feats, labels


def batches(feats, labels, rng, max_frames=2500):
    order = sorted(rng.permutation(len(feats)), key=lambda i: len(feats[i]) + rng.integers(0, 40))
    groups, cur, frames = [], [], 0
    for i in order:
        if cur and (len(cur) + 1) * len(feats[i]) > max_frames:
            groups.append(cur)
            cur = []
        cur.append(i)
    if cur:
        groups.append(cur)
    rng.shuffle(groups)
    return groups


def collate(idx, feats, labels, rng=None):
    T = max(len(feats[i]) for i in idx)
    x = np.full((len(idx), T, feats[idx[0]].shape[1]), -15.9, dtype=np.float32)
    for j, i in enumerate(idx):
        f = feats[i].copy()
        if rng is not None:  # SpecAugment-style masks: two frequency bands, a few time spans
            for _ in range(2):
                w = rng.integers(0, 4)
                s = rng.integers(0, f.shape[1] - w + 1)
                f[:, s:s + w] = f.mean()
            for _ in range(int(len(f) // 150)):
                w = rng.integers(0, 8)
                s = rng.integers(0, max(1, len(f) - w))
                f[s:s + w] = f.mean()
        x[j, : len(f)] = f
    ys = torch.tensor(np.concatenate([labels[i] + 1 for i in idx]))
    return torch.tensor(x), torch.tensor([len(feats[i]) for i in idx]), ys, torch.tensor([len(labels[i]) for i in idx])


def edit_distance(a, b):
    d = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(b) + 1):
            cur = min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] != b[j - 1]))
            prev, d[j] = d[j], cur
    return d[len(b)]


def greedy(logp):
    best = logp.argmax(-1).tolist()
    out, last = [], 0
    for t in best:
        if t != last and t != 0:
            out.append(t - 1)
        last = t
    return out


def digit_error(model, feats, labels):
    model.eval()
    errors = total = 0
    with torch.no_grad():
        for f, y in zip(feats, labels):
            hyp = greedy(model(torch.tensor(f)[None])[0])
            errors += edit_distance(list(y), hyp)
            total += len(y)
    model.train()
    return errors / total


def export(model, out_dir):
    model.eval()
    path = os.path.join(out_dir, "model.onnx")
    torch.onnx.export(model, torch.zeros(1, 200, 23), path, input_names=["x"], output_names=["log_probs"],
                      dynamic_axes={"x": {0: "N", 1: "T"}, "log_probs": {0: "N", 1: "T_out"}}, opset_version=13)
    m = onnx.load(path)
    meta = {"model_type": "tdnn", "vocab_size": str(VOCAB), "subsampling_factor": "4", "feature_dim": "23",
            "sample_rate": "8000", "model_author": "hailing scripts/speech-fixtures",
            "comment": "fixture CTC digit recogniser (English + Mandarin digits), trained on espeak-ng/flite speech"}
    for k, v in meta.items():
        e = m.metadata_props.add()
        e.key, e.value = k, v
    onnx.save(m, path)
    with open(os.path.join(out_dir, "tokens.txt"), "w") as fh:
        fh.write("<blk> 0\n" + "".join(f"{d} {d + 1}\n" for d in range(10)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("train")
    p.add_argument("heldout")
    p.add_argument("out_dir")
    p.add_argument("--minutes", type=float, default=8)
    p.add_argument("--lr", type=float, default=4e-3, help="peak learning rate")
    p.add_argument("--max-frames", type=int, default=2500, help="input frames per batch")
    p.add_argument("--init", help="a checkpoint (model.pt) of an earlier run to continue from")
    a = p.parse_args()
    feats, labels = load(a.train)
    hf, hl = load(a.heldout)
    allf = np.concatenate(feats)
    model = DigitTdnn(allf.mean(0), allf.std(0) + 1e-3)
    if a.init:
        model.load_state_dict(torch.load(a.init))
    print("parameters:", sum(p.numel() for p in model.parameters()), flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    ctc = nn.CTCLoss(zero_infinity=True)
    rng = np.random.default_rng(13)
    start, deadline = time.time(), time.time() + a.minutes * 60
    epoch = step = 0
    while time.time() < deadline:
        epoch += 1
        total = 0.0
        groups = batches(feats, labels, rng, a.max_frames)
        for g in groups:
            frac = min(1.0, (time.time() - start) / (deadline - start))
            for pg in opt.param_groups:  # warm-up then cosine decay over the time budget
                pg["lr"] = a.lr * min(1.0, frac * 20) * 0.5 * (1 + np.cos(np.pi * frac))
            x, xl, y, yl = collate(g, feats, labels, rng)
            logp = model(x)
            loss = ctc(logp.transpose(0, 1), y, out_len(xl), yl)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            total += loss.item()
            step += 1
            if step % 100 == 0:
                print(f"step {step} loss {loss.item():.3f}", flush=True)
            if time.time() > deadline:
                break
        print(f"epoch {epoch} loss {total / len(groups):.3f} held-out digit error "
              f"{digit_error(model, hf, hl):.3%} ({time.time() - start:.0f} s)", flush=True)
    err = digit_error(model, hf, hl)
    print(f"final held-out digit error {err:.3%} over {sum(len(y) for y in hl)} digits")
    os.makedirs(a.out_dir, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(a.out_dir, "model.pt"))
    export(model, a.out_dir)


if __name__ == "__main__":
    main()
