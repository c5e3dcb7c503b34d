// kindling native kernels beyond GEMM: elementwise and broadcast ops, reductions, softmax, strided
// copies and fused optimizer updates.
//
// Layout of the implementation:
//   kd_ops.h          this header: op enums, the per-ISA kernel table, driver entry points
//   kd_ops_generated.h  the op lists, generated from src/ops/op_table_*.ts (npm run gen:ops)
//   kd_vmath.h        exp / expm1 / log / tanh / sigmoid over vectors of doubles (included per ISA)
//   kd_ops_kernels.h  the kernel table, written once and included per ISA like kd_ukernel.h; the
//                     loops it includes: kd_ops_elementwise.h, kd_ops_reduce.h, kd_ops_optim.h
//   ops_avx512.cc, ops_avx2.cc, ops_generic.cc   the three instantiations
//   ops_driver.cc     layout analysis (dim coalescing, kd_layout.h), threading split
//                     (kd_parallel.h), ISA dispatch
//   copy.cc           strided -> contiguous copies (blocked transposes)
//   optim.cc          fused SGD / Adam over many parameters
//   addon_ops.cc, addon_optim.cc   Node-API bindings
//
// Semantics follow the JS reference backend (src/backend/js) exactly where they are observable:
// float32 results are what JS computes in double and rounds once (so +, -, *, /, sqrt run in float,
// which gives the same bits, and exp/log/tanh/sigmoid run in double); NaN propagation of maximum,
// minimum, relu and max/min reductions; sums accumulate in double.
#ifndef KD_OPS_H
#define KD_OPS_H

#include <cstddef>
#include <cstdint>

#include "kd_gemm.h"
#include "kd_ops_generated.h"

