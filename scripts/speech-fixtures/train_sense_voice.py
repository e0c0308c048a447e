"""Trains a digit recogniser on SenseVoice's real front end and exports it in sherpa-onnx's SenseVoice contract.

Front end, as sherpa-onnx computes it for a SenseVoice model (offline-recognizer-sense-voice-impl.h):
16 kHz, 80-bin fbank with a hamming window, high_freq 0, snip_edges true, samples at ±32768
(normalize_samples 0), low frame rate stacking of 7 frames every 6 (lfr.cc: 560 inputs per 60 ms),
CMVN with the neg_mean / inv_stddev this script measures on the training data. The audio is
make_digits.py's (espeak-ng / flite digit strings through sox's G.711 at 8 kHz), with the ±4 LSB
triangular dither the speech process adds, upsampled to 16 kHz (band-limited, by FFT) as sherpa-onnx
resamples an 8 kHz call for a 16 kHz model. The model: 1-D convolutions over the 60 ms frames, CTC
(blank 0, digit d = d + 1). The export wraps it as make_sense_voice.py does (the four tag frames from
text_norm, x_length and language read): see that script for the contract.

Usage: /usr/bin/python3 train_sense_voice.py OUTDIR --train 4000 --heldout 200 --minutes 10
"""
import argparse
import os
import time
from multiprocessing import Pool

import numpy as np
import onnx
import torch
from torch import nn

import make_digits
from fbank import fbank

torch.set_num_threads(1)
torch.manual_seed(13)
make_digits.fbank = lambda x: x  # make_digits.one() then returns the G.711 audio (in [-1, 1]), not features
LFR_M, LFR_N, BINS, HIDDEN = 7, 6, 80, 128
DIGITS = 11
TAGS = ["<|en|>", "<|NEUTRAL|>", "<|Speech|>", "<|woitn|>", "<|withitn|>"]  # ids 11..15
V = DIGITS + len(TAGS)
WITH_ITN, WITHOUT_ITN, LOW = 14, 15, -1.0e4


