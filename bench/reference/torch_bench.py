#!/usr/bin/env python3
"""PyTorch side of `npm run bench`: the same GEMMs, MLP step and CNN step as bench/gemm.ts,
bench/mlp_step.ts and bench/cnn_step.ts, at ONE thread count per process.

    /usr/bin/python3 bench/reference/torch_bench.py --threads 1 --what gemm,mlp,cnn
    ... --json                      one "@@RESULT {json}" line per part, for bench/run.ts
    ... --shapes '[[false,false,32,1024,784], ...]'   GEMM shapes as [transA, transB, M, N, K]

Threads: OMP/OpenBLAS/MKL thread variables are set before torch is imported, then
torch.set_num_threads(n) and, when threadpoolctl is importable, threadpool_limits(n) (which also
reports the BLAS library and the kernel it dispatched to). bench/run.ts unsets OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE for this process only; whatever they are is reported.
"""
import argparse
import json
import os
import sys
import time


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--what", default="gemm,mlp,cnn")
    p.add_argument("--shapes", default=None)
    p.add_argument("--samples", type=int, default=7)
    p.add_argument("--budget", type=float, default=None, help="ms of timed steps per step benchmark")
    p.add_argument("--json", action="store_true")
    return p.parse_args()


ARGS = parse_args()
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)

try:
    import torch  # noqa: E402  (after the thread variables)
    from torch import nn  # noqa: E402
except ImportError as e:
    sys.exit(f"PyTorch not importable by {sys.executable}: {e} (apt-get install -y python3-torch)")

DEFAULT_SHAPES = [
    [False, False, 32, 1024, 784], [False, False, 32, 2048, 1024], [False, False, 256, 1024, 1024],
    [False, False, 1024, 1024, 1024], [False, True, 32, 1024, 784], [True, False, 784, 1024, 32],
    [False, True, 32, 784, 1024], [False, False, 32, 784, 1024],
]


def setup_threads(n):
    """Sets torch's and the BLAS's threads; returns (info lines, limiter kept alive)."""
    torch.set_num_threads(n)
    info = [f"torch {torch.__version__}, torch.get_num_threads() = {torch.get_num_threads()}"]
    limiter = None
    try:
        import threadpoolctl
        limiter = threadpoolctl.threadpool_limits(n)
        for lib in threadpoolctl.threadpool_info():
            desc = f"{lib.get('internal_api')} {lib.get('version') or ''}".strip()
            if lib.get("architecture"):
                desc += f", kernel {lib['architecture']}"
            if lib.get("threading_layer"):
                desc += f", {lib['threading_layer']}"
            info.append(f"{lib.get('user_api')}: {desc}, {lib.get('num_threads')} thread(s) ({lib.get('filepath')})")
        if not any(lib.get("user_api") == "blas" for lib in threadpoolctl.threadpool_info()):
            info.append("blas: not recognised by threadpoolctl (the reference netlib BLAS?)")
    except ImportError:
        info.append("threadpoolctl not importable: BLAS threads set only through *_NUM_THREADS")
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        info.append(f"{var}={os.environ[var]}" if var in os.environ else f"{var} unset")
    return info, limiter


def stats(samples_s):
    s = sorted(x * 1000.0 for x in samples_s)
    n = len(s)
    med = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    return {"medianMs": med, "bestMs": s[0], "n": n}


def time_repeated(fn, samples, target_s=0.025):
    fn()
    calls, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < target_s:
        fn()
        calls += 1
    per = max(1, round(calls * target_s / (time.perf_counter() - t0)))
    out = []
    for _ in range(samples):
        t = time.perf_counter()
        for _ in range(per):
            fn()
        out.append((time.perf_counter() - t) / per)
    return stats(out)


def time_steps(step, warmup, warmup_s, min_steps, max_steps, budget_s):
    last = float("nan")
    w0, i = time.perf_counter(), 0
    while i < warmup or (time.perf_counter() - w0 < warmup_s and i < 4 * max_steps):
        last = step()
        i += 1
    out, t0 = [], time.perf_counter()
    while len(out) < max_steps and (len(out) < min_steps or time.perf_counter() - t0 < budget_s):
        t = time.perf_counter()
        last = step()
        out.append(time.perf_counter() - t)
    return {**stats(out), "last": last}


def bench_gemm(shapes, threads, samples):
    cells = []
    torch.manual_seed(0)
    for ta, tb, m, n, k in shapes:
        # op(A) is M x K; a transposed operand is stored K x M and passed as a .t() view, which
        # torch.mm hands to the BLAS as a transpose flag (no copy), like kindling's transA.
        a = (torch.rand(k, m) - 0.5).t() if ta else torch.rand(m, k) - 0.5
        b = (torch.rand(n, k) - 0.5).t() if tb else torch.rand(k, n) - 0.5
        c = torch.empty(m, n)
        r = time_repeated(lambda: torch.mm(a, b, out=c), samples)
        key = f"{'T' if ta else 'N'}{'T' if tb else 'N'} {m}x{n}x{k}"
        cells.append({"shape": key, "backend": "torch", "threads": threads, **r})
    return cells


def train_step(model, opt, x, y):
    crit = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def bench_mlp(threads, budget_s):
    torch.manual_seed(0)
    x, y = torch.randn(32, 784), torch.randint(0, 10, (32,))
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 2048), nn.ReLU(),
                          nn.Linear(2048, 512), nn.ReLU(), nn.Linear(512, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.03)
    r = time_steps(train_step(model, opt, x, y), 5, 0.5, 5, 60, budget_s)
    return [{"backend": "torch", "threads": threads, "loss": r.pop("last"), **r}]


def bench_cnn(threads, budget_s):
    torch.manual_seed(0)
    x, y = torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))
    torch.manual_seed(1)
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    r = time_steps(train_step(model, opt, x, y), 2, 0.0, 3, 20, budget_s)
    return [{"backend": "torch", "threads": threads, "loss": r.pop("last"), **r}]


def main():
    info, _limiter = setup_threads(ARGS.threads)
    shapes = json.loads(ARGS.shapes) if ARGS.shapes else DEFAULT_SHAPES
    parts = [w.strip() for w in ARGS.what.split(",") if w.strip()]
    for part in parts:
        if part == "gemm":
            cells = bench_gemm(shapes, ARGS.threads, ARGS.samples)
        elif part == "mlp":
            cells = bench_mlp(ARGS.threads, (ARGS.budget or 2000) / 1000)
        elif part == "cnn":
            cells = bench_cnn(ARGS.threads, (ARGS.budget or 4000) / 1000)
        else:
            sys.exit(f"unknown part {part!r} (gemm, mlp, cnn)")
        report = {"engine": "torch", "part": part, "info": info, "cells": cells, "unavailable": []}
        if ARGS.json:
            print("@@RESULT " + json.dumps(report), flush=True)
        else:
            print(f"== {part}, {ARGS.threads} thread(s)")
            for line in info:
                print("  " + line)
            for c in cells:
                label = c.get("shape", "step")
                print(f"  {label:<20} median {c['medianMs']:9.3f} ms   best {c['bestMs']:9.3f} ms   n={c['n']}")


if __name__ == "__main__":
    main()