namespace kd {

// The unary, arithmetic and comparison op lists come from the op tables in src/ops (npm run gen:ops):
// X(name, ...) entries whose names match the Backend's UnaryOp/BinaryOp. Binary ops producing the
// operands' type come first, then the comparisons producing 0/1 bytes (bool).
#define KD_BINARY_OPS(X) KD_ARITH_OPS(X) KD_COMPARE_OPS(X)

#define KD_REDUCE_OPS(X) X(sum) X(max) X(min)

#define KD_ENUM_ITEM(name, ...) name,
enum class UnaryOp : int { KD_UNARY_OPS(KD_ENUM_ITEM) kCount };
enum class BinaryOp : int { KD_BINARY_OPS(KD_ENUM_ITEM) kCount };
enum class ReduceOp : int { KD_REDUCE_OPS(KD_ENUM_ITEM) kCount };
#undef KD_ENUM_ITEM

constexpr int kNumUnary = int(UnaryOp::kCount);
constexpr int kNumBinary = int(BinaryOp::kCount);
constexpr int kNumReduce = int(ReduceOp::kCount);
#define KD_COUNT_ITEM(...) +1
constexpr int kFirstCompare = 0 KD_ARITH_OPS(KD_COUNT_ITEM);
#undef KD_COUNT_ITEM

inline bool is_compare(BinaryOp op) { return int(op) >= kFirstCompare; }

extern const char* const kUnaryNames[kNumUnary];
extern const char* const kBinaryNames[kNumBinary];
extern const char* const kReduceNames[kNumReduce];

enum class DType : int { F32 = 0, F64 = 1 };
inline std::size_t dtype_size(DType t) { return t == DType::F32 ? 4 : 8; }

// Innermost-loop shapes of a binary op: both operands walk with unit stride, one of them is a
// scalar held fixed (stride 0), or any strides.
enum class Walk : int { VV = 0, VS = 1, SV = 2, Strided = 3 };

// A kernel family for one ISA. Arrays are void* so that one table serves float and double; the
// driver casts through the typed signatures below. Out-of-range work splits are the driver's job:
// every kernel here runs single-threaded over the range it is given.
using UnaryFn = void (*)(const void* x, void* out, idx n);
// out[i] = op(a[i*sa], b[i*sb]) for i < n (the VV/VS/SV variants ignore the strides).
using BinaryFn = void (*)(const void* a, idx sa, const void* b, idx sb, void* out, idx n);
// float32 x against a double scalar, computed in double (the scalar is not a float): out[i] =
// op(x[i], s), or op(s, x[i]) when scalar_first.
using ScalarF32Fn = void (*)(const float* x, double s, void* out, idx n);
// Reduction of a contiguous [outer, size, inner] array into [outer, inner] (indices: int64 values
// stored as doubles, may be null), for output elements [lo, hi) in row-major order.
using ReduceFn = void (*)(const void* x, void* out, double* indices, idx size, idx inner, idx lo, idx hi);
// Sum of a contiguous run of at most kSumBlock elements, in double. Longer rows are summed as the
// in-order total of their kSumBlock blocks (by the kernels and by the driver's parallel split
// alike), so that a sum never depends on the thread count.
using RowSumFn = double (*)(const void* x, idx n);
constexpr idx kSumBlock = idx(1) << 15;
// Softmax / log-softmax forward or backward over the (outer, inner) rows [lo, hi) of a contiguous
// [outer, size, inner] array.
using SoftmaxFn = void (*)(const void* x, void* out, idx size, idx inner, bool log, idx lo, idx hi);
using SoftmaxBwdFn = void (*)(const void* g, const void* y, void* out, idx size, idx inner, bool log, idx lo,
                              idx hi);

// Layer norm over rows [lo, hi) of `size` contiguous elements (w, b may be null): writes out, xhat and
// rstd[r]. Its backward: gx over rows [lo, hi) (w may be null); gw / gb (either may be null) over
// columns [c0, c1), each column summed over all rows in order.
using LayerNormFn = void (*)(const void* x, const void* w, const void* b, void* out, void* xhat, void* rstd, idx size,
                             double eps, idx lo, idx hi);
using LayerNormBwdFn = void (*)(const void* g, const void* xhat, const void* w, const void* rstd, void* gx, idx size,
                                idx lo, idx hi);
using LayerNormColsFn = void (*)(const void* g, const void* xhat, void* gw, void* gb, idx rows, idx size, idx c0,
                                 idx c1);

// Scalars of one SGD call (PyTorch 1.13 rule; see src/optim/sgd.ts), already rounded to the
// parameters' precision by the caller.
struct SgdScalars {
  double neg_lr, wd, mom, damp1;
  bool nesterov, maximize;
};
// Adam's per-group scalars; neg_step_size and bc2_sqrt are per parameter (each has its own step).
struct AdamScalars {
  double l2, decay, b1, omb1, b2, omb2, eps;
  bool maximize;
};
// One parameter's update over elements [0, n): buf may be null (no momentum); first: the momentum
// buffer is being created. The Adam one takes vmax null without amsgrad.
using SgdFn = void (*)(const SgdScalars& s, void* p, const void* g, void* buf, bool first, idx n);
using AdamFn = void (*)(const AdamScalars& s, double neg_step_size, double bc2_sqrt, void* p, const void* g,
                        void* m, void* v, void* vmax, idx n);

struct OpsKernels {
  const char* name;
  UnaryFn unary[2][kNumUnary];                 // [dtype][op]
  BinaryFn binary[2][kNumBinary][4];           // [dtype][op][walk]
  ScalarF32Fn scalar_f32[kNumBinary][2];       // [op][scalar_first]
  ReduceFn reduce[2][kNumReduce];              // [dtype][op]
  RowSumFn row_sum[2];                         // [dtype]
  SoftmaxFn softmax[2];                        // [dtype]
  SoftmaxBwdFn softmax_backward[2];            // [dtype]
  LayerNormFn layer_norm[2];                   // [dtype]
  LayerNormBwdFn layer_norm_backward[2];       // [dtype]
  LayerNormColsFn layer_norm_cols[2];          // [dtype]
  SgdFn sgd[2];                                // [dtype]
  AdamFn adam[2];                              // [dtype]
};

extern const OpsKernels kOpsGeneric;
#if KD_X86_SIMD
extern const OpsKernels kOpsAvx2;
extern const OpsKernels kOpsAvx512;
#endif

// The kernel family for the SIMD level in use (current_simd()).
const OpsKernels& ops_kernels();

// ---- Driver entry points (ops_driver.cc, copy.cc, optim.cc). Arguments are validated by the
// binding; these only split work across threads and pick loops.

void unary(UnaryOp op, DType t, const void* x, void* out, idx n);

// out (contiguous, `shape`) = op(a, b) for strided views a, b (element offsets already applied to
// the pointers; strides in elements, 0 broadcasts). nd <= kMaxDims.
constexpr int kMaxDims = 16;
void binary(BinaryOp op, DType t, const void* a, const idx* a_strides, const void* b, const idx* b_strides,
            void* out, const idx* shape, int nd);

// out = op(x, s) (or op(s, x)), contiguous, n elements.
void binary_scalar(BinaryOp op, DType t, const void* x, double s, void* out, idx n, bool scalar_first);

void reduce(ReduceOp op, DType t, const void* x, void* out, double* indices, idx outer, idx size, idx inner);

void softmax(DType t, const void* x, void* out, idx outer, idx size, idx inner, bool log);
void softmax_backward(DType t, const void* g, const void* y, void* out, idx outer, idx size, idx inner, bool log);

// Strided view (element size 1, 4 or 8 bytes, same type on both sides) -> contiguous out.
void copy_strided(std::size_t elem, const void* src, const idx* strides, void* out, const idx* shape, int nd);
// float32 <-> float64 conversions of a strided view into a contiguous array.
void convert_strided(DType from, const void* src, const idx* strides, DType to, void* out, const idx* shape,
                     int nd);

// Fused optimizer steps over `count` parameters of one dtype.
struct SgdParam {
  void* p;
  const void* g;
  void* buf;
  bool first;
  idx n;
};
struct AdamParam {
  void* p;
  const void* g;
  void* m;
  void* v;
  void* vmax;
  double neg_step_size, bc2_sqrt;
  idx n;
};
void sgd_step(DType t, const SgdScalars& s, const SgdParam* params, idx count);
void adam_step(DType t, const AdamScalars& s, const AdamParam* params, idx count);

}  // namespace kd

#endif
