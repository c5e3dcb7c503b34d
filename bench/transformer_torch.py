#!/usr/bin/env python3
"""PyTorch side of bench/transformer_step.ts: the same Transformer encoder training step at ONE thread count.

    /usr/bin/python3 bench/transformer_torch.py --threads 1 [--dropout 0.1 --dff 2048 --budget 6000 --json]

Threads are set as bench/reference/torch_bench.py sets them (the *_NUM_THREADS variables before torch is
imported, then torch.set_num_threads and threadpoolctl when importable). bench/transformer_compare.ts
runs it with OpenBLAS and the malloc thresholds bench/run.ts gives torch.
"""
import argparse
import json
import os
import time

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=1)
p.add_argument("--dropout", type=float, default=0.1)
p.add_argument("--dff", type=int, default=2048)
p.add_argument("--budget", type=float, default=6000)
p.add_argument("--json", action="store_true")
ARGS = p.parse_args()
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)

import torch  # noqa: E402
from torch import nn  # noqa: E402

LAYERS, D, NHEAD, SEQ, BATCH = 4, 256, 4, 128, 16


def main():
    torch.set_num_threads(ARGS.threads)
    info = [f"torch {torch.__version__}, {torch.get_num_threads()} thread(s)"]
    try:
        import threadpoolctl
        _limiter = threadpoolctl.threadpool_limits(ARGS.threads)  # noqa: F841
        info += [f"{lib.get('internal_api')} {lib.get('version') or ''} {lib.get('architecture') or ''}".strip() for lib in threadpoolctl.threadpool_info()]
    except ImportError:
        info.append("threadpoolctl not importable")
    torch.manual_seed(0)
    x = torch.randn(SEQ, BATCH, D)
    target = torch.randn(SEQ, BATCH, D)
    mask = nn.Transformer.generate_square_subsequent_mask(SEQ)
    torch.manual_seed(1)
    layer = nn.TransformerEncoderLayer(D, NHEAD, dim_feedforward=ARGS.dff, dropout=ARGS.dropout)
    model = nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    mse = nn.MSELoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = mse(model(x, mask=mask), target)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(2):
        last = step()
    out, cpu, t0 = [], [], time.perf_counter()
    while len(out) < 30 and (len(out) < 3 or (time.perf_counter() - t0) * 1000 < ARGS.budget):
        t, c = time.perf_counter(), time.process_time()
        last = step()
        out.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    s = sorted(out)
    n = len(s)
    med = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    cs = sorted(cpu)
    cpu_med = cs[n // 2] if n % 2 else (cs[n // 2 - 1] + cs[n // 2]) / 2
    cell = {"backend": "torch", "threads": ARGS.threads, "medianMs": med, "bestMs": s[0], "n": n, "loss": last, "cpuMedianMs": cpu_med}
    report = {"engine": "torch", "part": "transformer", "info": info, "cells": [cell], "unavailable": []}
    if ARGS.json:
        print("@@RESULT " + json.dumps(report), flush=True)
    else:
        print("\n".join(info))
        print(f"torch {ARGS.threads} thr: median {med:.1f} ms  best {s[0]:.1f} ms  cpu median {cpu_med:.1f} ms  n={n}  loss {last:.4f}")


if __name__ == "__main__":
    main()
