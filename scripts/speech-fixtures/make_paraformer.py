"""Wraps the 16 kHz digit recogniser (digits-sense-voice-16k) in sherpa-onnx's offline Paraformer contract.

No training and no torch: the committed digits-sense-voice-16k model.onnx (trained on the front end
Paraformer and SenseVoice share) gives its convolutional body, rebuilt with the onnx package under
Paraformer's inputs, outputs and metadata, so post-call transcription runs through sherpa-onnx's
Paraformer code path (offline-paraformer-model.cc, offline-recognizer-paraformer-impl.h,
offline-paraformer-greedy-search-decoder.cc) with weights whose accuracy is already measured.

What sherpa-onnx does with a Paraformer model:
  front end  kaldi fbank with a hamming window, high_freq 0, snip_edges true and samples at ±32768
             (all forced, as for SenseVoice), then LFR (lfr_window_size frames every lfr_window_shift)
             and CMVN with neg_mean / inv_stddev from the metadata, which it exit()s without, as
             without vocab_size, lfr_window_size and lfr_window_shift;
  inputs     speech (N, T, feature_dim × lfr_window_size) float, speech_lengths (N) int32, by position;
  outputs    logits (N, num_tokens, vocab_size): one row per *token* (Paraformer's CIF predictor fires
             once per token), read by argmax until the first `</s>` (its id from tokens.txt, which it
             throws without); token_num (N) not read; with 4 or more outputs the fourth, us_cif_peak
             (N, 3 × T), gives the token times: every value above 1 − 1e-4 is a peak at 20 ms × its
             index, the last peak dropped, kept only when there are as many as tokens.

The fixture's body is a CTC model (one row per 60 ms LFR frame, blank 0), so the CIF's part is done
inside the graph: greedy CTC (argmax, repeats merged, blanks and padded frames beyond speech_lengths
dropped) picks the frames that start a token; a TopK on (T − frame) for those, −1 for the rest,
moves them to the front in time order, and every row after them is `</s>`. us_cif_peak has a 1 at
3 × each token's frame and one more at the last index (the peak sherpa-onnx drops), us_alphas
the token starts. Tokens: <blank>, the ten digits, </s>.

Usage: /usr/bin/python3 make_paraformer.py ../../test/fixtures/speech/digits-sense-voice-16k ../../test/fixtures/speech/digits-paraformer
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

DIGITS = 10
EOS = DIGITS + 1  # </s>
V = DIGITS + 2
BODY_OUT = "/body/Transpose_1_output_0"  # (N, T, 11): blank + digits, before the SenseVoice tags


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def body_of(src):
    """the nodes and weights from x up to the body's (N, T, 11) log-probs"""
    nodes, needed = [], {BODY_OUT}
    for n in reversed(src.graph.node):
        if any(o in needed for o in n.output):
            nodes.insert(0, n)
            needed.update(n.input)
    inits = [i for i in src.graph.initializer if i.name in needed]
    # the weights kept as float16 (half the file) and widened to float32 in the graph
    halves = []
    for i, init in enumerate(inits):
        w = numpy_helper.to_array(init)
        if w.dtype == np.float32 and w.size > 256:
            inits[i] = numpy_helper.from_array(w.astype(np.float16), init.name + "_f16")
            halves.append(helper.make_node("Cast", [init.name + "_f16"], [init.name], to=TensorProto.FLOAT))
    nodes = halves + nodes
    assert any(n.input and n.input[0] == "x" for n in nodes) and all(i.name != "x_length" for i in inits)
    for n in nodes:  # x is called speech here
        for k, name in enumerate(n.input):
            if name == "x":
                n.input[k] = "speech"
    return nodes, inits


def ctc_inits():
    """the constants ctc_frames() and ctc_tokens_first() use"""
    i64 = lambda name, v: const(name, np.array(v, np.int64))  # noqa: E731
    return [i64("ctc_zero", [0]), i64("ctc_one", [1]), i64("ctc_axis1", [1]), i64("ctc_minus1", [-1]),
            i64("ctc_blank", 0), i64("ctc_s0", 0), i64("ctc_s1", 1), const("ctc_none", np.array(-1.0, np.float32))]


def ctc_frames():
    """greedy CTC over the body's output (blank 0): `ids` (N, T) argmax, `t` (T), `frames` (0 … T−1)
    and `token0` where a token starts (the argmax changes, and is not blank). The caller then makes
    `valid` (N, T): the frames that are speech, not padding."""
    mk = helper.make_node
    return [
        mk("ArgMax", [BODY_OUT], ["ids"], axis=2, keepdims=0),
        mk("Shape", ["ids"], ["ctc_ids_shape"]),
        mk("Gather", ["ctc_ids_shape", "ctc_s1"], ["t"], axis=0),
        mk("Range", ["ctc_s0", "t", "ctc_s1"], ["frames"]),
        # the frame before each (−1 before the first)
        mk("Slice", ["ids", "ctc_zero", "ctc_one", "ctc_axis1"], ["ctc_first"]),
        mk("Mul", ["ctc_first", "ctc_s0"], ["ctc_zeros_n1"]),
        mk("Add", ["ctc_zeros_n1", "ctc_minus1"], ["ctc_before_first"]),
        mk("Slice", ["ids", "ctc_zero", "ctc_minus1", "ctc_axis1"], ["ctc_all_but_last"]),
        mk("Concat", ["ctc_before_first", "ctc_all_but_last"], ["ctc_prev"], axis=1),
        mk("Equal", ["ids", "ctc_prev"], ["ctc_repeat"]),
        mk("Equal", ["ids", "ctc_blank"], ["ctc_is_blank"]),
        mk("Or", ["ctc_repeat", "ctc_is_blank"], ["ctc_no_token"]),
        mk("Not", ["ctc_no_token"], ["token0"]),
    ]


