#!/usr/bin/python3
"""The PyTorch half of the checkpoint round trip (driven by scripts/interop/roundtrip.ts).

Reads DIR/ts_to_py.safetensors, a kindling training-state checkpoint (see src/io/checkpoint.ts):
tensors by dotted name, plus JSON in __metadata__["kindling.state"] where each tensor appears as
{"$tensor": name}. It then, in torch:
  1. computes y = x @ w.T + b and a few integer/bool results from the loaded tensors;
  2. loads kindling's Adam state_dict into torch.optim.Adam as is (snake_case options, integer
     parameter indices) and runs the remaining steps on the gradients kindling stored;
and writes DIR/py_to_ts.safetensors in the same training-state layout: the results, the updated
weights, and torch's own optimizer state_dict for kindling to load.

The `safetensors` package is used when installed; otherwise the reader/writer of
scripts/fixtures/gen_safetensors.py (plain Python, strict).

Run: /usr/bin/python3 scripts/interop/roundtrip.py DIR
"""
import json
import math
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))
STATE_KEY = "kindling.state"

try:
    from safetensors import safe_open
    from safetensors.torch import save_file

    def read_file(path):
        with safe_open(path, framework="pt") as f:
            return {k: f.get_tensor(k) for k in f.keys()}, f.metadata() or {}

    def write_file(path, tensors, metadata):
        save_file(tensors, path, metadata=metadata)

    BACKEND = "safetensors package"
except ImportError:
    from gen_safetensors import deserialize, serialize

    def read_file(path):
        with open(path, "rb") as f:
            return deserialize(f.read())

    def write_file(path, tensors, metadata):
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(serialize({k: v.contiguous() for k, v in tensors.items()}, metadata))
        os.replace(tmp, path)

    BACKEND = "plain-Python reader (gen_safetensors.py)"


def decode(v, tensors):
    """kindling.state JSON -> Python values, tensors substituted."""
    if isinstance(v, list):
        return [decode(x, tensors) for x in v]
    if isinstance(v, dict):
        if len(v) == 1:
            (tag, body), = v.items()
            if tag == "$tensor":
                return tensors[body]
            if tag == "$number":
                return {"Infinity": math.inf, "-Infinity": -math.inf, "NaN": math.nan, "-0": -0.0}[body]
            if tag == "$map" or tag == "$object":
                return {k: decode(x, tensors) for k, x in body}
        return {k: decode(x, tensors) for k, x in v.items()}
    return v


def encode(v, path, out):
    """Python values -> kindling.state JSON, tensors collected into `out` by dotted name."""
    if isinstance(v, torch.Tensor):
        name = ".".join(path)
        out[name] = v.detach().contiguous()
        return {"$tensor": name}
    if isinstance(v, float) and (math.isinf(v) or math.isnan(v)):
        return {"$number": "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")}
    if isinstance(v, (list, tuple)):
        return [encode(x, path + [str(i)], out) for i, x in enumerate(v)]
    if isinstance(v, dict):
        return {str(k): encode(x, path + [str(k)], out) for k, x in v.items()}
    return v


def main():
    d = sys.argv[1]
    tensors, metadata = read_file(os.path.join(d, "ts_to_py.safetensors"))
    state = decode(json.loads(metadata[STATE_KEY]), tensors)
    model, data = state["model"], state["data"]
    print("python: read %d tensors (%s); metadata keys %s" % (len(tensors), BACKEND, sorted(metadata)))
    print("python: model %s, optimizer state for params %s, step %s" % (
        {k: list(v.shape) for k, v in model.items()}, sorted(state["optim"]["state"]), state["step"]))

    w = model["w"].clone().requires_grad_(True)
    b = model["b"].clone().requires_grad_(True)
    y = data["x"] @ w.detach().T + b.detach()

    sd = state["optim"]
    opt = torch.optim.Adam([w, b])
    opt.load_state_dict({"state": {int(k): v for k, v in sd["state"].items()}, "param_groups": sd["param_groups"]})
    for grads in state["next_grads"]:
        w.grad, b.grad = grads[0].clone(), grads[1].clone()
        opt.step()
    print("python: ran %d more Adam steps (lr %s, betas %s, amsgrad %s)" % (
        len(state["next_grads"]), opt.param_groups[0]["lr"], opt.param_groups[0]["betas"], opt.param_groups[0]["amsgrad"]))

    torch_sd = opt.state_dict()
    out_state = {
        "y": y,
        "w": w.detach(),
        "b": b.detach(),
        "ids_sum": data["ids"].sum(),           # int64
        "ids_doubled": data["ids"] * 2,         # int64 beyond 2^31
        "mask_not": ~data["mask"],              # bool
        "optim": {
            "state": {str(i): {k: (v.item() if k == "step" else v) for k, v in s.items()} for i, s in torch_sd["state"].items()},
            "param_groups": [{k: (list(v) if isinstance(v, tuple) else v) for k, v in g.items()
                              if k not in ("foreach", "capturable", "differentiable", "fused")} for g in torch_sd["param_groups"]],
        },
        "torch": torch.__version__,
    }
    out = {}
    skeleton = encode(out_state, [], out)
    write_file(os.path.join(d, "py_to_ts.safetensors"), out, {"format": "pt", STATE_KEY: json.dumps(skeleton)})
    print("python: wrote %d tensors: %s" % (len(out), ", ".join(sorted(out))))


if __name__ == "__main__":
    main()
