"""A structural fixture for sherpa-onnx's Whisper contract (offline-whisper-model.cc,
offline-recognizer-whisper-impl.h, offline-whisper-greedy-search-decoder.cc): it loads and decodes
through sherpa-onnx's Whisper code, but recognises nothing — the decoder answers end-of-text (eot)
after the start sequence, so every transcript is ''. No digit weights: the digit recognisers were
trained on kaldi fbank features, Whisper is fed its own log-mel (log10, clamped to max − 8, (x + 4) / 4),
and a recogniser for that front end would need training. What it proves is the files, inputs,
outputs and metadata sherpa-onnx reads, so Hailing's check and config are exercised for real.

What sherpa-onnx does with a Whisper model:
  files      <name>-encoder.onnx, <name>-decoder.onnx, <name>-tokens.txt (base64 symbols, `sym id`);
  encoder    input mel (1, n_mels, frames), outputs n_layer_cross_k, n_layer_cross_v
             (n_text_layer, 1, n_audio_ctx, n_text_state); metadata read with exit() when missing:
             n_mels, n_text_layer, n_text_ctx, n_text_state, n_vocab, sot, eot, blank_id, translate,
             transcribe, is_multilingual, no_timestamps, no_speech, sot_sequence (ints), and when
             is_multilingual all_language_tokens / all_language_codes (equal lengths);
  decoder    inputs tokens (1, n) int64, self k/v caches (n_text_layer, 1, n_text_ctx, n_text_state),
             cross k/v, offset (1) int64, by position; outputs logits (1, n, vocab), the two caches;
             greedy search from sot_sequence + no_timestamps until eot.

Usage: /usr/bin/python3 make_whisper.py ../../test/fixtures/speech/whisper-contract
"""
import base64
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

N_MELS, LAYERS, CTX, STATE = 80, 1, 32, 4
SYMBOLS = [str(d) for d in range(10)] + ["<|endoftext|>", "<|startoftranscript|>", "<|translate|>", "<|transcribe|>", "<|nospeech|>", "<|notimestamps|>"]
EOT, SOT, TRANSLATE, TRANSCRIBE, NO_SPEECH, NO_TIMESTAMPS = 10, 11, 12, 13, 14, 15
V = len(SYMBOLS)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def with_meta(m, meta):
    for k, v in meta.items():
        e = m.metadata_props.add()
        e.key, e.value = k, str(v)
    onnx.checker.check_model(m, full_check=True)
    return m


def encoder():
    f = TensorProto.FLOAT
    mk = helper.make_node
    nodes = [
        mk("Transpose", ["mel"], ["frames"], perm=[0, 2, 1]),            # (1, T, n_mels)
        mk("MatMul", ["frames", "project"], ["state"]),                  # (1, T, state): zero weights
        mk("Unsqueeze", ["state", "axis0"], ["n_layer_cross_k"]),        # (1, 1, T, state)
        mk("Identity", ["n_layer_cross_k"], ["n_layer_cross_v"]),
    ]
    inits = [const("project", np.zeros((N_MELS, STATE), np.float32)), const("axis0", np.array([0], np.int64))]
    graph = helper.make_graph(nodes, "whisper_contract_encoder", [helper.make_tensor_value_info("mel", f, [1, N_MELS, "T"])],
                              [helper.make_tensor_value_info("n_layer_cross_k", f, [LAYERS, 1, "T", STATE]),
                               helper.make_tensor_value_info("n_layer_cross_v", f, [LAYERS, 1, "T", STATE])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    return with_meta(m, {
        "model_type": "whisper-contract", "n_mels": N_MELS, "n_audio_ctx": 1500, "n_vocab": V, "n_text_ctx": CTX,
        "n_text_state": STATE, "n_text_layer": LAYERS, "n_text_head": 1, "sot_sequence": SOT, "sot": SOT, "sot_index": 0,
        "eot": EOT, "blank_id": 0, "is_multilingual": 0, "no_speech": NO_SPEECH, "transcribe": TRANSCRIBE,
        "translate": TRANSLATE, "no_timestamps": NO_TIMESTAMPS,
        "model_author": "hailing scripts/speech-fixtures", "comment": "structural Whisper contract fixture: always eot",
    })


def decoder():
    f, i64 = TensorProto.FLOAT, TensorProto.INT64
    mk = helper.make_node
    eot = np.full(V, -10.0, np.float32)
    eot[EOT] = 0
    nodes = [
        # every position answers eot; the cross state and offset are read (summed times zero) so
        # that onnxruntime keeps the inputs sherpa-onnx feeds
        mk("Cast", ["tokens"], ["tokens_f"], to=f),
        mk("Unsqueeze", ["tokens_f", "axis2"], ["tokens3"]),             # (1, n, 1)
        mk("Mul", ["tokens3", "zero"], ["zeros3"]),
        mk("ReduceSum", ["n_layer_cross_k"], ["k_sum"], keepdims=0),
        mk("Cast", ["offset"], ["offset_f"], to=f),
        mk("ReduceSum", ["offset_f"], ["offset_sum"], keepdims=0),
        mk("Add", ["k_sum", "offset_sum"], ["read"]),
        mk("Mul", ["read", "zero"], ["read0"]),
        mk("Add", ["zeros3", "read0"], ["base"]),
        mk("Add", ["base", "eot_row"], ["logits"]),                      # (1, n, V)
        mk("Identity", ["in_n_layer_self_k_cache"], ["out_n_layer_self_k_cache"]),
        mk("Identity", ["in_n_layer_self_v_cache"], ["out_n_layer_self_v_cache"]),
    ]
    inits = [const("axis2", np.array([2], np.int64)), const("zero", np.array(0.0, np.float32)), const("eot_row", eot)]
    cache = [LAYERS, 1, CTX, STATE]
    graph = helper.make_graph(
        nodes, "whisper_contract_decoder",
        [helper.make_tensor_value_info("tokens", i64, [1, "n"]),
         helper.make_tensor_value_info("in_n_layer_self_k_cache", f, cache),
         helper.make_tensor_value_info("in_n_layer_self_v_cache", f, cache),
         helper.make_tensor_value_info("n_layer_cross_k", f, [LAYERS, 1, "T", STATE]),
         helper.make_tensor_value_info("n_layer_cross_v", f, [LAYERS, 1, "T", STATE]),
         helper.make_tensor_value_info("offset", i64, [1])],
        [helper.make_tensor_value_info("logits", f, [1, "n", V]),
         helper.make_tensor_value_info("out_n_layer_self_k_cache", f, cache),
         helper.make_tensor_value_info("out_n_layer_self_v_cache", f, cache)], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    return with_meta(m, {"model_author": "hailing scripts/speech-fixtures"})


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    onnx.save(encoder(), os.path.join(out, "contract-encoder.onnx"))
    onnx.save(decoder(), os.path.join(out, "contract-decoder.onnx"))
    with open(os.path.join(out, "contract-tokens.txt"), "w") as fh:
        fh.write("".join(f"{base64.b64encode(s.encode()).decode()} {i}\n" for i, s in enumerate(SYMBOLS)))


if __name__ == "__main__":
    main()