def lfr(f):
    """sherpa-onnx's ApplyLfr: (T, 80) → (1 + (T - 1) // 6, 560), left-padded with the first frame"""
    t = len(f)
    out = np.empty((1 + (t - 1) // LFR_N, LFR_M * BINS), np.float32)
    left = (LFR_M - 1) // 2
    for i in range(len(out)):
        idx = np.clip(np.arange(LFR_M) + i * LFR_N - left, 0, t - 1)
        out[i] = f[idx].reshape(-1)
    return out


def features(args):
    audio, seed = args
    rng = np.random.default_rng(seed)
    pcm = audio * 32768 + 4 * (rng.random(len(audio)) - rng.random(len(audio)))
    spec = np.fft.rfft(pcm)
    up = np.fft.irfft(np.concatenate([spec, np.zeros(len(pcm) - len(spec) + 1)]), n=2 * len(pcm)) * 2
    return lfr(fbank(up.astype(np.float32), rate=16000, num_bins=BINS, window="hamming", high=0.0, snip_edges=True))


def dataset(count, seed, split, jobs=2):
    with Pool(jobs) as pool:
        items = pool.map(make_digits.one, [(i, seed, split) for i in range(count)], chunksize=16)
        feats = pool.map(features, [(a, [seed, i]) for i, (a, _, _) in enumerate(items)], chunksize=16)
    return feats, [d for _, d, _ in items]


class Body(nn.Module):
    def __init__(self):
        super().__init__()

        def block(cin, cout, k, d=1):
            return nn.Sequential(nn.Conv1d(cin, cout, k, 1, d * (k - 1) // 2, d), nn.ReLU(), nn.BatchNorm1d(cout))

        self.net = nn.Sequential(block(LFR_M * BINS, HIDDEN, 1), block(HIDDEN, HIDDEN, 3), block(HIDDEN, HIDDEN, 3, 2),
                                 block(HIDDEN, HIDDEN, 3, 1), nn.Conv1d(HIDDEN, DIGITS, 1))

    def forward(self, x):  # (N, T, 560) normalised → (N, T, 11)
        return self.net(x.transpose(1, 2)).transpose(1, 2)


class SenseVoiceContract(nn.Module):
    """x, x_length, language, text_norm → logits (N, T + 4, 16): tags first, as SenseVoice"""

    def __init__(self, body):
        super().__init__()
        self.body = body
        tags = torch.full((1, 3, V), LOW)
        for frame, token in enumerate([11, 12, 13]):
            tags[0, frame, token] = 0
        self.register_buffer("tags3", tags)
        on, off = torch.full((1, 1, V), LOW), torch.full((1, 1, V), LOW)
        on[0, 0, 15], off[0, 0, 14] = 0, 0
        self.register_buffer("itn_on", on)
        self.register_buffer("itn_off", off)

    def forward(self, x, x_length, language, text_norm):
        b = self.body(x)
        wide = torch.cat([b, (b[..., :1] * 0 + LOW).expand(-1, -1, V - DIGITS)], -1)
        tags3 = torch.zeros_like(x[:, :1, :1]) + self.tags3
        itn = (text_norm == WITH_ITN).float()[:, None, None]
        tag4 = itn * self.itn_on + (1 - itn) * self.itn_off
        # x_length and language are part of the contract; the fixture has no use for them
        unused = (x_length.sum() + language.sum()).float() * 0
        return torch.cat([tags3, tag4, wide], 1) + unused


def collate(idx, feats, labels, mean, std):
    t = max(len(feats[i]) for i in idx)
    x = np.zeros((len(idx), t, LFR_M * BINS), np.float32)
    for j, i in enumerate(idx):
        x[j, : len(feats[i])] = (feats[i] - mean) / std
    y = np.concatenate([labels[i] + 1 for i in idx])
    return (torch.tensor(x), torch.tensor(y), torch.tensor([len(feats[i]) for i in idx]),
            torch.tensor([len(labels[i]) for i in idx]))


def digit_error(body, feats, labels, mean, std):
    body.eval()
    errors = total = 0
    with torch.no_grad():
        for f, y in zip(feats, labels):
            best = body(torch.tensor((f - mean) / std)[None])[0].argmax(-1).tolist()
            hyp, last = [], 0
            for k in best:
                if k != last and k != 0:
                    hyp.append(k - 1)
                last = k
            d = list(range(len(hyp) + 1))
            for i in range(1, len(y) + 1):
                prev, d[0] = d[0], i
                for j in range(1, len(hyp) + 1):
                    prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (y[i - 1] != hyp[j - 1]))
            errors += d[len(hyp)]
            total += len(y)
    body.train()
    return errors / total


def export(body, mean, std, out):
    body.eval()
    model = SenseVoiceContract(body)
    path = os.path.join(out, "model.onnx")
    ints = lambda: torch.zeros(1, dtype=torch.int32)  # noqa: E731
    torch.onnx.export(model, (torch.zeros(1, 20, LFR_M * BINS), ints(), ints(), ints()), path,
                      input_names=["x", "x_length", "language", "text_norm"], output_names=["logits"],
                      dynamic_axes={"x": {0: "N", 1: "T"}, "x_length": {0: "N"}, "language": {0: "N"},
                                    "text_norm": {0: "N"}, "logits": {0: "N", 1: "T4"}}, opset_version=13)
    m = onnx.load(path)
    meta = {
        "model_type": "sense_voice_ctc", "vocab_size": V, "blank_id": 0, "lfr_window_size": LFR_M,
        "lfr_window_shift": LFR_N, "normalize_samples": 0,
        "neg_mean": ",".join(f"{-v:.6g}" for v in mean), "inv_stddev": ",".join(f"{1 / v:.6g}" for v in std),
        "lang_auto": 0, "lang_zh": 3, "lang_en": 4, "lang_yue": 7, "lang_ja": 11, "lang_ko": 12, "lang_nospeech": 13,
        "with_itn": WITH_ITN, "without_itn": WITHOUT_ITN, "model_author": "hailing scripts/speech-fixtures",
        "comment": "fixture digit recogniser trained on SenseVoice's front end (16 kHz, 80 bins, LFR 7/6)",
    }
    for k, v in meta.items():
        e = m.metadata_props.add()
        e.key, e.value = k, str(v)
    onnx.save(m, path)
    with open(os.path.join(out, "tokens.txt"), "w") as fh:
        fh.write("<blk> 0\n" + "".join(f"{d} {d + 1}\n" for d in range(10)) + "".join(f"{t} {11 + i}\n" for i, t in enumerate(TAGS)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out_dir")
    p.add_argument("--train", type=int, default=4000)
    p.add_argument("--heldout", type=int, default=200)
    p.add_argument("--minutes", type=float, default=10)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--max-frames", type=int, default=1500, help="LFR frames per batch")
    a = p.parse_args()
    t0 = time.time()
    feats, labels = dataset(a.train, 13, "train")
    hf, hl = dataset(a.heldout, 1013, "heldout")
    print(f"data: {len(feats)} + {len(hf)} utterances in {time.time() - t0:.0f} s", flush=True)
    allf = np.concatenate(feats)
    mean, std = allf.mean(0), allf.std(0) + 1e-3
    body = Body()
    print("parameters:", sum(q.numel() for q in body.parameters()), flush=True)
    opt = torch.optim.AdamW(body.parameters(), lr=a.lr, weight_decay=1e-4)
    ctc = nn.CTCLoss(zero_infinity=True)
    rng = np.random.default_rng(13)
    start = time.time()
    deadline = start + a.minutes * 60
    step = 0
    while time.time() < deadline:
        order = sorted(rng.permutation(len(feats)), key=lambda i: len(feats[i]) + rng.integers(0, 10))
        groups, cur, n = [], [], 0
        for i in order:
            if cur and n + len(feats[i]) > a.max_frames:
                groups.append(cur)
                cur, n = [], 0
            cur.append(i)
            n += len(feats[i])
        groups.append(cur)
        for g in rng.permutation(len(groups)):
            frac = min(1.0, (time.time() - start) / (deadline - start))
            for pg in opt.param_groups:
                pg["lr"] = a.lr * min(1.0, frac * 20) * 0.5 * (1 + np.cos(np.pi * frac))
            x, y, xl, yl = collate(groups[g], feats, labels, mean, std)
            logp = body(x).log_softmax(-1).transpose(0, 1)
            loss = ctc(logp, y, xl, yl)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(body.parameters(), 5.0)
            opt.step()
            step += 1
            if step % 100 == 0:
                print(f"step {step} ctc {loss.item():.3f} ({time.time() - start:.0f} s)", flush=True)
            if time.time() > deadline:
                break
        print(f"held-out digit error {digit_error(body, hf, hl, mean, std):.3%}", flush=True)
    err = digit_error(body, hf, hl, mean, std)
    print(f"final held-out digit error {err:.3%} over {sum(len(y) for y in hl)} digits after {step} steps")
    os.makedirs(a.out_dir, exist_ok=True)
    export(body, mean, std, a.out_dir)


if __name__ == "__main__":
    main()
