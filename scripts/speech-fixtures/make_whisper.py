"""A digit recogniser in sherpa-onnx's Whisper contract, from digits-sense-voice-16k's weights.

sherpa-onnx feeds a Whisper encoder its own log-mel (knf WhisperFeatureComputer: 25 ms hann frames
every 10 ms, snip_edges false, 400-point FFT, librosa's slaney mel bank 0–8 kHz; then log10, clamped
to max − 8, (x + 4) / 4), not the kaldi fbank (hamming, pre-emphasis, 512-point FFT, kaldi mel bank,
natural log of ±32768 samples) digits-sense-voice-16k was trained on. The encoder therefore starts
with an *adapter*: one affine map per frame from Whisper's 80 log-mels to the 80 kaldi fbank bins,
fitted by least squares (ridge) on training-voice utterances that make_digits.py makes (no held-out
voice; no gradient training). Then, inside the encoder graph: the frame one step later (Whisper's
frame i is centred 120 samples before kaldi's), sherpa-onnx's LFR 7/6 (first frame repeated three
times on the left, the last on the right), digits-sense-voice-16k's CMVN and body, greedy CTC
(make_paraformer.ctc_frames / ctc_tokens_first: argmax, repeats merged, blanks and sherpa-onnx's
all-zero tail padding dropped, the tokens moved to the front) and end-of-text after them. The token ids leave as n_layer_cross_k
(1, 1, T, 1) and the decoder answers, at step j = offset + n − 2 (the start sequence is sot and
no_timestamps), the one-hot of token j.

Usage: /usr/bin/python3 make_whisper.py ../../test/fixtures/speech/digits-sense-voice-16k ../../test/fixtures/speech/digits-whisper [--count 300]
"""
import argparse
import base64
import os
from multiprocessing import Pool

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import make_digits
import make_paraformer
from fbank import fbank

make_digits.fbank = lambda x: x  # make_digits.one() then returns the G.711 audio in [-1, 1]
BINS, LFR_M, LFR_N = 80, 7, 6
SYMBOLS = [str(d) for d in range(10)] + ["<|endoftext|>", "<|startoftranscript|>", "<|translate|>", "<|transcribe|>", "<|nospeech|>", "<|notimestamps|>"]
EOT, SOT, TRANSLATE, TRANSCRIBE, NO_SPEECH, NO_TIMESTAMPS = 10, 11, 12, 13, 14, 15
V, CTX = len(SYMBOLS), 64


