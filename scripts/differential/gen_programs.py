"""
Random 1-6 op programs run through PyTorch 1.13; writes what PyTorch did with each (values, dtype,
shape, gradients of sum(out * w), or the exception) for scripts/differential/run.ts to replay on kindling.

A program is JSON both sides interpret:
  inputs: [{s: shape, d: dtype, v: values, view?: ["t"] | ["step", k] | ["expand", shape], g?: bool, at}]
          (at: the input's value number; an op's extra operands are made as it is chosen, so they are
          numbered between the op results)
  ops:    [{op, a: [args], kw?: {dtype, rounding_mode, ...}}]  (op is PyTorch's method name, "torch.NAME" or
          "F.NAME" for torch.nn.functional; kindling's is its camelCase, keywords its options object)
          an arg is {"v": i} (value i: inputs first, then each op's result), {"ix": [...]} for x[...] items,
          {"dtype": name}, or a JSON number / bool / null / string / list.
          An op's "pick" takes element k of a (values, indices) result.
The program is built while PyTorch runs it, so each op fits the shapes it actually sees; an op that
raises ends the program (its error is the outcome).

  /usr/bin/python3 scripts/differential/gen_programs.py [--count N] [--seed S] [--out F]
"""
import argparse
import json
import math
import random
import sys
import warnings

import torch

import op_table

DTYPES = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int32, "int64": torch.int64, "bool": torch.bool}
NAMES = {v: k for k, v in DTYPES.items()}

UNARY = ["neg", "abs", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "sign", "sin", "cos", "square",
         "reciprocal", "log1p", "expm1", "floor", "ceil", "round", "trunc", "logical_not", "erf", "rsqrt"]
BINARY = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "logical_and", "logical_or",
          "eq", "ne", "lt", "le", "gt", "ge", "atan2", "remainder"]
REDUCE = ["sum", "mean", "amax", "amin", "prod", "max", "min", "argmax", "argmin", "all", "any", "std", "logsumexp"]
INPLACE_UNARY = ["neg_", "abs_", "exp_", "sqrt_", "relu_", "sigmoid_", "tanh_"]
INPLACE_BINARY = ["add_", "sub_", "mul_", "div_", "pow_"]
CAMEL = {"logical_not": "logicalNot", "logical_and": "logicalAnd", "logical_or": "logicalOr",
         "log_softmax": "logSoftmax", "masked_fill": "maskedFill", "index_select": "indexSelect",
         "masked_fill_": "maskedFill_"}


def enc(x):
    if isinstance(x, float):
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        if x == 0 and math.copysign(1, x) < 0:
            return "-0"
    return x


def dec(x):
    return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "-0": -0.0}.get(x, x) if isinstance(x, str) else x


def tens_json(t):
    t = t.detach()
    vals = t.reshape(-1).tolist()
    if t.dtype == torch.bool:
        vals = [bool(v) for v in vals]
    elif t.dtype.is_floating_point:
        vals = [enc(float(v)) for v in vals]
    return {"s": list(t.shape), "d": NAMES[t.dtype], "v": vals}


class Gen:
    def __init__(self, rng):
        self.r = rng

    def shape(self, rank=None):
        r = self.r
        rank = r.choice([0, 1, 1, 2, 2, 2, 3, 3]) if rank is None else rank
        return [r.choice([0, 1, 2, 2, 3, 3, 4]) if r.random() < 0.08 else r.choice([1, 2, 3, 4]) for _ in range(rank)]

    def values(self, dtype, n):
        r = self.r
        if dtype == "bool":
            return [r.random() < 0.5 for _ in range(n)]
        if dtype in ("int32", "int64"):
            return [r.randint(-4, 5) for _ in range(n)]
        special = r.random() < 0.3
        out = []
        for _ in range(n):
            u = r.random()
            if special and u < 0.12:
                out.append(r.choice(["nan", "inf", "-inf", "-0", 0.0]))
            elif u < 0.35:
                out.append(float(r.randint(-3, 3)) * r.choice([1.0, 0.5]))  # ties
            else:
                out.append(round(r.uniform(-3, 3), 4))
        return out

    def input(self, shape=None, dtype=None, grad_ok=True):
        r = self.r
        dtype = dtype or r.choice(["float32", "float32", "float32", "float64", "int32", "int64", "bool"])
        shape = self.shape() if shape is None else shape
        view = None
        u = r.random()
        base = list(shape)
        if u < 0.12 and len(shape) >= 2:
            view = ["t"]
            base = base[:-2] + [base[-1], base[-2]]
        elif u < 0.22 and len(shape) >= 1:
            view = ["step", 2]
            base = [base[0] * 2] + base[1:]
        elif u < 0.3 and len(shape) >= 1:
            view = ["expand", list(shape)]
            base = [1 if (i == 0 or r.random() < 0.5) else n for i, n in enumerate(shape)]
        spec = {"s": base, "d": dtype, "v": self.values(dtype, math.prod(base))}
        if view:
            spec["view"] = view
        if grad_ok and dtype.startswith("float") and r.random() < 0.7:
            spec["g"] = True
        return spec


