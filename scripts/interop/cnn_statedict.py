#!/usr/bin/python3
"""The PyTorch half of the CNN state-dict check (driven by scripts/interop/cnn_statedict.ts).

Reads DIR/model.safetensors (kindling's model.stateDict() after 3 training steps) into the same
architecture built with torch.nn, with load_state_dict(strict=True); runs it in eval mode on the
input in DIR/io.safetensors and prints the max abs diff against kindling's output there. Exits 1
when the diff is 1e-4 or more, or when num_batches_tracked is not 3.

The `safetensors` package is used when installed; otherwise the plain-Python reader below (little-endian
u64 header length, JSON header of {name: {dtype, shape, data_offsets}}, then the contiguous data).

Run: /usr/bin/python3 scripts/interop/cnn_statedict.py DIR
"""
import json
import os
import struct
import sys

import torch
import torch.nn as nn

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "I32": torch.int32, "BOOL": torch.bool}

try:
    from safetensors.torch import load_file

    BACKEND = "safetensors package"
except ImportError:
    def load_file(path):
        with open(path, "rb") as f:
            blob = f.read()
        (n,) = struct.unpack("<Q", blob[:8])
        header = json.loads(blob[8:8 + n].decode("utf-8"))
        header.pop("__metadata__", None)
        data = blob[8 + n:]
        out = {}
        for name, info in header.items():
            begin, end = info["data_offsets"]
            dtype = DTYPES[info["dtype"]]
            t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype) if end > begin else torch.empty(0, dtype=dtype)
            out[name] = t.reshape(info["shape"])
        return out

    BACKEND = "plain-Python safetensors reader"


def build():
    """The model of cnn_statedict.ts, layer for layer."""
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1, bias=False),
        nn.BatchNorm2d(8),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, groups=2),
        nn.BatchNorm2d(16, momentum=None),
        nn.ReLU(),
        nn.Dropout2d(0.1),
        nn.AdaptiveAvgPool2d(2),
        nn.Flatten(),
        nn.Linear(64, 32),
        nn.BatchNorm1d(32),
        nn.ReLU(),
        nn.LayerNorm(32),
        nn.Linear(32, 10),
    )


def main():
    d = sys.argv[1]
    sd = load_file(os.path.join(d, "model.safetensors"))
    io = load_file(os.path.join(d, "io.safetensors"))
    model = build()
    result = model.load_state_dict(sd, strict=True)
    print(f"torch {torch.__version__}: loaded {len(sd)} tensors with strict=True ({BACKEND}); {result}")
    tracked = {k: int(v) for k, v in sd.items() if k.endswith("num_batches_tracked")}
    print(f"torch: num_batches_tracked {tracked}")
    model.eval()
    with torch.no_grad():
        out = model(io["input"])
    diff = (out - io["output"]).abs().max().item()
    print(f"torch: eval output {list(out.shape)}, max abs diff vs kindling {diff:.3e}")
    ok = diff < 1e-4 and all(v == 3 for v in tracked.values())
    print("CNN STATE DICT OK" if ok else "CNN STATE DICT MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