def slaney_mel_banks(num_bins=BINS, rate=16000, n_fft=400):
    """librosa.filters.mel(sr, n_fft, n_mels, fmin=0, fmax=sr/2, htk=False, norm='slaney')"""
    def hz_to_mel(f):
        f = np.asarray(f, np.float64)
        lin = f / (200.0 / 3)
        log = 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / (np.log(6.4) / 27.0)
        return np.where(f >= 1000.0, log, lin)

    def mel_to_hz(m):
        m = np.asarray(m, np.float64)
        lin = m * (200.0 / 3)
        log = 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0))
        return np.where(m >= 15.0, log, lin)

    fft_f = np.linspace(0, rate / 2, n_fft // 2 + 1)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(rate / 2), num_bins + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_f[None, :]
    w = np.maximum(0, np.minimum(-ramps[:-2] / fdiff[:-1, None], ramps[2:] / fdiff[1:, None]))
    return (w * (2.0 / (mel_f[2:num_bins + 2] - mel_f[:num_bins]))[:, None]).astype(np.float32)


def whisper_features(x):
    """what sherpa-onnx hands a Whisper encoder for samples x in [-1, 1] at 16 kHz: (frames, 80), normalised"""
    n, shift, length = len(x), 160, 400
    frames = (n + shift // 2) // shift
    starts = np.arange(frames) * shift + shift // 2 - length // 2
    idx = starts[:, None] + np.arange(length)[None, :]
    idx = np.where(idx < 0, -idx - 1, idx)
    idx = np.where(idx >= n, 2 * n - 1 - idx, idx)
    w = x[idx].astype(np.float64) * (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(length) / (length - 1)))
    spec = np.fft.rfft(w, n=length, axis=1)
    mel = (spec.real ** 2 + spec.imag ** 2) @ slaney_mel_banks().T.astype(np.float64)
    log = np.log10(np.maximum(mel, 1e-10))
    log = np.maximum(log, log.max() - 8.0)
    return ((log + 4.0) / 4.0).astype(np.float32)


def pair(args):
    """one training utterance → (whisper features shifted one frame, kaldi fbank), aligned"""
    audio, seed = args
    rng = np.random.default_rng(seed)
    pcm = audio * 32768 + 4 * (rng.random(len(audio)) - rng.random(len(audio)))
    spec = np.fft.rfft(pcm)
    up = np.fft.irfft(np.concatenate([spec, np.zeros(len(pcm) - len(spec) + 1)]), n=2 * len(pcm)) * 2
    kaldi = fbank(up.astype(np.float32), rate=16000, num_bins=BINS, window="hamming", high=0.0, snip_edges=True)
    whisper = whisper_features(up / 32768.0)[1:]
    t = min(len(kaldi), len(whisper))
    return whisper[:t], kaldi[:t]


def fit_adapter(count, seed):
    with Pool(2) as pool:
        items = pool.map(make_digits.one, [(i, seed, "train") for i in range(count)], chunksize=8)
        pairs = pool.map(pair, [(a, [seed, i]) for i, (a, _, _) in enumerate(items)], chunksize=8)
    x = np.concatenate([p[0] for p in pairs]).astype(np.float64)
    y = np.concatenate([p[1] for p in pairs]).astype(np.float64)
    xb = np.concatenate([x, np.ones((len(x), 1))], axis=1)
    ridge = 1e-3 * len(x) * np.eye(xb.shape[1])
    ridge[-1, -1] = 0
    wb = np.linalg.solve(xb.T @ xb + ridge, xb.T @ y)
    resid = y - xb @ wb
    print(f"adapter: {len(x)} frames from {count} utterances, residual rms {np.sqrt((resid ** 2).mean()):.3f} (fbank std {y.std():.3f})")
    return wb[:-1].astype(np.float32), wb[-1].astype(np.float32)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def encoder(src_path, weight, bias):
    src = onnx.load(src_path)
    meta_in = {p.key: p.value for p in src.metadata_props}
    neg_mean = np.array([float(v) for v in meta_in["neg_mean"].split(",")], np.float32)
    inv_stddev = np.array([float(v) for v in meta_in["inv_stddev"].split(",")], np.float32)
    body, inits = make_paraformer.body_of(src)  # reads "speech": (1, T, 560) after CMVN
    mk = helper.make_node
    i64 = lambda name, v: const(name, np.array(v, np.int64))  # noqa: E731
    inits += make_paraformer.ctc_inits() + [const("adapter_w", weight), const("adapter_b", bias), const("neg_mean", neg_mean), const("inv_stddev", inv_stddev),
              i64("zero", [0]), i64("one", [1]), i64("two", [2]), i64("axis1", [1]), i64("big", [1 << 30]), i64("minus1", [-1]),
              i64("s1", 1), i64("s6", 6), i64("eot", EOT), i64("rep3", [1, 3, 1]),
              i64("rep12", [1, 12, 1]), i64("shape_tok", [1, 1, -1, 1]), const("zero_f", np.array(0.0, np.float32))]
    nodes = [
        mk("Transpose", ["mel"], ["frames_all"], perm=[0, 2, 1]),                         # (1, F+1, 80)
        mk("Slice", ["frames_all", "one", "big", "axis1"], ["mel_frames"]),                  # Whisper's frame i+1 ≈ kaldi's i
        # sherpa-onnx pads the mel with all-zero frames after the speech: those are no speech
        mk("Abs", ["mel_frames"], ["abs"]),
        mk("ReduceMax", ["abs"], ["frame_max"], axes=[2], keepdims=0),                   # (1, F)
        mk("Greater", ["frame_max", "zero_f"], ["live"]),
        mk("MatMul", ["mel_frames", "adapter_w"], ["fb0"]),
        mk("Add", ["fb0", "adapter_b"], ["fb"]),                                          # (1, F, 80) kaldi fbank
        # LFR 7/6 as sherpa-onnx's ApplyLfr: 1 + (F − 1) // 6 rows, first frame ×3 on the left
        mk("Slice", ["fb", "zero", "one", "axis1"], ["first"]),
        mk("Slice", ["fb", "minus1", "big", "axis1"], ["last"]),
        mk("Tile", ["first", "rep3"], ["left"]),
        mk("Tile", ["last", "rep12"], ["right"]),
        mk("Concat", ["left", "fb", "right"], ["padded"], axis=1),
        mk("Shape", ["fb"], ["fb_shape"]),
        mk("Gather", ["fb_shape", "s1"], ["f"], axis=0),
        mk("Sub", ["f", "s1"], ["f1"]),
        mk("Div", ["f1", "s6"], ["f1_6"]),
        mk("Add", ["f1_6", "s1"], ["t_lfr"]),                                              # rows out (scalar)
        mk("Mul", ["t_lfr", "s6"], ["span"]),
        mk("Unsqueeze", ["span", "zero"], ["span1"]),
    ]
    stacked = []
    for k in range(LFR_M):
        inits += [i64(f"k{k}", [k]), i64(f"s6v", [6])] if k == 0 else [i64(f"k{k}", [k])]
        nodes += [mk("Add", [f"k{k}", "span1"], [f"end{k}"]),
                  mk("Slice", ["padded", f"k{k}", f"end{k}", "axis1", "s6v"], [f"lfr{k}"])]
        stacked.append(f"lfr{k}")
    nodes += [
        mk("Concat", stacked, ["lfr"], axis=2),                                          # (1, t, 560)
        mk("Add", ["lfr", "neg_mean"], ["centred"]),
        mk("Mul", ["centred", "inv_stddev"], ["speech"]),
    ] + body + make_paraformer.ctc_frames() + [
        # a row is speech when the 10 ms frame at its centre is not padding
        mk("Mul", ["frames", "s6"], ["centre"]),
        mk("Sub", ["f", "s1"], ["f_last"]),
        mk("Min", ["centre", "f_last"], ["centre_in"]),
        mk("Gather", ["live", "centre_in"], ["valid"], axis=1),                         # (1, t)
    ] + make_paraformer.ctc_tokens_first() + [
        mk("Sub", ["ids_sorted", "s1"], ["digit"]),                                       # CTC id 1..10 → digit 0..9
        mk("Where", ["token_sorted", "digit", "eot"], ["out_ids"]),
        mk("Concat", ["out_ids", "eot_1"], ["seq"], axis=1),                               # one eot more at the end
        mk("Cast", ["seq"], ["seq_f"], to=TensorProto.FLOAT),
        mk("Reshape", ["seq_f", "shape_tok"], ["n_layer_cross_k"]),                      # (1, 1, t+1, 1)
        mk("Identity", ["n_layer_cross_k"], ["n_layer_cross_v"]),
    ]
    inits.append(const("eot_1", np.array([[EOT]], np.int64)))
    f = TensorProto.FLOAT
    graph = helper.make_graph(nodes, "whisper_digits_encoder", [helper.make_tensor_value_info("mel", f, [1, BINS, "F"])],
                              [helper.make_tensor_value_info("n_layer_cross_k", f, [1, 1, "T", 1]),
                               helper.make_tensor_value_info("n_layer_cross_v", f, [1, 1, "T", 1])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = src.ir_version
    return m


def decoder():
    f, i64t = TensorProto.FLOAT, TensorProto.INT64
    mk = helper.make_node
    nodes = [
        mk("Shape", ["tokens"], ["tshape"]),
        mk("Slice", ["tshape", "one", "two"], ["n"]),                                     # [n]
        mk("Add", ["offset", "n"], ["pos"]),
        mk("Sub", ["pos", "two"], ["j0"]),                                                # tokens emitted so far
        mk("Reshape", ["n_layer_cross_k", "flat"], ["seq_f"]),
        mk("Shape", ["seq_f"], ["len"]),
        mk("Sub", ["len", "one"], ["last"]),
        mk("Min", ["j0", "last"], ["j"]),
        mk("Gather", ["seq_f", "j"], ["tok_f"], axis=0),                                   # [1]
        mk("Cast", ["tok_f"], ["tok"], to=i64t),
        mk("OneHot", ["tok", "depth", "values"], ["row"], axis=-1),                       # (1, V)
        mk("Cast", ["tokens"], ["tokens_f"], to=f),
        mk("Unsqueeze", ["tokens_f", "axis2"], ["tokens3"]),
        mk("Mul", ["tokens3", "zero_f"], ["zeros3"]),                                     # (1, n, 1)
        mk("Add", ["zeros3", "row"], ["logits"]),                                          # (1, n, V): every row token j
        mk("Identity", ["in_n_layer_self_k_cache"], ["out_n_layer_self_k_cache"]),
        mk("Identity", ["in_n_layer_self_v_cache"], ["out_n_layer_self_v_cache"]),
    ]
    inits = [const("one", np.array([1], np.int64)), const("two", np.array([2], np.int64)), const("flat", np.array([-1], np.int64)),
             const("depth", np.array(V, np.int64)), const("values", np.array([-10.0, 0.0], np.float32)),
             const("axis2", np.array([2], np.int64)), const("zero_f", np.array(0.0, np.float32))]
    cache = [1, 1, CTX, 1]
    graph = helper.make_graph(
        nodes, "whisper_digits_decoder",
        [helper.make_tensor_value_info("tokens", i64t, [1, "n"]),
         helper.make_tensor_value_info("in_n_layer_self_k_cache", f, cache),
         helper.make_tensor_value_info("in_n_layer_self_v_cache", f, cache),
         helper.make_tensor_value_info("n_layer_cross_k", f, [1, 1, "T", 1]),
         helper.make_tensor_value_info("n_layer_cross_v", f, [1, 1, "T", 1]),
         helper.make_tensor_value_info("offset", i64t, [1])],
        [helper.make_tensor_value_info("logits", f, [1, "n", V]),
         helper.make_tensor_value_info("out_n_layer_self_k_cache", f, cache),
         helper.make_tensor_value_info("out_n_layer_self_v_cache", f, cache)], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    return m


def with_meta(m, meta):
    for k, v in meta.items():
        e = m.metadata_props.add()
        e.key, e.value = k, str(v)
    onnx.checker.check_model(m, full_check=True)
    return m


ENCODER_META = {
    "model_type": "whisper-digits", "n_mels": BINS, "n_audio_ctx": 1500, "n_vocab": V, "n_text_ctx": CTX,
    "n_text_state": 1, "n_text_layer": 1, "n_text_head": 1, "sot_sequence": SOT, "sot": SOT, "sot_index": 0,
    "eot": EOT, "blank_id": 0, "is_multilingual": 0, "no_speech": NO_SPEECH, "transcribe": TRANSCRIBE,
    "translate": TRANSLATE, "no_timestamps": NO_TIMESTAMPS, "model_author": "hailing scripts/speech-fixtures",
    "comment": "digits-sense-voice-16k behind a fitted Whisper-log-mel adapter, in the Whisper contract",
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("src")
    p.add_argument("out")
    p.add_argument("--count", type=int, default=300)
    p.add_argument("--seed", type=int, default=77)
    a = p.parse_args()
    weight, bias = fit_adapter(a.count, a.seed)
    os.makedirs(a.out, exist_ok=True)
    onnx.save(with_meta(encoder(os.path.join(a.src, "model.onnx"), weight, bias), ENCODER_META), os.path.join(a.out, "digits-encoder.onnx"))
    onnx.save(with_meta(decoder(), {"model_author": "hailing scripts/speech-fixtures"}), os.path.join(a.out, "digits-decoder.onnx"))
    with open(os.path.join(a.out, "digits-tokens.txt"), "w") as fh:
        fh.write("".join(f"{base64.b64encode(s.encode()).decode()} {i}\n" for i, s in enumerate(SYMBOLS)))


if __name__ == "__main__":
    main()
