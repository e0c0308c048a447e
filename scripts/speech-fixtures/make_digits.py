"""Synthesises spoken digit strings (English and Mandarin) for the fixture digit recogniser.

Each utterance: espeak-ng or flite speaks a random digit string with a chosen voice, speed and
pitch → sox resamples to 8 kHz → gain, silence and faint noise added → G.711 (mu-law or A-law)
encoded and decoded by sox, as a phone call carries it → 23-bin fbank (fbank.py).
All randomness comes from seeded numpy generators; nothing depends on Python's hash().

Usage: /usr/bin/python3 make_digits.py OUT.npz --split train|heldout --count N --seed S
"""
import argparse
import os
import subprocess
import sys
import tempfile
import wave
from multiprocessing import Pool

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fbank import fbank  # noqa: E402

# Voices: the held-out split uses only variants and languages that never appear in training.
TRAIN = {
    "en_langs": ["en-us", "en-gb", "en-gb-x-rp", "en-029", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-us-nyc"],
    "zh_langs": ["cmn"],
    "variants": ["", "m1", "m2", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f5", "klatt", "klatt2",
                 "klatt3", "adam", "Andy", "david", "john", "linda", "max", "Michael", "paul", "rob",
                 "steph", "Alicia", "annie", "belinda", "benjamin", "caleb", "Lee", "quincy", "victor"],
    "flite": ["kal", "awb", "rms", "kal16"],
}
HELDOUT = {
    "en_langs": ["en-gb-scotland", "en-us"],
    "zh_langs": ["cmn"],
    "variants": ["m3", "f4", "klatt4", "edward", "steph2"],
    "flite": ["slt"],
}


def run(cmd, data=None):
    return subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout


def to_8k_pcm(wav_path):
    raw = run(["sox", wav_path, "-r", "8000", "-c", "1", "-t", "raw", "-e", "signed", "-b", "16", "-"])
    return np.frombuffer(raw, dtype=np.int16).astype(np.float32)


def g711(pcm, law):
    raw = np.clip(pcm, -32768, 32767).astype(np.int16).tobytes()
    fmt = ["-t", "raw", "-r", "8000", "-c", "1"]
    coded = run(["sox", *fmt, "-e", "signed", "-b", "16", "-", *fmt, "-e", law, "-b", "8", "-"], raw)
    back = run(["sox", *fmt, "-e", law, "-b", "8", "-", *fmt, "-e", "signed", "-b", "16", "-"], coded)
    return np.frombuffer(back, dtype=np.int16)


def one(args):
    index, seed, split = args
    voices = TRAIN if split == "train" else HELDOUT
    rng = np.random.default_rng([seed, index])
    digits = rng.integers(0, 10, size=int(rng.integers(1, 9)))
    sep = ", " if rng.random() < 0.3 else " "
    text = sep.join(str(d) for d in digits)
    engine = rng.random()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "u.wav")
        if engine < 0.15:
            voice = str(rng.choice(voices["flite"]))
            stretch = float(rng.uniform(0.8, 1.3))
            run(["flite", "-voice", voice, "--setf", f"duration_stretch={stretch:.2f}", "-t", text, "-o", path])
        else:
            langs = voices["zh_langs"] if engine < 0.5 else voices["en_langs"]
            lang = str(rng.choice(langs))
            variant = str(rng.choice(voices["variants"]))
            voice = lang + ("+" + variant if variant else "")
            speed, pitch = int(rng.integers(110, 230)), int(rng.integers(15, 85))
            run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", path, text])
        pcm = to_8k_pcm(path)
    peak = max(1.0, float(np.abs(pcm).max()))
    pcm = pcm / peak * 32767 * 10 ** (float(rng.uniform(-24, -1)) / 20)
    lead, trail = (int(rng.uniform(0.05, 0.6) * 8000) for _ in range(2))
    pcm = np.concatenate([np.zeros(lead, np.float32), pcm, np.zeros(trail, np.float32)])
    if rng.random() < 0.6:
        pcm += rng.normal(0, 32767 * 10 ** (float(rng.uniform(-65, -38)) / 20), size=len(pcm)).astype(np.float32)
    law = "mu-law" if rng.random() < 0.5 else "a-law"
    out = g711(pcm, law)
    feats = fbank(out.astype(np.float32) / 32768.0)
    return feats, digits.astype(np.int64), out if split != "train" else None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--split", choices=["train", "heldout"], required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--jobs", type=int, default=2)
    a = p.parse_args()
    with Pool(a.jobs) as pool:
        items = pool.map(one, [(i, a.seed, a.split) for i in range(a.count)], chunksize=16)
    feats = [f for f, _, _ in items]
    labels = [d for _, d, _ in items]
    np.savez_compressed(
        a.out,
        feats=np.concatenate(feats),
        feat_lens=np.array([len(f) for f in feats]),
        labels=np.concatenate(labels),
        label_lens=np.array([len(d) for d in labels]),
    )
    print(f"{a.count} utterances, {sum(len(f) for f in feats) / 100 / 60:.1f} min of audio → {a.out}")


if __name__ == "__main__":
    main()