def ctc_tokens_first():
    """`token` = token0 and valid; `ids_sorted` / `token_sorted`: the token frames moved to the front
    in time order (TopK on T − frame for them, −1 for the rest), the other frames after them"""
    mk = helper.make_node
    return [
        mk("And", ["token0", "valid"], ["token"]),
        mk("Sub", ["t", "frames"], ["ctc_countdown"]),
        mk("Cast", ["ctc_countdown"], ["ctc_countdown_f"], to=TensorProto.FLOAT),
        mk("Where", ["token", "ctc_countdown_f", "ctc_none"], ["ctc_key"]),
        mk("Unsqueeze", ["t", "ctc_zero"], ["ctc_k"]),
        mk("TopK", ["ctc_key", "ctc_k"], ["ctc_key_sorted", "ctc_order"], axis=1, largest=1, sorted=1),
        mk("GatherElements", ["ids", "ctc_order"], ["ids_sorted"], axis=1),
        mk("GatherElements", ["token", "ctc_order"], ["token_sorted"], axis=1),
    ]


def build(src_path):
    src = onnx.load(src_path)
    meta_in = {p.key: p.value for p in src.metadata_props}
    assert meta_in["lfr_window_size"] == "7" and meta_in["lfr_window_shift"] == "6"
    nodes, inits = body_of(src)
    inits += ctc_inits() + [const("zero", np.array([0], np.int64)), const("one", np.array([1], np.int64)),
              const("axis1", np.array([1], np.int64)), const("axis2", np.array([2], np.int64)),
              const("eos", np.array(EOS, np.int64)), const("onehot_values", np.array([-10.0, 0.0], np.float32)), const("depth", np.array(V, np.int64)),
              const("shape2", np.array([0, -1], np.int64)), const("end", np.array([-1], np.int64))]
    mk = helper.make_node
    nodes += ctc_frames() + [
        # frames past speech_lengths are padding (a batch of several streams)
        mk("Cast", ["speech_lengths"], ["lengths64"], to=TensorProto.INT64),
        mk("Unsqueeze", ["lengths64", "axis1"], ["lengths_n1"]),
        mk("Less", ["frames", "lengths_n1"], ["valid"]),                          # (N, T)
    ] + ctc_tokens_first() + [
        mk("Where", ["token_sorted", "ids_sorted", "eos"], ["out_ids"]),
        mk("OneHot", ["out_ids", "depth", "onehot_values"], ["logits"], axis=-1),  # (N, T, V)
        mk("Cast", ["token"], ["token_f"], to=TensorProto.FLOAT),
        mk("Cast", ["token"], ["token_i"], to=TensorProto.INT64),
        mk("ReduceSum", ["token_i", "axis1"], ["token_num"], keepdims=0),          # (N,)
        mk("Identity", ["token_f"], ["us_alphas"]),
        # us_cif_peak (N, 3T): 1 at 3 × each token's frame, and at the last index
        mk("Unsqueeze", ["token_f", "axis2"], ["peak1"]),
        mk("Mul", ["peak1", "zero_f_scalar"], ["zero_f"]),
        mk("Concat", ["peak1", "zero_f", "zero_f"], ["peak3"], axis=2),
        mk("Reshape", ["peak3", "shape2"], ["peaks"]),
        mk("Slice", ["peaks", "zero", "end", "axis1"], ["peaks_but_last"]),
        mk("Slice", ["peak1", "zero", "one", "axis1"], ["first_peak"]),
        mk("Reshape", ["first_peak", "shape2"], ["first_peak2"]),
        mk("Mul", ["first_peak2", "zero_f_scalar"], ["zero_n1"]),
        mk("Add", ["zero_n1", "one_f"], ["last"]),
        mk("Concat", ["peaks_but_last", "last"], ["us_cif_peak"], axis=1),
    ]
    inits += [const("zero_f_scalar", np.array(0.0, np.float32)), const("one_f", np.array(1.0, np.float32))]
    f = TensorProto.FLOAT
    graph = helper.make_graph(
        nodes, "paraformer_digits",
        [helper.make_tensor_value_info("speech", f, ["N", "T", 560]),
         helper.make_tensor_value_info("speech_lengths", TensorProto.INT32, ["N"])],
        [helper.make_tensor_value_info("logits", f, ["N", "T", V]),
         helper.make_tensor_value_info("token_num", TensorProto.INT64, ["N"]),
         helper.make_tensor_value_info("us_alphas", f, ["N", "T"]),
         helper.make_tensor_value_info("us_cif_peak", f, ["N", "T3"])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = src.ir_version
    meta = {
        "model_type": "paraformer", "vocab_size": V, "lfr_window_size": 7, "lfr_window_shift": 6,
        "neg_mean": meta_in["neg_mean"], "inv_stddev": meta_in["inv_stddev"],
        "model_author": "hailing scripts/speech-fixtures",
        "comment": "fixture CTC digit recogniser (digits-sense-voice-16k) in the Paraformer contract",
    }
    for k, v in meta.items():
        e = m.metadata_props.add()
        e.key, e.value = k, str(v)
    onnx.checker.check_model(m, full_check=True)
    return m


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    onnx.save(build(os.path.join(src, "model.onnx")), os.path.join(out, "model.onnx"))
    with open(os.path.join(out, "tokens.txt"), "w") as fh:
        fh.write("<blank> 0\n" + "".join(f"{d} {d + 1}\n" for d in range(DIGITS)) + f"</s> {EOS}\n")


if __name__ == "__main__":
    main()