def make_input(spec):
    dt = DTYPES[spec["d"]]
    base = torch.tensor([dec(v) for v in spec["v"]], dtype=dt).reshape(spec["s"])
    if spec.get("g"):
        base.requires_grad_(True)
    t = base
    view = spec.get("view")
    if view:
        if view[0] == "t":
            t = base.transpose(-1, -2)
        elif view[0] == "step":
            t = base[:: view[1]]
        else:
            t = base.expand(*view[1])
    return base, t


def resolve(a, vals):
    if isinstance(a, dict):
        if "dtype" in a:
            return DTYPES[a["dtype"]]
        if "v" in a:
            return vals[a["v"]]
        if "ix" in a:
            return tuple(resolve_ix(i, vals) for i in a["ix"])
    if isinstance(a, list):
        return [resolve(x, vals) for x in a]
    return dec(a)


def resolve_ix(i, vals):
    if i == "...":
        return Ellipsis
    if isinstance(i, dict) and "slice" in i:
        return slice(*i["slice"])
    if isinstance(i, dict) and "v" in i:
        return vals[i["v"]]
    return i


VERBOSE = False
# the share of steps drawn from op_table.py's widened table (the rest: the first ~60 ops, below)
WIDE = 0.6
FUNCS = {"cat": torch.cat, "stack": torch.stack, "where": torch.where}


def apply_op(step, vals):
    name = step["op"]
    args = [resolve(a, vals) for a in step["a"]]
    kw = {k: DTYPES[v] if k == "dtype" else dec(v) for k, v in step.get("kw", {}).items()}
    if name == "index":
        res = args[0][args[1]]
    elif name.startswith("torch."):
        res = getattr(torch, name[6:])(*args, **kw)
    elif name.startswith("F."):
        res = getattr(torch.nn.functional, name[2:])(*args, **kw)
    elif name in FUNCS:
        res = FUNCS[name](*args, **kw)
    else:
        res = getattr(args[0], name)(*args[1:], **kw)
    if "pick" in step:
        res = res[step["pick"]]
    return res


def num_arg(r, dtype):
    # never an integral float (2.0): a JS number cannot tell it from the int 2

    if dtype in ("int32", "int64", "bool") and r.random() < 0.7:
        return r.randint(-2, 3)
    return r.choice([0.5, 2, 2.5, -1.5, 3, 0, "nan", "inf", 1]) if r.random() < 0.9 else r.choice([True, False])


def rand_dim(r, nd, allow_bad=True):
    if allow_bad and r.random() < 0.04:
        return nd + r.choice([0, 1])
    if nd == 0:
        return r.choice([0, -1])
    return r.randint(-nd, nd - 1)


