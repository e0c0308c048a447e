"""Wraps the CTC digit fixture (digits-tdnn) in sherpa-onnx's SenseVoice contract (`sense_voice_ctc`).

No training and no torch: digits-tdnn's committed model.onnx becomes the body of a new graph built
with the onnx package, so post-call transcription runs through sherpa-onnx's SenseVoice code path
(offline-recognizer-sense-voice-impl.h) with weights whose accuracy is already measured.

What sherpa-onnx does with a SenseVoice model (offline-sense-voice-model.cc and the recogniser):
  front end  kaldi fbank with a hamming window, high_freq 0, snip_edges true (forced), samples scaled
             to ±32768 unless normalize_samples is 1; then low frame rate stacking (lfr_window_size
             frames every lfr_window_shift) and CMVN with the metadata's neg_mean / inv_stddev;
  inputs     x (N, T, feature_dim × lfr_window_size), x_length (N) int32, language (N) int32 (a
             lang_* id), text_norm (N) int32 (with_itn / without_itn), by position;
  output     logits (N, T + 4, vocab_size): CTC greedy search over x_length + 4 frames; the first
             four tokens it finds are the language, emotion, event and text-norm tags, dropped
             from the text; timestamps are (frame − 4) × 10 ms × lfr_window_shift.

The fixture keeps digits-tdnn's front end as far as the contract lets it: 8 kHz, 23 bins (the
featConfig is Hailing's, from neg_mean's length / lfr_window_size), normalize_samples 1 (the
fixture was trained on samples in [-1, 1]), LFR 1/1 (stacking one frame: the fixture's
convolutions want 10 ms frames), neg_mean 0 and inv_stddev 1 (its normalisation is inside the
graph). The window (hamming, not Povey), high_freq (0, not −400) and snip_edges differ from what it
was trained on; docs/speech.md gives the digit error this costs. The body's 40 ms output frames are
repeated four times and cut to T (CTC greedy search merges the repeats), so x_length + 4 frames exist
and sherpa-onnx's timestamps come out in 10 ms frames. Four prefix frames each put one tag token
first: <|en|> <|NEUTRAL|> <|Speech|> and <|woitn|> or <|withitn|> from text_norm, as SenseVoice
does. x_length and language are read by sherpa-onnx's contract but not used by the fixture.

Usage: /usr/bin/python3 make_sense_voice.py ../../test/fixtures/speech/digits-tdnn ../../test/fixtures/speech/digits-sense-voice
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

DIM, VOCAB = 23, 11
TAGS = ["<|en|>", "<|NEUTRAL|>", "<|Speech|>", "<|woitn|>", "<|withitn|>"]  # ids 11..15
V = VOCAB + len(TAGS)
WITH_ITN, WITHOUT_ITN = 14, 15  # SenseVoiceSmall's text_norm ids (its textnorm_dict)
LOW = -1.0e4


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def build(tdnn_path):
    body = onnx.load(tdnn_path)
    g = body.graph
    assert [i.name for i in g.input] == ["x"] and [o.name for o in g.output] == ["log_probs"]
    nodes, inits = list(g.node), list(g.initializer)
    # widen the vocabulary: the digits' log-probs, the tags far below
    widen = np.zeros((VOCAB, V), np.float32)
    widen[:, :VOCAB] = np.eye(VOCAB)
    bias = np.full(V, LOW, np.float32)
    bias[:VOCAB] = 0
    prefix = np.full((1, 4, V), LOW, np.float32)
    for frame, token in enumerate([11, 12, 13]):
        prefix[0, frame, token] = 0
    inits += [const("widen", widen), const("bias", bias), const("prefix3", prefix[:, :3]),
              const("reps", np.array([1, 1, 4, 1], np.int64)), const("shape3", np.array([0, -1, V], np.int64)),
              const("zero", np.array([0], np.int64)), const("one", np.array([1], np.int64)),
              const("ones2", np.array([1, 1], np.int64)), const("axis2", np.array([2], np.int64)),
              const("axes12", np.array([1, 2], np.int64)), const("with_itn", np.array(WITH_ITN, np.int32))]
    on = np.full((1, 1, V), LOW, np.float32)
    on[0, 0, 15] = 0  # <|withitn|>
    off = np.full((1, 1, V), LOW, np.float32)
    off[0, 0, 14] = 0  # <|woitn|>
    inits += [const("itn_on", on), const("itn_off", off)]
    mk = helper.make_node
    nodes += [
        mk("MatMul", ["log_probs", "widen"], ["wide0"]),
        mk("Add", ["wide0", "bias"], ["wide"]),                      # (N, T', V)
        mk("Unsqueeze", ["wide", "axis2"], ["wide4"]),               # (N, T', 1, V)
        mk("Tile", ["wide4", "reps"], ["tiled"]),                    # (N, T', 4, V)
        mk("Reshape", ["tiled", "shape3"], ["frames"]),              # (N, 4T', V), 10 ms frames
        mk("Shape", ["x"], ["xshape"]),
        mk("Slice", ["xshape", "one", "axis2"], ["t"]),              # [T]
        mk("Slice", ["frames", "zero", "t", "one"], ["body"]),       # (N, T, V)
        mk("Slice", ["xshape", "zero", "one"], ["n"]),               # [N]
        mk("Concat", ["n", "ones2"], ["tile_n"], axis=0),            # [N, 1, 1]
        mk("Tile", ["prefix3", "tile_n"], ["tags3"]),                # (N, 3, V)
        # the text-norm tag follows text_norm, as SenseVoice's fourth output frame does
        mk("Equal", ["text_norm", "with_itn"], ["itn_b"]),           # (N,)
        mk("Unsqueeze", ["itn_b", "axes12"], ["itn_b3"]),            # (N, 1, 1)
        mk("Where", ["itn_b3", "itn_on", "itn_off"], ["tag4"]),      # (N, 1, V)
        mk("Concat", ["tags3", "tag4", "body"], ["logits"], axis=1),  # (N, T + 4, V)
    ]
    f, i32 = TensorProto.FLOAT, TensorProto.INT32
    graph = helper.make_graph(
        nodes, "sense_voice_digits",
        [helper.make_tensor_value_info("x", f, ["N", "T", DIM]), helper.make_tensor_value_info("x_length", i32, ["N"]),
         helper.make_tensor_value_info("language", i32, ["N"]), helper.make_tensor_value_info("text_norm", i32, ["N"])],
        [helper.make_tensor_value_info("logits", f, ["N", "T4", V])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = body.ir_version
    meta = {
        "model_type": "sense_voice_ctc", "vocab_size": V, "blank_id": 0,
        "lfr_window_size": 1, "lfr_window_shift": 1, "normalize_samples": 1,
        "neg_mean": ",".join(["0"] * DIM), "inv_stddev": ",".join(["1"] * DIM),
        "lang_auto": 0, "lang_zh": 3, "lang_en": 4, "lang_yue": 7, "lang_ja": 11, "lang_ko": 12, "lang_nospeech": 13,
        "with_itn": WITH_ITN, "without_itn": WITHOUT_ITN, "sample_rate": 8000,
        "model_author": "hailing scripts/speech-fixtures",
        "comment": "fixture CTC digit recogniser (digits-tdnn) in the SenseVoice contract",
    }
    for k, v in meta.items():
        e = m.metadata_props.add()
        e.key, e.value = k, str(v)
    onnx.checker.check_model(m)
    return m


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    onnx.save(build(os.path.join(src, "model.onnx")), os.path.join(out, "model.onnx"))
    with open(os.path.join(out, "tokens.txt"), "w") as fh:
        fh.write("<blk> 0\n" + "".join(f"{d} {d + 1}\n" for d in range(10)) + "".join(f"{t} {11 + i}\n" for i, t in enumerate(TAGS)))


if __name__ == "__main__":
    main()
