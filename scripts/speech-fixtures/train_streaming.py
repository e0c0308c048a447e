"""Trains the fixture streaming digit recogniser and exports it in sherpa-onnx's `lstm` transducer contract.

Same data and features as the CTC fixture (make_digits.py: 23-bin fbank at 8 kHz as sherpa-onnx
computes it). sherpa-onnx's OnlineLstmTransducerModel (online-lstm-transducer-model.cc) runs
  encoder  x (N, T, 23), h (num_encoder_layers, N, d_model), c (num_encoder_layers, N, rnn_hidden_size)
           → encoder_out (N, T', joiner_dim), next_h, next_c     [metadata model_type=lstm,
           num_encoder_layers, T, decode_chunk_len, rnn_hidden_size, d_model]
  decoder  y (N, context_size) int64 → decoder_out (N, dim)     [vocab_size, context_size]
  joiner   encoder_out (N, joiner_dim), decoder_out (N, dim) → logit (N, vocab_size)
feeding T feature frames per encoder call and moving on by decode_chunk_len; it treats h and c as
opaque state. That is the only thing the `lstm` name promises, so the encoder here is not an LSTM: it
is the CTC fixture's convolution stack (digits-tdnn, loaded from its model.onnx) run over a window of
PAST cached frames + CHUNK new frames + AHEAD look-ahead frames; h carries the last PAST normalised
feature frames (d_model = 23), c is a dummy pass-through. The window covers the stack's whole
receptive field (±38 input frames), so a chunked run gives what a whole-utterance run gives (training
uses whole utterances). Latency: the chunk (320 ms) plus the look-ahead (360 ms).

The joiner is the CTC output layer on the encoder plus a decoder-dependent term that starts at zero,
so training starts from the CTC model and learns the transducer's use of the last token. The RNN-T
loss is written here in torch (torchaudio is not installed): log-space alpha over T × (U+1), one step
per frame, the U recursion inside a frame done at once with logcumsumexp.
Blank is token 0 (sherpa-onnx hard-codes it); digit d is d + 1, shared by English and Mandarin.

Usage: /usr/bin/python3 train_streaming.py TRAIN.npz HELDOUT.npz CTC_MODEL.onnx OUTDIR --minutes 8
"""
import argparse
import os
import time

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn

from train_digits import DigitTdnn, batches, edit_distance, load, out_len

torch.set_num_threads(1)
torch.manual_seed(13)
VOCAB, DIM, HIDDEN, DEC = 11, 23, 128, 64
PAST, CHUNK, AHEAD = 40, 32, 36  # feature frames (10 ms); multiples of the subsampling factor 4
CONTEXT = 1


class Encoder(nn.Module):
    """the CTC fixture's convolutions without their output layer: (N, T, 23) → (N, T/4, 128)"""

    def __init__(self, tdnn):
        super().__init__()
        self.tdnn = tdnn

    def forward(self, x):
        return self.body((x - self.tdnn.mean) / self.tdnn.std)

    def body(self, xn):
        return self.tdnn.net[:-1](xn.transpose(1, 2)).transpose(1, 2)


class StreamingEncoder(nn.Module):
    """what sherpa-onnx runs: x is CHUNK + AHEAD frames; h holds the PAST frames before them"""

    def __init__(self, enc):
        super().__init__()
        self.enc = enc

    def forward(self, x, h, c):
        xn = (x - self.enc.tdnn.mean) / self.enc.tdnn.std
        win = torch.cat([h.permute(1, 0, 2), xn], 1)  # (N, PAST + CHUNK + AHEAD, 23)
        out = self.enc.body(win)[:, PAST // 4:(PAST + CHUNK) // 4]
        next_h = win[:, CHUNK:CHUNK + PAST].permute(1, 0, 2)
        return out, next_h, c * 1.0


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, DEC)

    def forward(self, y):  # (N, CONTEXT) → (N, DEC); (N, U+1, CONTEXT) → (N, U+1, DEC) in training
        return self.emb(y).sum(-2)


class Joiner(nn.Module):
    def __init__(self, ctc_out):
        super().__init__()
        self.ctc = nn.Linear(HIDDEN, VOCAB)
        self.ctc.weight.data[:] = ctc_out.weight.data[:, :, 0]
        self.ctc.bias.data[:] = ctc_out.bias.data
        self.enc_proj = nn.Linear(HIDDEN, DEC)
        self.out = nn.Linear(DEC, VOCAB)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, enc, dec):
        return self.ctc(enc) + self.out(torch.tanh(self.enc_proj(enc) + dec))