def choose_op(g, vals, specs):
    """An op step on the existing values (most often the newest)."""
    r = g.r
    i = len(vals) - 1 if r.random() < 0.7 else r.randrange(len(vals))
    x = vals[i]
    nd = x.dim()
    dt = NAMES[x.dtype]
    kind = r.random()
    X = {"v": i}

    def other(shape=None, dtype=None):
        """Another operand: an existing value of a fitting shape, or a new input."""
        if shape is None:
            # broadcastable: same shape, a suffix, or with ones
            shape = list(x.shape)
            u = r.random()
            if u < 0.2 and shape:
                shape = shape[1:]
            elif u < 0.35:
                shape = [1 if r.random() < 0.5 else n for n in shape]
            elif u < 0.4:
                shape = []
        dtype = dtype or (dt if r.random() < 0.6 else None)
        spec = g.input(shape, dtype)
        spec["at"] = len(vals)
        specs.append(spec)
        base, t = make_input(spec)
        vals.append(t)
        spec["_base"] = base
        return {"v": len(vals) - 1}

    if r.random() < WIDE:
        return op_table.choose(op_table.Ctx(g, vals, specs, i, other, num_arg, rand_dim, make_input))
    if kind < 0.2:
        return {"op": r.choice(UNARY), "a": [X]}
    if kind < 0.23:
        # keyword variants PyTorch users type
        u = r.random()
        if u < 0.35:
            return {"op": "div", "a": [X, other() if r.random() < 0.6 else num_arg(r, dt)],
                    "kw": {"rounding_mode": r.choice(["trunc", "floor"])}}
        if u < 0.6:
            op = r.choice(["sum", "mean", "cumsum"])
            keep = [] if op == "cumsum" else [r.random() < 0.5]
            return {"op": op, "a": [X, rand_dim(r, nd)] + keep, "kw": {"dtype": r.choice(["float64", "float32", "int64"])}}
        if u < 0.8:
            return {"op": r.choice(["max", "min"]), "a": [X, other()]}
        return {"op": "where", "a": [other(list(x.shape), "bool"), num_arg(r, dt), num_arg(r, dt)]}
    if kind < 0.4:
        op = r.choice(BINARY)
        takes_number = op in ("add", "sub", "mul", "div", "pow", "eq", "ne", "lt", "le", "gt", "ge", "remainder")
        if r.random() < (0.3 if takes_number else 0.03):
            return {"op": op, "a": [X, num_arg(r, dt)]}
        return {"op": op, "a": [X, other()]}
    if kind < 0.52:
        op = r.choice(REDUCE)
        if op in ("argmax", "argmin") and r.random() < 0.3:
            return {"op": op, "a": [X]}
        if op == "std":
            return {"op": op, "a": [X] + ([rand_dim(r, nd)] if r.random() < 0.7 else [])}
        if op == "logsumexp":
            return {"op": op, "a": [X, rand_dim(r, nd), r.random() < 0.5]}
        if op in ("max", "min"):
            if r.random() < 0.3:
                return {"op": op, "a": [X]}
            return {"op": op, "a": [X, rand_dim(r, nd), r.random() < 0.5], "pick": r.choice([0, 0, 1])}
        if op in ("prod", "all", "any", "argmax", "argmin"):
            return {"op": op, "a": [X, rand_dim(r, nd), r.random() < 0.5]}
        if r.random() < 0.2:
            return {"op": op, "a": [X]}
        if r.random() < 0.3 and nd >= 2:
            return {"op": op, "a": [X, [0, nd - 1], r.random() < 0.5]}
        return {"op": op, "a": [X, rand_dim(r, nd), r.random() < 0.5]}
    if kind < 0.58:
        if not x.dtype.is_floating_point and r.random() < 0.8:
            return {"op": "softmax", "a": [X, rand_dim(r, nd)], "kw": {"dtype": "float64"}} if r.random() < 0.3 else {"op": "float", "a": [X]}
        return {"op": r.choice(["softmax", "log_softmax"]), "a": [X, rand_dim(r, nd)]}
    if kind < 0.63:
        op = r.choice(["matmul", "matmul", "matmul"] + (["mm"] if nd == 2 or r.random() < 0.1 else []) + (["bmm"] if nd == 3 or r.random() < 0.1 else []))
        shape = list(x.shape)
        if nd == 0:
            oshape = []
        elif nd == 1:
            oshape = [shape[0]] + ([r.choice([1, 2, 3])] if r.random() < 0.5 else [])
        else:
            oshape = shape[:-2] + [shape[-1], r.choice([0, 1, 2, 3])]
        if r.random() < 0.1:
            oshape = [n + 1 for n in oshape]
        return {"op": op, "a": [X, other(oshape, dt if r.random() < 0.8 else None)]}
    if kind < 0.75:
        v = r.choice(["reshape", "transpose", "permute", "squeeze", "unsqueeze", "expand", "narrow", "select", "flatten"])
        shape = list(x.shape)
        if v == "reshape":
            n = math.prod(shape)
            opts = [[-1], [n], [1, n], [n, 1], [-1, 1]] + ([[2, n // 2]] if n % 2 == 0 else [])
            return {"op": v, "a": [X] + r.choice(opts)}
        if v == "transpose":
            return {"op": v, "a": [X, rand_dim(r, nd), rand_dim(r, nd)]}
        if v == "permute":
            p = list(range(nd))
            r.shuffle(p)
            return {"op": v, "a": [X] + p}
        if v == "squeeze":
            return {"op": v, "a": [X] + ([rand_dim(r, nd)] if r.random() < 0.6 else [])}
        if v == "unsqueeze":
            return {"op": v, "a": [X, r.randint(-nd - 1, nd)]}
        if v == "expand" and nd > 0:
            es = [r.choice([2, 3]) if n == 1 else (-1 if r.random() < 0.3 else n) for n in shape]
            if r.random() < 0.3:
                es = [2] + es
            return {"op": v, "a": [X] + es}
        if v == "flatten":
            return {"op": v, "a": [X]}
        if nd == 0:
            return {"op": v, "a": [X, 0, 0] + ([1] if v == "narrow" else [])}
        d = rand_dim(r, nd, False)
        n = shape[d]
        if v == "narrow":
            s = r.randint(0, max(n - 1, 0))
            return {"op": v, "a": [X, d, s, r.randint(0, n - s)]}
        return {"op": v, "a": [X, d, r.randint(-n, n) if n else 0]}
    if kind < 0.8:
        op = r.choice(["cat", "stack"])
        y = other(list(x.shape))
        d = rand_dim(r, nd + (1 if op == "stack" else 0))
        return {"op": op, "a": [[X, y], d]}
    if kind < 0.88:
        op = r.choice(["where", "masked_fill", "gather", "index_select", "clamp"])
        shape = list(x.shape)
        if op == "where":
            c = other(shape, "bool")
            y = other() if r.random() < 0.6 else num_arg(r, dt)
            return {"op": op, "a": [c, X, y]}
        if op == "masked_fill":
            m = other(shape if r.random() < 0.8 else shape[1:], "bool")
            return {"op": op, "a": [X, m, num_arg(r, dt)]}
        if op == "clamp":
            lo = r.choice([None, -1, 0.5, -0.5])
            hi = r.choice([None, 1, 2.5]) if lo is not None else r.choice([1, 2.5])
            return {"op": op, "a": [X, lo, hi]}
        d = rand_dim(r, nd, False) if nd else 0
        n = shape[d] if nd else 1
        if op == "gather":
            ishape = [max(1, k - (1 if r.random() < 0.3 else 0)) if k else 0 for k in shape]
            spec = {"s": ishape, "d": "int64", "v": [r.randint(0, max(n - 1, 0)) for _ in range(math.prod(ishape))]}
        else:
            # PyTorch 1.13 reads or writes out of bounds for other than one index into a 0-d tensor
            k = r.randint(0, 4) if nd else 1
            spec = {"s": [k], "d": "int64", "v": [r.randint(-1 if r.random() < 0.05 else 0, max(n - 1, 0)) for _ in range(k)]}
        spec["at"] = len(vals)
        specs.append(spec)
        vals.append(make_input(spec)[1])
        return {"op": op, "a": [X, d, {"v": len(vals) - 1}]}
    if kind < 0.92:
        op = r.choice(["cumsum", "sort", "topk"])
        d = rand_dim(r, nd)
        if op == "cumsum":
            return {"op": op, "a": [X, d]}
        if op == "sort":
            return {"op": op, "a": [X, d, r.random() < 0.5], "pick": 0}
        n = x.shape[d] if nd and -nd <= d < nd else 1
        return {"op": op, "a": [X, r.randint(0, n), d, r.random() < 0.5], "pick": 0}
    if kind < 0.96:
        items = []
        for k in range(max(nd, 1) if r.random() < 0.8 else 1):
            n = x.shape[k] if k < nd else 1
            u = r.random()
            if u < 0.3 and n:
                items.append(r.randint(-n, n - 1))
            elif u < 0.6:
                items.append({"slice": [r.choice([None, 0, 1]), r.choice([None, -1, n]), r.choice([None, 1, 2])]})
            elif u < 0.7:
                items.append(None)
            elif u < 0.8 and "..." not in items:
                # one ellipsis at most: kindling keeps NumPy's rule on purpose (test/ops/indexing_errors.test.ts)
                items.append("...")
            else:
                spec = {"s": [r.randint(1, 3)], "d": "int64", "v": [r.randint(0, max(n - 1, 0)) for _ in range(3)]}
                spec["s"] = [len(spec["v"])]
                spec["at"] = len(vals)
                specs.append(spec)
                vals.append(make_input(spec)[1])
                items.append({"v": len(vals) - 1})
        return {"op": "index", "a": [X, {"ix": items}]}
    # in-place on a non-leaf (made by an op, so a clone first when x is an input)
    op = r.choice(INPLACE_UNARY + INPLACE_BINARY + ["clamp_", "masked_fill_"])
    if op in INPLACE_BINARY:
        return {"op": op, "a": [X, other() if r.random() < 0.6 else num_arg(r, dt)], "_ip": True}
    if op == "clamp_":
        return {"op": op, "a": [X, -1, 1], "_ip": True}
    if op == "masked_fill_":
        return {"op": op, "a": [X, other(list(x.shape), "bool"), num_arg(r, dt)], "_ip": True}
    return {"op": op, "a": [X], "_ip": True}


def exc(e):
    return {"type": type(e).__name__, "message": str(e).split("\n")[0][:300]}


def program(g, idx):
    r = g.r
    specs = []
    vals = []
    n_in = r.choice([1, 1, 2])
    for _ in range(n_in):
        spec = g.input()
        base, t = make_input(spec)
        spec["_base"] = base
        spec["at"] = len(vals)
        specs.append(spec)
        vals.append(t)
    ops = []
    result = {}
    n_ops = r.randint(1, 6)
    for _ in range(n_ops):
        nv = len(vals)
        step = choose_op(g, vals, specs)
        ip = step.pop("_ip", False)
        target = step["a"][0]["v"] if ip else -1
        if ip and target < n_in and r.random() < 0.8:
            # in-place on an op's result, not on a user's leaf: clone first
            ops.append({"op": "clone", "a": [{"v": target}]})
            vals.append(vals[target].clone())
            step["a"][0] = {"v": len(vals) - 1}
        # inputs added while choosing the op come before it: values are numbered in creation order
        del nv
        ops.append(step)
        try:
            out = apply_op(step, vals)
        except Exception as e:  # noqa: BLE001 - recording PyTorch's error is the point
            result = {"error": exc(e)}
            break
        vals.append(out)
    if not result:
        out = vals[-1]
        result = {"out": tens_json(out)}
        leaves = [s["_base"] for s in specs if s.get("g")]
        if out.requires_grad and out.dtype.is_floating_point:
            w = torch.tensor([round(r.uniform(-2, 2), 3) for _ in range(out.numel())], dtype=torch.float64)
            w = w.reshape(out.shape).to(out.dtype)
            result["w"] = tens_json(w)
            try:
                if VERBOSE:
                    print(json.dumps(ops), [(s["s"], s["d"], s.get("view")) for s in specs], file=sys.stderr, flush=True)
                (out * w).sum().backward()
                result["grads"] = [tens_json(s["_base"].grad) if s["_base"].grad is not None else None
                                   for s in specs if s.get("g")]
            except Exception as e:  # noqa: BLE001
                result["backwardError"] = exc(e)
        del leaves
    for s in specs:
        s.pop("_base", None)
    return {"id": idx, "inputs": specs, "ops": ops, **result}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--out", default="test/fixtures/differential.json")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    # PyTorch's deprecation and broadcasting warnings (the programs mean what they say)
    warnings.simplefilter("ignore")
    torch.manual_seed(a.seed)
    g = Gen(random.Random(a.seed))
    progs = []
    for i in range(a.count):
        global VERBOSE
        VERBOSE = a.verbose
        if a.verbose:
            print(i, file=sys.stderr, flush=True)
        progs.append(program(g, i))
    with open(a.out, "w") as f:
        json.dump({"generator": "scripts/differential/gen_programs.py", "torch": torch.__version__,
                   "seed": a.seed, "programs": progs}, f, separators=(",", ":"))
    errs = sum(1 for p in progs if "error" in p)
    print(f"{len(progs)} programs ({errs} end in an error) -> {a.out}")


if __name__ == "__main__":
    main()
