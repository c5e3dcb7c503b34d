"""
The widened op table of gen_programs.py: op name -> a generator of one step's arguments that fit the value
it is applied to (dims in range, k no larger than the dim, index tensors within bounds). Each generator
gets a Ctx and returns a step dict (see gen_programs.py's docstring), or None to let the caller pick again.

Names are PyTorch's: a tensor method ("cummax"), "torch.NAME" for a function of the torch namespace,
"F.NAME" for torch.nn.functional. program.ts maps each to kindling's camelCase without knowing any op.
"""
import math

FLOATS = ("float32", "float64")


class Ctx:
    """What an argument generator sees: the operand x (value number i) and ways to make more operands."""

    def __init__(self, g, vals, specs, i, other, num_arg, rand_dim, make_input):
        self.r = g.r
        self.g = g
        self.vals = vals
        self.specs = specs
        self.x = vals[i]
        self.X = {"v": i}
        self.nd = self.x.dim()
        self.shape = list(self.x.shape)
        self.dt = str(self.x.dtype).replace("torch.", "")
        self.other = other
        self._num = num_arg
        self._dim = rand_dim
        self._make = make_input

    def num(self):
        return self._num(self.r, self.dt)

    def dim(self, bad=True, nd=None):
        return self._dim(self.r, self.nd if nd is None else nd, bad)

    def keep(self):
        return self.r.random() < 0.5

    def size(self, d):
        return self.shape[d] if self.nd and -self.nd <= d < self.nd else 1

    def ints(self, shape, lo, hi, dtype="int64"):
        """A new integer input of this shape with values in [lo, hi] (not differentiable)."""
        spec = {"s": shape, "d": dtype, "v": [self.r.randint(lo, hi) for _ in range(math.prod(shape))]}
        return self._push(spec)

    def spec_input(self, spec):
        return self._push(spec)

    def _push(self, spec):
        spec["at"] = len(self.vals)
        self.specs.append(spec)
        base, t = self._make(spec)
        spec["_base"] = base
        self.vals.append(t)
        return {"v": len(self.vals) - 1}

    def perm_index(self, ishape, d):
        """An int64 index of shape ishape whose entries along dim d are distinct (scatter without races)."""
        n = self.size(d)
        nd = len(ishape)
        d = d % nd if nd else 0
        vals = [0] * math.prod(ishape)
        strides = [math.prod(ishape[k + 1:]) for k in range(nd)]
        lines = math.prod(ishape) // ishape[d] if nd and ishape[d] else 0
        for line in range(lines):
            # the line's base offset: line's coordinates off dim d
            rem, off = line, 0
            for k in reversed(range(nd)):
                if k == d:
                    continue
                rem, c = divmod(rem, ishape[k])
                off += c * strides[k]
            picks = self.r.sample(range(n), ishape[d])
            for j, p in enumerate(picks):
                vals[off + j * strides[d]] = p
        return self._push({"s": ishape, "d": "int64", "v": vals})


def step(op, *a, kw=None, pick=None, ip=False):
    s = {"op": op, "a": list(a)}
    if kw:
        s["kw"] = kw
    if pick is not None:
        s["pick"] = pick
    if ip:
        s["_ip"] = True
    return s


# elementwise

UNARY = ["tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "log2", "log10", "exp2",
         "erfc", "erfinv", "lgamma", "digamma", "frac", "sinc", "sgn", "i0", "deg2rad", "rad2deg", "signbit",
         "isnan", "isinf", "isfinite", "isposinf", "isneginf", "positive", "fix", "bitwise_not", "nan_to_num",
         "float", "double", "long", "int", "bool", "abs", "sign", "log", "sqrt", "rsqrt", "exp", "round"]
# a number is a documented second operand of these
BINARY_NUM = ["copysign", "xlogy", "fmod", "floor_divide", "clamp_min", "clamp_max", "float_power", "true_divide",
              "remainder", "bitwise_and", "bitwise_or", "bitwise_xor", "mul", "add", "sub", "div", "pow"]