def rnnt_loss(logits, labels, t_lens, u_lens):
    """logits (N, T, U+1, V); labels (N, U) padded; mean over the batch of -log P(labels | x) per label."""
    logp = logits.log_softmax(-1)
    n, t_max, u1, _ = logp.shape
    blank = logp[..., 0]  # (N, T, U+1)
    emit = logp[:, :, :-1, :].gather(3, labels[:, None, :, None].expand(n, t_max, u1 - 1, 1)).squeeze(3)
    alphas, prev = [], None
    for t in range(t_max):
        if prev is None:
            start = torch.cat([torch.zeros(n, 1), torch.full((n, u1 - 1), -1e4)], 1)
        else:
            start = prev + blank[:, t - 1]
        # alpha[t,u] = logsumexp over k <= u of (start[k] + sum of emit[t, k..u-1])
        cum = torch.cat([torch.zeros(n, 1), emit[:, t].cumsum(1)], 1)
        prev = cum + torch.logcumsumexp(start - cum, 1)
        alphas.append(prev)
    alpha = torch.stack(alphas, 1)
    idx = torch.arange(n)
    final = alpha[idx, t_lens - 1, u_lens] + blank[idx, t_lens - 1, u_lens]
    return -(final / u_lens.clamp(min=1)).mean()


def collate(idx, feats, labels, rng=None):
    t = max(len(feats[i]) for i in idx)
    x = np.full((len(idx), t, DIM), -15.9, dtype=np.float32)
    for j, i in enumerate(idx):
        f = feats[i].copy()
        if rng is not None:  # SpecAugment-style frequency masks
            for _ in range(2):
                w = rng.integers(0, 4)
                s = rng.integers(0, DIM - w + 1)
                f[:, s:s + w] = f.mean()
        x[j, : len(f)] = f
    u = max(1, max(len(labels[i]) for i in idx))
    y = np.zeros((len(idx), u), dtype=np.int64)
    for j, i in enumerate(idx):
        y[j, : len(labels[i])] = labels[i] + 1
    t_lens = out_len(torch.tensor([len(feats[i]) for i in idx]))
    return torch.tensor(x), torch.tensor(y), t_lens, torch.tensor([len(labels[i]) for i in idx])


def greedy(enc, dec, joi, feats):
    """sherpa-onnx's greedy search: at most one symbol per encoder frame, blank = 0"""
    out = enc(torch.tensor(feats)[None])[0]
    hyp = []
    d = dec(torch.zeros(1, CONTEXT, dtype=torch.int64))
    for f in out:
        k = int(joi(f[None], d).argmax(-1))
        if k != 0:
            hyp.append(k - 1)
            d = dec(torch.tensor([[k]]))
    return hyp


def digit_error(models, feats, labels):
    for m in models:
        m.eval()
    errors = total = 0
    with torch.no_grad():
        for f, y in zip(feats, labels):
            errors += edit_distance(list(y), greedy(*models, f))
            total += len(y)
    for m in models:
        m.train()
    return errors / total


def export(enc, dec, joi, out_dir):
    for m in (enc, dec, joi):
        m.eval()

    def save(model, args, name, inputs, outputs, meta):
        path = os.path.join(out_dir, name)
        axes = {k: {0: "N"} for k in inputs + outputs}
        if name == "encoder.onnx":
            axes.update({k: {1: "N"} for k in ("h", "c", "next_h", "next_c")})
        torch.onnx.export(model, args, path, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                          opset_version=13)
        m = onnx.load(path)
        for k, v in {**meta, "model_author": "hailing scripts/speech-fixtures",
                     "comment": "fixture streaming digit recogniser (English + Mandarin digits)"}.items():
            e = m.metadata_props.add()
            e.key, e.value = k, str(v)
        onnx.save(m, path)

    save(StreamingEncoder(enc), (torch.zeros(1, CHUNK + AHEAD, DIM), torch.zeros(PAST, 1, DIM), torch.zeros(PAST, 1, 1)),
         "encoder.onnx", ["x", "h", "c"], ["encoder_out", "next_h", "next_c"],
         {"model_type": "lstm", "num_encoder_layers": PAST, "T": CHUNK + AHEAD, "decode_chunk_len": CHUNK,
          "d_model": DIM, "rnn_hidden_size": 1, "sample_rate": 8000, "feature_dim": DIM})
    save(dec, (torch.zeros(1, CONTEXT, dtype=torch.int64),), "decoder.onnx", ["y"], ["decoder_out"],
         {"vocab_size": VOCAB, "context_size": CONTEXT})
    save(joi, (torch.zeros(1, HIDDEN), torch.zeros(1, DEC)), "joiner.onnx", ["encoder_out", "decoder_out"],
         ["logit"], {"joiner_dim": HIDDEN})
    with open(os.path.join(out_dir, "tokens.txt"), "w") as fh:
        fh.write("<blk> 0\n" + "".join(f"{d} {d + 1}\n" for d in range(10)))


