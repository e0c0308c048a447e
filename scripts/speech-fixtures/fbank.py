"""Kaldi-style log-mel filter bank, matching what sherpa-onnx computes before an offline model.

sherpa-onnx (csrc/features.cc) runs kaldi-native-fbank with dither 0, snip_edges false,
high_freq -400 and otherwise Kaldi's defaults: 25 ms Povey window, 10 ms shift, pre-emphasis 0.97,
DC removal, FFT padded to a power of two, power spectrum, low_freq 20, log with FLT_EPSILON floor,
samples scaled to [-1, 1]. Training on anything else would give a model that hears differently
in the server than it did in training.
"""
import math

import numpy as np

FLT_EPSILON = np.float32(1.1920928955078125e-07)


def _mel(f):
    return 1127.0 * np.log(1.0 + np.asarray(f, dtype=np.float64) / 700.0)


def mel_banks(num_bins: int, rate: int, padded: int, low: float = 20.0, high: float = -400.0) -> np.ndarray:
    nyquist = 0.5 * rate
    if high <= 0:
        high += nyquist
    fft_bin_width = rate / padded
    mel_low, mel_high = _mel(low), _mel(high)
    delta = (mel_high - mel_low) / (num_bins + 1)
    # Kaldi uses the first padded/2 FFT bins (not the Nyquist bin)
    mels = _mel(fft_bin_width * np.arange(padded // 2))
    banks = np.zeros((num_bins, padded // 2 + 1), dtype=np.float32)
    for b in range(num_bins):
        left, center, right = mel_low + b * delta, mel_low + (b + 1) * delta, mel_low + (b + 2) * delta
        up = (mels - left) / (center - left)
        down = (right - mels) / (right - center)
        w = np.where(mels <= center, up, down)
        w[(mels <= left) | (mels >= right)] = 0.0
        banks[b, : padded // 2] = w
    return banks


def fbank(samples: np.ndarray, rate: int = 8000, num_bins: int = 23, window: str = "povey", high: float = -400.0,
          snip_edges: bool = False) -> np.ndarray:
    """samples: float in [-1, 1] (or ±32768 where the model says normalize_samples 0) → (frames, num_bins)

    The defaults are sherpa-onnx's for tdnn/transducer models; SenseVoice's recogniser forces
    window="hamming", high=0, snip_edges=True (offline-recognizer-sense-voice-impl.h InitFeatConfig).
    """
    x = np.asarray(samples, dtype=np.float32)
    n = len(x)
    shift, length = rate // 100, rate * 25 // 1000
    padded = 1 << math.ceil(math.log2(length))
    frames = (1 + (n - length) // shift if n >= length else 0) if snip_edges else (n + shift // 2) // shift
    if frames <= 0:
        return np.zeros((0, num_bins), dtype=np.float32)
    # snip_edges=false: frame i is centred on i*shift + shift/2, samples outside reflected
    starts = np.arange(frames) * shift + (0 if snip_edges else shift // 2 - length // 2)
    idx = starts[:, None] + np.arange(length)[None, :]
    idx = np.where(idx < 0, -idx - 1, idx)
    idx = np.where(idx >= n, 2 * n - 1 - idx, idx)
    w = x[idx].astype(np.float64)
    w -= w.mean(axis=1, keepdims=True)
    pre = w.copy()
    pre[:, 1:] -= 0.97 * w[:, :-1]
    pre[:, 0] -= 0.97 * w[:, 0]
    a = 2 * math.pi * np.arange(length) / (length - 1)
    pre *= (0.54 - 0.46 * np.cos(a)) if window == "hamming" else (0.5 - 0.5 * np.cos(a)) ** 0.85
    spec = np.fft.rfft(pre, n=padded, axis=1)
    power = (spec.real ** 2 + spec.imag ** 2).astype(np.float32)
    energies = power @ mel_banks(num_bins, rate, padded, high=high).T
    return np.log(np.maximum(energies, FLT_EPSILON)).astype(np.float32)