BINARY = ["hypot", "logaddexp", "logaddexp2", "fmax", "fmin", "atan2", "heaviside", "nextafter", "ldexp",
          "maximum", "minimum"] + BINARY_NUM
INT_BINARY = ["gcd", "lcm", "bitwise_and", "bitwise_or", "bitwise_xor", "fmod", "remainder", "floor_divide"]
INPLACE_UNARY = ["tan_", "sin_", "cos_", "floor_", "ceil_", "trunc_", "frac_", "log_", "log1p_", "expm1_",
                 "sign_", "sgn_", "square_", "rsqrt_", "reciprocal_", "erf_", "erfinv_", "zero_", "nan_to_num_",
                 "round_", "lgamma_", "digamma_"]
INPLACE_BINARY = ["fmod_", "remainder_", "hypot_", "copysign_", "clamp_min_", "clamp_max_", "atan2_", "floor_divide_",
                  "xlogy_", "mul_", "sub_"]


def unary(c):
    op = c.r.choice(UNARY)
    if op == "nan_to_num" and c.r.random() < 0.6:
        return step(op, c.X, kw={k: c.r.choice([0.5, -2.5, 3, "inf"]) for k in ("nan", "posinf", "neginf") if c.r.random() < 0.5})
    return step(op, c.X)


def logit(c):
    return step("logit", c.X, kw={"eps": c.r.choice([0.25, 0.001])} if c.r.random() < 0.5 else None)


def binary(c):
    op = c.r.choice(BINARY)
    if op in BINARY_NUM and c.r.random() < 0.3:
        return step(op, c.X, c.num())
    return step(op, c.X, c.other())


def int_binary(c):
    if c.r.random() < 0.3:
        return step(c.r.choice(["bitwise_left_shift", "bitwise_right_shift"]), c.X, c.r.randint(0, 3))
    op = c.r.choice(INT_BINARY)
    return step(op, c.X, c.other(dtype=c.r.choice(["int64", "int32", "bool", None])))


def lerp(c):
    w = c.r.choice([0.5, 0.25, 1.5]) if c.r.random() < 0.5 else c.other()
    return step("lerp", c.X, c.other(dtype=c.dt), w)


def addc(c):
    op = c.r.choice(["addcmul", "addcdiv"])
    kw = {"value": c.r.choice([0.5, -2, 3])} if c.r.random() < 0.5 else None
    return step(op, c.X, c.other(), c.other(), kw=kw)


def inplace(c):
    if c.r.random() < 0.5:
        op = c.r.choice(INPLACE_UNARY)
        return step(op, c.X, ip=True)
    op = c.r.choice(INPLACE_BINARY)
    num_ok = op not in ("hypot_", "atan2_")
    return step(op, c.X, c.num() if num_ok and c.r.random() < 0.3 else c.other(), ip=True)


def inplace_more(c):
    u = c.r.random()
    if u < 0.25:
        return step("fill_", c.X, c.num(), ip=True)
    if u < 0.5:
        op = c.r.choice(["addcmul_", "addcdiv_"])
        return step(op, c.X, c.other(), c.other(), kw={"value": 0.5}, ip=True)
    if u < 0.7:
        return step("lerp_", c.X, c.other(dtype=c.dt), 0.5, ip=True)
    if u < 0.85 and c.nd:
        d = c.dim(False)
        k = c.r.randint(0, 3)
        src = c.shape[:]
        src[d] = k
        return step("index_add_", c.X, d, c.ints([k], 0, max(c.size(d) - 1, 0)), c.other(src), ip=True)
    return step("clamp_", c.X, c.r.choice([None, -0.5]), 1.5, ip=True)


# reductions and scans