def load_ctc(path):
    tdnn = DigitTdnn(np.zeros(DIM), np.ones(DIM))
    weights = {i.name: torch.tensor(numpy_helper.to_array(i).copy()) for i in onnx.load(path).graph.initializer}
    missing = tdnn.load_state_dict(weights, strict=False).missing_keys
    assert all(k.endswith("num_batches_tracked") for k in missing), missing
    return tdnn


def main():
    p = argparse.ArgumentParser()
    p.add_argument("train")
    p.add_argument("heldout")
    p.add_argument("ctc_model", help="the CTC fixture's model.onnx, whose convolutions start the encoder")
    p.add_argument("out_dir")
    p.add_argument("--minutes", type=float, default=8)
    p.add_argument("--lr", type=float, default=1e-3, help="peak learning rate")
    p.add_argument("--max-frames", type=int, default=3000, help="input frames per batch")
    p.add_argument("--init", help="a checkpoint (model.pt) of an earlier run to continue from")
    a = p.parse_args()
    feats, labels = load(a.train)
    hf, hl = load(a.heldout)
    tdnn = load_ctc(a.ctc_model)
    enc, dec, joi = Encoder(tdnn), Decoder(), Joiner(tdnn.net[-1])
    mods = nn.ModuleList([enc, dec, joi])
    if a.init:
        mods.load_state_dict(torch.load(a.init))
    print("parameters:", sum(p.numel() for p in mods.parameters()), flush=True)
    print(f"held-out digit error at the start (CTC weights, first 100) "
          f"{digit_error((enc, dec, joi), hf[:100], hl[:100]):.3%}", flush=True)
    opt = torch.optim.AdamW(mods.parameters(), lr=a.lr, weight_decay=1e-4)
    rng = np.random.default_rng(13)
    start, deadline = time.time(), time.time() + a.minutes * 60
    step, total, epoch = 0, 0.0, 0
    while time.time() < deadline:
        epoch += 1
        for g in batches(feats, labels, rng, a.max_frames):
            frac = min(1.0, (time.time() - start) / (deadline - start))
            for pg in opt.param_groups:  # warm-up then cosine decay over the time budget
                pg["lr"] = a.lr * min(1.0, frac * 20) * 0.5 * (1 + np.cos(np.pi * frac))
            x, y, t_lens, u_lens = collate(g, feats, labels, rng)
            out = enc(x)
            d = dec(torch.cat([torch.zeros(len(g), 1, dtype=torch.int64), y], 1)[:, :, None])
            loss = rnnt_loss(joi(out[:, :, None, :], d[:, None, :, :]), y, t_lens, u_lens)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(mods.parameters(), 5.0)
            opt.step()
            total += loss.item()
            step += 1
            if step % 50 == 0:
                print(f"step {step} rnnt {total / 50:.3f} ({time.time() - start:.0f} s)", flush=True)
                total = 0.0
            if time.time() > deadline:
                break
        print(f"epoch {epoch} held-out digit error (first 100) "
              f"{digit_error((enc, dec, joi), hf[:100], hl[:100]):.3%}", flush=True)
    err = digit_error((enc, dec, joi), hf, hl)
    print(f"final held-out digit error {err:.3%} over {sum(len(y) for y in hl)} digits after {step} steps")
    os.makedirs(a.out_dir, exist_ok=True)
    torch.save(mods.state_dict(), os.path.join(a.out_dir, "model.pt"))
    export(enc, dec, joi, a.out_dir)


if __name__ == "__main__":
    main()
