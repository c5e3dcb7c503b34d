// Elementwise, reduction, softmax and optimizer loops, written once and instantiated per ISA (like
// kd_ukernel.h). The including file defines, before including:
//
//   KD_TGT        function attribute selecting the ISA, or nothing for the portable build
//   KD_VBYTES     vector width in bytes for the explicit double-vector math (64, 32 or 16)
//   KD_NS         namespace for this instantiation
//   KD_OPS_NAME   name of the OpsKernels object to define, KD_OPS_LABEL its name string
//
// The loops themselves are in kd_ops_elementwise.h, kd_ops_reduce.h, kd_ops_norm.h and kd_ops_optim.h, included
// below inside the namespace; this file holds the shared vector helpers and builds the table.
//
// Plain loops over T are left to the auto-vectorizer (they compile to the ISA of KD_TGT); exp, log,
// tanh, sigmoid and expm1 use kd_vmath.h explicitly. Every loop computes what the JS kernel computes
// for each element: float32 arithmetic that JS does in double and rounds once is done in float where
// that gives the same bits (+, -, *, /, sqrt of two floats), in double otherwise. The build uses
// -ffp-contract=off: no multiply-add is ever fused behind our back.
//
// Everything but the OpsKernels object has internal linkage (see kd_ukernel.h for why).
#include <cmath>
#include <cstring>

#include "kd_ops.h"

#define KD_INL inline __attribute__((always_inline)) KD_TGT
#define KD_VINL static KD_INL

namespace {
namespace KD_NS {

using kd::idx;

#include "kd_vmath.h"

// ---- vector loads/stores of doubles from float or double memory ---------------------------------

KD_VINL vd load_vd(const double* p) {
  vd v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
KD_VINL vd load_vd(const float* p) {
  vf v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_convertvector(v, vd);
}
KD_VINL void store_vd(double* p, vd v) { std::memcpy(p, &v, sizeof v); }
KD_VINL void store_vd(float* p, vd v) {
  const vf f = __builtin_convertvector(v, vf);  // rounds to nearest, as Math.fround
  std::memcpy(p, &f, sizeof f);
}
// The first `n` (< kVD) elements, zero-padded.
template <class T>
KD_INL vd load_vd_part(const T* p, idx n) {
  T tmp[kVD] = {};
  std::memcpy(tmp, p, std::size_t(n) * sizeof(T));
  return load_vd(tmp);
}
template <class T>
KD_INL void store_vd_part(T* p, vd v, idx n) {
  T tmp[kVD];
  store_vd(tmp, v);
  std::memcpy(p, tmp, std::size_t(n) * sizeof(T));
}
KD_VINL double hsum(vd v) {
  double s = v[0];
  for (int l = 1; l < kVD; ++l) s += v[l];
  return s;
}

#include "kd_ops_elementwise.h"
#include "kd_ops_reduce.h"
#include "kd_ops_norm.h"
#include "kd_ops_optim.h"

// ---- the table -----------------------------------------------------------------------------------

kd::OpsKernels build_table() {
  kd::OpsKernels t{};
  t.name = KD_OPS_LABEL;
  for (int op = 0; op < kd::kNumUnary; ++op) {
    t.unary[0][op] = unary_table_entry<float>(kd::UnaryOp(op));
    t.unary[1][op] = unary_table_entry<double>(kd::UnaryOp(op));
  }
  for (int op = 0; op < kd::kNumBinary; ++op) {
    const BinaryEntry e = binary_table_entry(kd::BinaryOp(op));
    for (int w = 0; w < 4; ++w) {
      t.binary[0][op][w] = e.f32[w];
      t.binary[1][op][w] = e.f64[w];
    }
    t.scalar_f32[op][0] = e.scalar[0];
    t.scalar_f32[op][1] = e.scalar[1];
  }
  t.reduce[0][int(kd::ReduceOp::sum)] = &reduce_sum<float>;
  t.reduce[0][int(kd::ReduceOp::max)] = &reduce_extreme<true, float>;
  t.reduce[0][int(kd::ReduceOp::min)] = &reduce_extreme<false, float>;
  t.reduce[1][int(kd::ReduceOp::sum)] = &reduce_sum<double>;
  t.reduce[1][int(kd::ReduceOp::max)] = &reduce_extreme<true, double>;
  t.reduce[1][int(kd::ReduceOp::min)] = &reduce_extreme<false, double>;
  t.row_sum[0] = &row_sum_fn<float>;
  t.row_sum[1] = &row_sum_fn<double>;
  t.softmax[0] = &softmax_rows<float>;
  t.softmax[1] = &softmax_rows<double>;
  t.softmax_backward[0] = &softmax_backward_rows<float>;
  t.softmax_backward[1] = &softmax_backward_rows<double>;
  t.layer_norm[0] = &layer_norm_rows<float>;
  t.layer_norm[1] = &layer_norm_rows<double>;
  t.layer_norm_backward[0] = &layer_norm_backward_rows<float>;
  t.layer_norm_backward[1] = &layer_norm_backward_rows<double>;
  t.layer_norm_cols[0] = &layer_norm_backward_cols<float>;
  t.layer_norm_cols[1] = &layer_norm_backward_cols<double>;
  t.sgd[0] = &sgd_update<float>;
  t.sgd[1] = &sgd_update<double>;
  t.adam[0] = &adam_update<float>;
  t.adam[1] = &adam_update<double>;
  return t;
}

}  // namespace KD_NS
}  // namespace

namespace kd {
const OpsKernels KD_OPS_NAME = KD_NS::build_table();
}  // namespace kd

#undef KD_INL
#undef KD_VINL