def scan(c):
    op = c.r.choice(["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp"])
    d = c.dim()
    if op in ("cummax", "cummin"):
        return step(op, c.X, d, pick=c.r.choice([0, 1]))
    if op in ("cumsum", "cumprod") and c.r.random() < 0.2:
        return step(op, c.X, d, kw={"dtype": c.r.choice(["float64", "int64"])})
    return step(op, c.X, d)


def dims_arg(c):
    """None, one dim, or a list of distinct dims."""
    u = c.r.random()
    if u < 0.2 or c.nd == 0:
        return None if u < 0.1 else c.dim()
    if u < 0.45 and c.nd >= 2:
        return c.r.sample(range(-c.nd, 0), c.r.randint(1, c.nd))
    return c.dim()


def moments(c):
    op = c.r.choice(["var", "std", "torch.std_mean", "torch.var_mean"])
    kw = {}
    if c.r.random() < 0.5:
        kw["unbiased"] = c.keep()
    elif c.r.random() < 0.3:
        kw["correction"] = c.r.choice([0, 2])
    if c.r.random() < 0.5:
        kw["keepdim"] = c.keep()
    d = dims_arg(c)
    pick = c.r.choice([0, 1]) if op.startswith("torch.") else None
    if pick == 1 and not bool(c.x.isfinite().all()):
        # var_mean/std_mean's mean is a Welford update in PyTorch 1.13: inf then any element gives NaN
        pick = 0
    return step(op, c.X, d, kw=kw or None, pick=pick)


def nanreduce(c):
    op = c.r.choice(["nansum", "nanmean", "count_nonzero", "amax", "amin", "sum", "mean", "logsumexp"])
    d = dims_arg(c)
    if op == "count_nonzero":
        return step(op, c.X, d)
    if op in ("amax", "amin", "logsumexp"):
        return step(op, c.X, d if d is not None else list(range(c.nd)), c.keep())
    kw = {"dtype": c.r.choice(["float64", "float32"])} if c.r.random() < 0.15 else None
    if d is None:
        # kindling takes the dtype option after the dims (x.nansum(dtype=...) alone is refused on purpose)
        return step(op, c.X)
    return step(op, c.X, d, c.keep(), kw=kw)


def order_stat(c):
    if 0 in c.x.stride():
        # PyTorch 1.13's median along an expanded (stride 0) dim reads memory it does not own
        return None
    op = c.r.choice(["median", "nanmedian", "mode", "kthvalue", "median"])
    if op in ("median", "nanmedian") and c.r.random() < 0.3:
        return step(op, c.X)
    d = c.dim()
    pick = c.r.choice([0, 1])
    if op == "kthvalue":
        n = c.size(d)
        return step(op, c.X, c.r.randint(1 if c.r.random() < 0.95 else 0, max(n, 1)), d, c.keep(), pick=pick)
    return step(op, c.X, d, c.keep(), pick=pick)


def quantile(c):
    op = c.r.choice(["quantile", "nanquantile"])
    q = c.r.choice([0.0, 0.25, 0.5, 0.7, 1.0]) if c.r.random() < 0.95 else 1.5
    kw = {"interpolation": c.r.choice(["linear", "lower", "higher", "midpoint", "nearest"])} if c.r.random() < 0.5 else None
    if c.r.random() < 0.3:
        return step(op, c.X, q, kw=kw)
    return step(op, c.X, q, c.dim(), c.keep(), kw=kw)


def norm(c):
    p = c.r.choice([1, 2, 3, 0.5, "inf", "-inf", 0, "fro"])
    if p == "fro" or c.r.random() < 0.25:
        return step("norm", c.X, p)
    return step("norm", c.X, p, c.dim(), c.keep())


def aminmax(c):
    # no keepdim on 0-d: PyTorch 1.13 resizes that result to [1] (a deprecated resize it warns about)
    kw = {"dim": c.dim(), "keepdim": c.keep() and c.nd > 0} if c.r.random() < 0.7 else None
    return step("aminmax", c.X, kw=kw, pick=c.r.choice([0, 1]))


