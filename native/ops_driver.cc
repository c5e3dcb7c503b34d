// Driver of the elementwise, reduction and softmax kernels: picks the ISA's kernel table, simplifies
// broadcast layouts (drops size-1 dims, merges dims that walk memory as one), and splits large
// calls across the thread pool. Results never depend on the split or the thread count: elementwise
// work is split by output element, reductions by output element (each reduction stays whole) or,
// for one long row, into fixed kSumBlock blocks combined in order.
#include <cstdlib>
#include <cstring>
#include <vector>

#include "kd_layout.h"
#include "kd_ops.h"
#include "kd_parallel.h"

namespace kd {

#define KD_NAME_ITEM(name, ...) #name,
const char* const kUnaryNames[kNumUnary] = {KD_UNARY_OPS(KD_NAME_ITEM)};
const char* const kBinaryNames[kNumBinary] = {KD_BINARY_OPS(KD_NAME_ITEM)};
const char* const kReduceNames[kNumReduce] = {KD_REDUCE_OPS(KD_NAME_ITEM)};
#undef KD_NAME_ITEM

const OpsKernels& ops_kernels() {
#if KD_X86_SIMD
  switch (current_simd()) {
    case Simd::Avx512: return kOpsAvx512;
    case Simd::Avx2: return kOpsAvx2;
    default: break;
  }
#endif
  return kOpsGeneric;
}

namespace {

// Relative cost per element, in units of a cheap elementwise op, for the threading threshold (the op
// table's native cost).
double unary_weight(UnaryOp op) {
#define KD_WEIGHT_CASE(name, loop, functor, cost) \
  case UnaryOp::name:                             \
    return cost;
  switch (op) {
    KD_UNARY_OPS(KD_WEIGHT_CASE)
    default: return 1.0;
  }
#undef KD_WEIGHT_CASE
}

}  // namespace

void unary(UnaryOp op, DType t, const void* x, void* out, idx n) {
  const UnaryFn f = ops_kernels().unary[int(t)][int(op)];
  const std::size_t es = dtype_size(t);
  parallel_for(n, double(n) * unary_weight(op), 64,
               [&](idx lo, idx hi) { f(byte_ptr(x, lo, es), byte_ptr(out, lo, es), hi - lo); });
}

void binary(BinaryOp op, DType t, const void* a, const idx* a_strides, const void* b, const idx* b_strides,
            void* out, const idx* shape, int nd) {
  const idx* strides[2] = {a_strides, b_strides};
  Layout l;
  if (!simplify(shape, nd, strides, 2, &l)) return;
  const std::size_t es = dtype_size(t);
  const std::size_t os = is_compare(op) ? 1 : es;
  if (l.nd == 0) {
    // One element: any walk does.
    ops_kernels().binary[int(t)][int(op)][int(Walk::VV)](a, 0, b, 0, out, 1);
    return;
  }
  const int nd1 = l.nd - 1;
  const idx last = l.shape[nd1];
  const idx sa = l.strides[0][nd1], sb = l.strides[1][nd1];
  const Walk walk = sa == 1 && sb == 1 ? Walk::VV
                    : sa == 1 && sb == 0 ? Walk::VS
                    : sa == 0 && sb == 1 ? Walk::SV
                                         : Walk::Strided;
  const BinaryFn f = ops_kernels().binary[int(t)][int(op)][int(walk)];
  const idx n = numel(l);
  // Output elements [lo, hi): the first row may start, and the last end, mid-row.
  auto run = [&](idx lo, idx hi) {
    idx pos[kMaxDims];
    idx r = lo / last, c = lo % last;
    idx pa = 0, pb = 0;
    for (int d = nd1 - 1; d >= 0; --d) {
      pos[d] = r % l.shape[d];
      r /= l.shape[d];
      pa += pos[d] * l.strides[0][d];
      pb += pos[d] * l.strides[1][d];
    }
    for (idx o = lo; o < hi;) {
      const idx len = last - c < hi - o ? last - c : hi - o;
      f(byte_ptr(a, pa + c * sa, es), sa, byte_ptr(b, pb + c * sb, es), sb, byte_ptr(out, o, os), len);
      o += len;
      c = 0;
      for (int d = nd1 - 1; d >= 0; --d) {
        pa += l.strides[0][d];
        pb += l.strides[1][d];
        if (++pos[d] < l.shape[d]) break;
        pa -= l.strides[0][d] * l.shape[d];
        pb -= l.strides[1][d] * l.shape[d];
        pos[d] = 0;
      }
    }
  };
  parallel_for(n, double(n) * (walk == Walk::Strided ? 2.0 : 1.0), 64, run);
}

void binary_scalar(BinaryOp op, DType t, const void* x, double s, void* out, idx n, bool scalar_first) {
  const OpsKernels& k = ops_kernels();
  const std::size_t es = dtype_size(t);
  const std::size_t os = is_compare(op) ? 1 : es;
  if (t == DType::F32 && double(float(s)) != s && s == s) {
    // Not a float: the JS kernel's double arithmetic, rounded once.
    const ScalarF32Fn f = k.scalar_f32[int(op)][scalar_first ? 1 : 0];
    const float* xf = static_cast<const float*>(x);
    parallel_for(n, double(n), 64, [&](idx lo, idx hi) { f(xf + lo, s, byte_ptr(out, lo, os), hi - lo); });
    return;
  }
  const float sf = float(s);
  const void* sp = t == DType::F32 ? static_cast<const void*>(&sf) : static_cast<const void*>(&s);
  const BinaryFn f = k.binary[int(t)][int(op)][int(scalar_first ? Walk::SV : Walk::VS)];
  parallel_for(n, double(n), 64, [&](idx lo, idx hi) {
    const void* xp = byte_ptr(x, lo, es);
    if (scalar_first) f(sp, 0, xp, 1, byte_ptr(out, lo, os), hi - lo);
    else f(xp, 1, sp, 0, byte_ptr(out, lo, os), hi - lo);
  });
}

void reduce(ReduceOp op, DType t, const void* x, void* out, double* indices, idx outer, idx size, idx inner) {
  const OpsKernels& k = ops_kernels();
  const std::size_t es = dtype_size(t);
  const idx rows = outer * inner;
  if (rows == 0) return;
  const idx blocks = (size + kSumBlock - 1) / kSumBlock;
  if (inner == 1 && blocks > 1 && rows < get_num_threads() && get_num_threads() > 1) {
    // Few long rows: split each into kSumBlock blocks, combined in order.
    for (idx r = 0; r < rows; ++r) {
      const char* row = byte_ptr(x, r * size, es);
      if (op == ReduceOp::sum) {
        std::vector<double> part(static_cast<std::size_t>(blocks), 0.0);
        parallel_for(blocks, double(size), 1, [&](idx lo, idx hi) {
          for (idx bi = lo; bi < hi; ++bi) {
            const idx len = size - bi * kSumBlock < kSumBlock ? size - bi * kSumBlock : kSumBlock;
            part[std::size_t(bi)] = k.row_sum[int(t)](row + bi * kSumBlock * idx(es), len);
          }
        });
        double s = 0.0;
        for (double p : part) s += p;
        if (t == DType::F32) static_cast<float*>(out)[r] = float(s);
        else static_cast<double*>(out)[r] = s;
      } else {
        // Each block's extreme (value and position), then the first block holding the extreme.
        const std::size_t nb = static_cast<std::size_t>(blocks);
        std::vector<double> val(nb), pos(nb);
        std::vector<char> vb(nb * es);
        const ReduceFn f = k.reduce[int(t)][int(op)];
        parallel_for(blocks, double(size), 1, [&](idx lo, idx hi) {
          for (idx bi = lo; bi < hi; ++bi) {
            const idx len = size - bi * kSumBlock < kSumBlock ? size - bi * kSumBlock : kSumBlock;
            f(row + bi * kSumBlock * idx(es), vb.data() + bi * idx(es), &pos[std::size_t(bi)], len, 1, 0, 1);
          }
        });
        idx best = 0;
        for (idx bi = 0; bi < blocks; ++bi) {
          val[std::size_t(bi)] = t == DType::F32 ? double(reinterpret_cast<const float*>(vb.data())[bi])
                                                 : reinterpret_cast<const double*>(vb.data())[bi];
        }
        for (idx bi = 1; bi < blocks; ++bi) {
          const double b = val[std::size_t(best)], v = val[std::size_t(bi)];
          if (b != b) break;
          if (v != v || (op == ReduceOp::max ? v > b : v < b)) best = bi;
        }
        std::memcpy(byte_ptr(out, r, es), vb.data() + best * idx(es), es);
        if (indices) indices[r] = double(best * kSumBlock) + pos[std::size_t(best)];
      }
    }
    return;
  }
  const ReduceFn f = k.reduce[int(t)][int(op)];
  parallel_for(rows, double(rows) * double(size), inner == 1 ? 1 : 64,
               [&](idx lo, idx hi) { f(x, out, indices, size, inner, lo, hi); });
}

void softmax(DType t, const void* x, void* out, idx outer, idx size, idx inner, bool log) {
  const SoftmaxFn f = ops_kernels().softmax[int(t)];
  const idx rows = outer * inner;
  parallel_for(rows, double(rows) * double(size) * 4.0, inner == 1 ? 1 : 64,
               [&](idx lo, idx hi) { f(x, out, size, inner, log, lo, hi); });
}

void softmax_backward(DType t, const void* g, const void* y, void* out, idx outer, idx size, idx inner, bool log) {
  const SoftmaxBwdFn f = ops_kernels().softmax_backward[int(t)];
  const idx rows = outer * inner;
  parallel_for(rows, double(rows) * double(size) * (log ? 4.0 : 1.0), inner == 1 ? 1 : 64,
               [&](idx lo, idx hi) { f(g, y, out, size, inner, log, lo, hi); });
}

}  // namespace kd