def argreduce(c):
    op = c.r.choice(["argmax", "argmin", "all", "any", "prod"])
    if c.r.random() < 0.2:
        return step(op, c.X)
    return step(op, c.X, c.dim(), c.keep())


# shape

def shape_op(c):
    r, nd, sh = c.r, c.nd, c.shape
    op = r.choice(["movedim", "swapaxes", "flip", "roll", "rot90", "tril", "triu", "diagonal", "diag_embed",
                   "repeat", "repeat_interleave", "tile", "unfold", "split", "chunk", "unbind", "flatten",
                   "unflatten", "squeeze", "t", "msort", "ravel", "fliplr", "flipud", "narrow"])
    if op == "movedim":
        if nd >= 2 and r.random() < 0.4:
            k = r.randint(1, nd)
            return step(op, c.X, r.sample(range(nd), k), r.sample(range(-nd, 0), k))
        return step(op, c.X, c.dim(), c.dim())
    if op == "swapaxes":
        return step(op, c.X, c.dim(), c.dim())
    if op == "flip":
        return step(op, c.X, r.sample(range(nd), r.randint(0, nd)) if nd else [])
    if op == "roll":
        if nd == 0 or r.random() < 0.3:
            return step(op, c.X, r.randint(-5, 5))
        k = r.randint(1, nd)
        return step(op, c.X, [r.randint(-5, 5) for _ in range(k)], r.sample(range(nd), k))
    if op == "rot90":
        return step(op, c.X, r.randint(-2, 5), r.sample(range(nd), 2) if nd >= 2 else [0, 1])
    if op in ("tril", "triu"):
        return step(op, c.X, r.randint(-2, 2))
    if op in ("diagonal", "diag_embed"):
        n = nd + (1 if op == "diag_embed" else 0)
        d1, d2 = (r.sample(range(-n, n), 2) if n >= 2 else [0, 1])
        return step(op, c.X, r.randint(-2, 2), d1, d2)
    if op in ("repeat", "tile"):
        reps = [r.choice([1, 2, 3, 0]) if r.random() < 0.9 else 1 for _ in range(max(nd, 1) + r.choice([0, 0, 1]))]
        if op == "tile" and r.random() < 0.3:
            reps = reps[1:] or [2]
        return step(op, c.X, reps)
    if op == "repeat_interleave":
        if r.random() < 0.3 or nd == 0:
            return step(op, c.X, r.randint(0, 3))
        d = c.dim(False)
        return step(op, c.X, c.ints([c.size(d)], 0, 3) if r.random() < 0.5 else r.randint(0, 3), d)
    if op == "unfold":
        d = c.dim()
        n = c.size(d)
        hi = n + (1 if r.random() < 0.1 else 0)
        return step(op, c.X, d, r.randint(0 if r.random() < 0.1 else min(1, hi), hi), r.randint(1, 3))
    if op in ("split", "chunk", "unbind"):
        d = c.dim()
        n = c.size(d)
        if op == "unbind":
            # an empty dim unbinds into nothing to pick
            return step(op, c.X, d, pick=r.randint(0, n - 1)) if n else None
        if op == "chunk":
            k = r.randint(1, 4)
            return step(op, c.X, k, d, pick=0 if r.random() < 0.5 else -1)
        if r.random() < 0.4 and n:
            parts = []
            left = n
            while left:
                p = r.randint(0, left)
                parts.append(p)
                left -= p
            if r.random() < 0.1:
                parts.append(1)
            return step(op, c.X, parts, d, pick=r.randint(0, len(parts) - 1))
        return step(op, c.X, r.randint(1, 3), d, pick=0 if r.random() < 0.5 else -1)
    if op == "flatten":
        a, b = (sorted([c.dim(), c.dim()]) if nd else [0, -1])
        return step(op, c.X, a, b)
    if op == "unflatten":
        if nd == 0:
            return step(op, c.X, 0, [1])
        d = c.dim(False)
        n = sh[d]
        opts = [[n], [1, n], [-1, 1], [n, 1]] + ([[2, n // 2], [2, -1]] if n % 2 == 0 else [])
        return step(op, c.X, d, r.choice(opts))
    if op == "squeeze":
        return step(op, c.X, c.dim())
    if op == "narrow":
        d = c.dim(False) if nd else 0
        n = c.size(d)
        s = r.randint(-n, n) if n else 0
        return step(op, c.X, d, s, r.randint(0, n - (s % n if n and s >= -n else 0)) if n else 0)
    return step(op, c.X)


def sorting(c):
    op = c.r.choice(["sort", "argsort", "topk", "msort"])
    d = c.dim()
    if op == "sort":
        kw = {"stable": True} if c.r.random() < 0.3 else None
        if kw:
            return step(op, c.X, kw={"dim": d, "descending": c.keep(), "stable": True}, pick=c.r.choice([0, 1]))
        return step(op, c.X, d, c.keep(), pick=c.r.choice([0, 1]))
    if op == "argsort":
        return step(op, c.X, d, c.keep())
    if op == "topk":
        n = c.size(d)
        return step(op, c.X, c.r.randint(0, n), d, c.keep(), True, pick=c.r.choice([0, 1]))
    return step(op, c.X)


def index_ops(c):
    r, nd, sh = c.r, c.nd, c.shape
    op = r.choice(["gather", "scatter", "scatter_add", "index_add", "take_along_dim", "masked_select",
                   "index_fill", "take"])
    if nd == 0:
        return None
    d = c.dim(False)
    n = sh[d]
    if op in ("gather", "take_along_dim"):
        ishape = [max(0, k - (1 if r.random() < 0.3 else 0)) for k in sh]
        if op == "take_along_dim":
            ishape = [1 if r.random() < 0.3 else k for k in sh]
            ishape[d] = r.randint(1, 3)
        else:
            ishape[d] = r.randint(1, 3)
        idx = c.ints(ishape, 0, max(n - 1, 0)) if n else c.ints([0] * nd, 0, 0)
        if op == "take_along_dim" and r.random() < 0.2:
            return step(op, c.X, c.ints([r.randint(1, 3)], 0, max(math.prod(sh) - 1, 0)))
        return step(op, c.X, d, idx) if op == "gather" else step(op, c.X, idx, d)
    if op in ("scatter", "scatter_add"):
        ishape = [r.randint(min(1, k), k) for k in sh]
        idx = c.perm_index(ishape, d) if op == "scatter" else c.ints(ishape, 0, max(n - 1, 0))
        if op == "scatter" and r.random() < 0.4:
            return step(op, c.X, d, idx, c.num())
        src = c.other([k + r.choice([0, 1]) for k in ishape], c.dt if r.random() < 0.9 else None)
        return step(op, c.X, d, idx, src)
    if op == "index_add":
        k = r.randint(0, 4)
        src = sh[:]
        src[d] = k
        kw = {"alpha": r.choice([2, -1, 0.5])} if r.random() < 0.3 else None
        return step(op, c.X, d, c.ints([k], 0, max(n - 1, 0)), c.other(src), kw=kw)
    if op == "index_fill":
        return step(op, c.X, d, c.ints([r.randint(0, 3)], 0, max(n - 1, 0)), c.num())
    if op == "take":
        return step(op, c.X, c.ints([r.randint(0, 4)], -math.prod(sh) if math.prod(sh) else 0, max(math.prod(sh) - 1, 0)))
    if c.x.requires_grad and not c.x.is_contiguous():
        # PyTorch 1.13's masked_select backward scatters into a non-contiguous input's memory order (its bug)
        return None
    m = c.other(sh if r.random() < 0.7 else sh[1:], "bool")
    return step(op, c.X, m)


# products

def products(c):
    r, nd, sh = c.r, c.nd, c.shape
    op = r.choice(["mv", "outer", "addmm", "baddbmm", "torch.tensordot", "torch.einsum", "dot", "addmv", "addr",
                   "kron", "inner"])
    dt = c.dt if r.random() < 0.85 else None
    n = sh[-1] if nd else 1
    if op == "mv":
        return step(op, c.X, c.other([n + (1 if r.random() < 0.05 else 0)], dt))
    if op in ("outer", "dot", "inner", "kron"):
        if op == "dot":
            return step(op, c.X, c.other([n], dt))
        if op == "inner":
            return step(op, c.X, c.other([r.randint(1, 3), n] if r.random() < 0.5 else [n], dt))
        return step(op, c.X, c.other([r.randint(0, 3)], dt))
    kw = {k: r.choice([0.5, 2, 0, -1]) for k in ("beta", "alpha") if r.random() < 0.3} or None
    if op == "addmm":
        m, k, p = r.randint(0, 3), r.randint(0, 3), r.randint(0, 3)
        return step(op, c.X, c.other([m, k], dt), c.other([k, p], dt), kw=kw)
    if op == "baddbmm":
        b, m, k, p = r.randint(1, 2), r.randint(0, 3), r.randint(0, 3), r.randint(0, 3)
        return step(op, c.X, c.other([b, m, k], dt), c.other([b, k, p], dt), kw=kw)
    if op == "addmv":
        # PyTorch 1.13 returns self unbroadcast when the matrix is empty (a 0-d or [1] self stays so)
        m, k = r.randint(1, 3), r.randint(1, 3)
        return step(op, c.X, c.other([m, k], dt), c.other([k], dt), kw=kw)
    if op == "addr":
        return step(op, c.X, c.other([r.randint(0, 3)], dt), c.other([r.randint(0, 3)], dt), kw=kw)
    if op == "torch.tensordot":
        k = r.randint(0, min(nd, 2))
        oshape = sh[nd - k:] + [r.randint(1, 3)]
        return step(op, c.X, c.other(oshape, dt), k)
    # einsum: a matrix product, a trace-like contraction or an outer product, spelled for x's rank
    letters = "abcd"[:nd]
    u = r.random()
    if nd == 0:
        return step(op, "->", c.X)
    if u < 0.4:
        y = c.other([sh[-1], r.randint(1, 3)], dt)
        return step(op, f"{letters},{letters[-1]}z->{letters[:-1]}z", c.X, y)
    if u < 0.7:
        out = "".join(r.sample(letters, r.randint(0, nd)))
        return step(op, f"{letters}->{out}", c.X)
    y = c.other([r.randint(1, 3)], dt)
    return step(op, f"{letters},z->{letters}z", c.X, y)


# nn.functional

LOSSES = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "soft_margin_loss", "binary_cross_entropy_with_logits",
          "kl_div", "binary_cross_entropy"]
ACTS = ["gelu", "silu", "elu", "leaky_relu", "softplus", "hardtanh", "relu6", "mish", "logsigmoid", "softsign",
        "hardswish", "hardsigmoid", "tanhshrink", "softshrink", "hardshrink", "celu", "selu", "sigmoid", "tanh", "relu"]


def loss(c):
    r = c.r
    op = r.choice(LOSSES)
    kw = {"reduction": r.choice(["mean", "sum", "none"])} if r.random() < 0.6 else {}
    if op == "smooth_l1_loss" and r.random() < 0.5:
        kw["beta"] = r.choice([0.5, 2])
    if op == "huber_loss" and r.random() < 0.5:
        kw["delta"] = r.choice([0.5, 2])
    if op == "kl_div" and r.random() < 0.5:
        kw["log_target"] = c.keep()
    tgt = c.other(c.shape if r.random() < 0.9 else None, c.dt if r.random() < 0.9 else None)
    return step("F." + op, c.X, tgt, kw=kw or None)


def class_loss(c):
    """cross_entropy / nll_loss: x is [C], [N, C] or [N, C, d]; targets are class indices or probabilities."""
    r, nd, sh = c.r, c.nd, c.shape
    op = r.choice(["cross_entropy", "nll_loss"])
    if nd == 0 or nd > 3:
        return None
    C = sh[0] if nd == 1 else sh[1]
    kw = {}
    if r.random() < 0.5:
        kw["reduction"] = r.choice(["mean", "sum", "none"])
    if op == "cross_entropy" and r.random() < 0.3:
        kw["label_smoothing"] = r.choice([0.1, 0.5])
    if r.random() < 0.3:
        kw["ignore_index"] = r.choice([-100, 0, 1])
    tshape = [] if nd == 1 else [sh[0]] + sh[2:]
    if op == "cross_entropy" and r.random() < 0.3:
        kw.pop("ignore_index", None)
        tgt = c.other(sh, c.dt)
    else:
        tgt = c.ints(tshape, 0 if r.random() < 0.97 else -1, max(C - 1, 0))
    return step("F." + op, c.X, tgt, kw=kw or None)


def activation(c):
    r = c.r
    op = r.choice(ACTS)
    if op == "gelu" and r.random() < 0.5:
        return step("F.gelu", c.X, kw={"approximate": "tanh"})
    if op == "leaky_relu" and r.random() < 0.5:
        return step("F.leaky_relu", c.X, r.choice([0.2, -0.5]))
    if op in ("softshrink", "hardshrink") and r.random() < 0.5:
        return step("F." + op, c.X, r.choice([0.5, 1.5]))
    return step("F." + op, c.X)


def nn_misc(c):
    r, nd = c.r, c.nd
    u = r.random()
    if u < 0.3:
        return step("F.normalize", c.X, kw={"p": r.choice([1, 2, "inf"]), "dim": c.dim()})
    if u < 0.5 and nd:
        return step("F.glu", c.X, c.dim())
    if u < 0.7:
        return step("F.one_hot", c.X, r.choice([-1, 5, 6]))
    return step(r.choice(["F.softmax", "F.log_softmax", "F.softmin"]), c.X, c.dim(), kw={"dtype": "float64"} if r.random() < 0.2 else None)


def convert(c):
    u = c.r.random()
    if u < 0.5:
        return step("to", c.X, {"dtype": c.r.choice(["float32", "float64", "int32", "int64", "bool"])})
    if u < 0.8:
        return step("type_as", c.X, c.other(dtype=c.r.choice(["float32", "float64", "int64", "bool"])))
    return step("torch.where", c.other(c.shape, "bool"), c.X, c.other())


# (generator, weight, operand kind): the odds of each family among the widened ops. A family for float
# (or integer) operands is mostly passed over for others, so that fewer programs end at a dtype error.
TABLE = [
    (unary, 10, "any"), (logit, 1, "float"), (binary, 10, "any"), (int_binary, 3, "int"), (lerp, 1, "float"),
    (addc, 2, "any"), (inplace, 6, "any"), (inplace_more, 3, "any"), (scan, 4, "any"), (moments, 4, "float"),
    (nanreduce, 4, "any"), (order_stat, 4, "any"), (quantile, 2, "float"), (norm, 2, "float"), (aminmax, 1, "any"),
    (argreduce, 2, "any"), (shape_op, 10, "any"), (sorting, 4, "any"), (index_ops, 6, "any"), (products, 5, "any"),
    (loss, 3, "float"), (class_loss, 2, "float"), (activation, 3, "float"), (nn_misc, 2, "float"), (convert, 2, "any"),
]


def choose(ctx):
    fns = [f for f, _, _ in TABLE]
    weights = [w for _, w, _ in TABLE]
    kind = "float" if ctx.dt in FLOATS else "int"
    for _ in range(8):
        k = ctx.r.choices(range(len(TABLE)), weights)[0]
        if TABLE[k][2] not in ("any", kind) and ctx.r.random() < 0.85:
            continue
        s = fns[k](ctx)
        if s is not None:
            return s
    return step("clone", ctx.X)
