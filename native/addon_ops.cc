// Node-API binding of the elementwise, reduction, softmax and copy kernels.
//
//   opNames(): { unary: string[], binary: string[], reduce: string[] }   op codes = positions
//   unary(op, x, out, n): boolean
//   binary(op, a, aOff, b, bOff, out, layout): boolean
//       layout: Float64Array [nd, shape[nd], aStrides[nd], bStrides[nd]] (strides in elements)
//   binaryScalar(op, x, s, out, n, scalarFirst): boolean
//   reduce(op, x, out, outer, size, inner, indices | null): boolean
//   softmax(x, out, outer, size, inner, log): boolean
//   softmaxBackward(g, y, out, outer, size, inner, log): boolean
//   copy(src, srcOff, out, layout): boolean          layout: Float64Array [nd, shape[nd], strides[nd]]
//
// Arguments that are not what the signature says (not a typed array, an op code out of range, a
// view reaching outside its array) throw TypeError / RangeError before any memory is touched. A
// valid call the kernels do not cover returns false without doing anything, and the caller runs
// its reference kernel instead: other dtypes (ints, bools, mixed types), more than 16 dims, or an
// output that overlaps an input other than exactly in place.
#include <cmath>
#include <cstdio>
#include <cstring>

#include <node_api.h>

#include "kd_napi.h"
#include "kd_ops.h"

namespace {

using kd::idx;
using namespace kd::napi;

bool float_dtype(napi_typedarray_type t, kd::DType* out) {
  if (t == napi_float32_array) *out = kd::DType::F32;
  else if (t == napi_float64_array) *out = kd::DType::F64;
  else return false;
  return true;
}

bool get_op(napi_env env, napi_value v, const char* fn, int count, int* out) {
  idx op;
  if (!get_index(env, v, fn, "op", &op)) return false;
  if (op >= count) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "%s: unknown op code %lld", fn, (long long)op);
    return throw_range(env, msg);
  }
  *out = int(op);
  return true;
}

bool range_error(napi_env env, const char* fn, const char* what) {
  char msg[240];
  std::snprintf(msg, sizeof msg, "%s: %s", fn, what);
  return throw_range(env, msg);
}

// A strided view's layout read from a Float64Array [nd, shape[nd], strides_0[nd], ...,
// strides_{ops-1}[nd]]. Returns false after throwing on malformed input; sets *fits = false (no
// throw) when nd exceeds kMaxDims.
struct ViewLayout {
  int nd = 0;
  idx shape[kd::kMaxDims];
  idx strides[2][kd::kMaxDims];
  idx numel = 1;
};

bool get_layout(napi_env env, napi_value v, const char* fn, int ops, ViewLayout* l, bool* fits) {
  ArrayArg a;
  if (!get_typed_array(env, v, fn, "layout", &a)) return false;
  if (a.type != napi_float64_array || a.length < 1) return range_error(env, fn, "layout must be a non-empty Float64Array");
  const double* d = static_cast<const double*>(a.data);
  const double nd = d[0];
  if (!(nd >= 0 && nd == std::floor(nd) && nd <= 1e6) || a.length < std::size_t(1 + (ops + 1) * nd)) {
    return range_error(env, fn, "layout is shorter than its rank says");
  }
  *fits = nd <= kd::kMaxDims;
  if (!*fits) return true;
  l->nd = int(nd);
  double numel = 1;
  for (int i = 0; i < l->nd; ++i) {
    const double s = d[1 + i];
    if (!(s >= 0 && s == std::floor(s) && s <= kMaxSafeInteger)) return range_error(env, fn, "shape entries must be non-negative integers");
    l->shape[i] = idx(s);
    numel *= s;
  }
  if (numel > kMaxSafeInteger) return range_error(env, fn, "shape has too many elements");
  l->numel = idx(numel);
  for (int k = 0; k < ops; ++k) {
    for (int i = 0; i < l->nd; ++i) {
      const double s = d[1 + (k + 1) * l->nd + i];
      if (!(std::fabs(s) <= kMaxSafeInteger && s == std::floor(s))) return range_error(env, fn, "strides must be integers");
      l->strides[k][i] = idx(s);
    }
  }
  return true;
}

// Checks that every element a view of `shape` with `strides` from element `off` reaches lies in
// [0, length); sets [*lo, *hi] to the lowest and highest element reached.
bool view_fits(const ViewLayout& l, const idx* strides, idx off, std::size_t length, idx* lo, idx* hi) {
  double a = double(off), b = double(off);
  for (int i = 0; i < l.nd; ++i) {
    const double span = double(strides[i]) * double(l.shape[i] - 1);
    if (span < 0) a += span;
    else b += span;
  }
  *lo = idx(a);
  *hi = idx(b);
  return a >= 0 && b < double(length);
}

// Whether a view is exactly the contiguous layout of its shape.
bool is_contiguous(const ViewLayout& l, const idx* strides) {
  idx expected = 1;
  for (int i = l.nd - 1; i >= 0; --i) {
    if (l.shape[i] != 1 && strides[i] != expected) return false;
    expected *= l.shape[i];
  }
  return true;
}

// An input may share memory with the output only when it is the output itself (same first element,
// contiguous): then every element is read before it is written.
bool alias_ok(const void* in, std::size_t in_bytes, bool in_contiguous, const void* out, std::size_t out_bytes) {
  if (!ranges_overlap(in, in_bytes, out, out_bytes)) return true;
  return in == out && in_contiguous;
}

napi_value OpNames(napi_env env, napi_callback_info) {
  napi_value obj;
  napi_create_object(env, &obj);
  auto list = [&](const char* key, const char* const* names, int n) {
    napi_value arr;
    napi_create_array_with_length(env, std::size_t(n), &arr);
    for (int i = 0; i < n; ++i) napi_set_element(env, arr, uint32_t(i), make_string(env, names[i]));
    napi_set_named_property(env, obj, key, arr);
  };
  list("unary", kd::kUnaryNames, kd::kNumUnary);
  list("binary", kd::kBinaryNames, kd::kNumBinary);
  list("reduce", kd::kReduceNames, kd::kNumReduce);
  return obj;
}

napi_value Unary(napi_env env, napi_callback_info info) {
  const char* fn = "unary";
  napi_value argv[4];
  int op;
  ArrayArg x, out;
  idx n;
  if (!get_args(env, info, fn, 4, argv) || !get_op(env, argv[0], fn, kd::kNumUnary, &op) ||
      !get_typed_array(env, argv[1], fn, "x", &x) || !get_typed_array(env, argv[2], fn, "out", &out) ||
      !get_index(env, argv[3], fn, "n", &n)) {
    return nullptr;
  }
  if (std::size_t(n) > x.length || std::size_t(n) > out.length) {
    range_error(env, fn, "n exceeds the length of x or out");
    return nullptr;
  }
  kd::DType t;
  if (!float_dtype(x.type, &t) || out.type != x.type) return make_bool(env, false);
  const std::size_t bytes = std::size_t(n) * kd::dtype_size(t);
  if (!alias_ok(x.data, bytes, true, out.data, bytes)) return make_bool(env, false);
  kd::unary(kd::UnaryOp(op), t, x.data, out.data, n);
  return make_bool(env, true);
}

napi_value Binary(napi_env env, napi_callback_info info) {
  const char* fn = "binary";
  napi_value argv[7];
  int op;
  ArrayArg a, b, out;
  idx a_off, b_off;
  if (!get_args(env, info, fn, 7, argv) || !get_op(env, argv[0], fn, kd::kNumBinary, &op) ||
      !get_typed_array(env, argv[1], fn, "a", &a) || !get_index(env, argv[2], fn, "aOff", &a_off) ||
      !get_typed_array(env, argv[3], fn, "b", &b) || !get_index(env, argv[4], fn, "bOff", &b_off) ||
      !get_typed_array(env, argv[5], fn, "out", &out)) {
    return nullptr;
  }
  ViewLayout l;
  bool fits;
  if (!get_layout(env, argv[6], fn, 2, &l, &fits)) return nullptr;
  if (!fits) return make_bool(env, false);
  if (std::size_t(l.numel) > out.length) {
    range_error(env, fn, "out is shorter than the shape");
    return nullptr;
  }
  if (l.numel == 0) return make_bool(env, true);
  idx alo, ahi, blo, bhi;
  if (!view_fits(l, l.strides[0], a_off, a.length, &alo, &ahi) || !view_fits(l, l.strides[1], b_off, b.length, &blo, &bhi)) {
    range_error(env, fn, "a strided view reaches outside its array");
    return nullptr;
  }
  kd::DType t;
  const kd::BinaryOp bop = kd::BinaryOp(op);
  const napi_typedarray_type out_type = kd::is_compare(bop) ? napi_uint8_array : a.type;
  if (!float_dtype(a.type, &t) || b.type != a.type || out.type != out_type) return make_bool(env, false);
  const std::size_t es = kd::dtype_size(t), os = kd::is_compare(bop) ? 1 : es;
  const char* a0 = static_cast<const char*>(a.data) + a_off * idx(es);
  const char* b0 = static_cast<const char*>(b.data) + b_off * idx(es);
  const std::size_t out_bytes = std::size_t(l.numel) * os;
  if (!alias_ok(static_cast<const char*>(a.data) + alo * idx(es), std::size_t(ahi - alo + 1) * es,
                alo == a_off && is_contiguous(l, l.strides[0]), out.data, out_bytes) ||
      !alias_ok(static_cast<const char*>(b.data) + blo * idx(es), std::size_t(bhi - blo + 1) * es,
                blo == b_off && is_contiguous(l, l.strides[1]), out.data, out_bytes)) {
    return make_bool(env, false);
  }
  kd::binary(bop, t, a0, l.strides[0], b0, l.strides[1], out.data, l.shape, l.nd);
  return make_bool(env, true);
}

napi_value BinaryScalar(napi_env env, napi_callback_info info) {
  const char* fn = "binaryScalar";
  napi_value argv[6];
  int op;
  ArrayArg x, out;
  double s;
  idx n;
  bool first;
  if (!get_args(env, info, fn, 6, argv) || !get_op(env, argv[0], fn, kd::kNumBinary, &op) ||
      !get_typed_array(env, argv[1], fn, "x", &x) || !get_number(env, argv[2], fn, "s", &s) ||
      !get_typed_array(env, argv[3], fn, "out", &out) || !get_index(env, argv[4], fn, "n", &n) ||
      !get_bool(env, argv[5], fn, "scalarFirst", &first)) {
    return nullptr;
  }
  if (std::size_t(n) > x.length || std::size_t(n) > out.length) {
    range_error(env, fn, "n exceeds the length of x or out");
    return nullptr;
  }
  kd::DType t;
  const kd::BinaryOp bop = kd::BinaryOp(op);
  if (!float_dtype(x.type, &t) || out.type != (kd::is_compare(bop) ? napi_uint8_array : x.type)) {
    return make_bool(env, false);
  }
  if (!alias_ok(x.data, std::size_t(n) * kd::dtype_size(t), true, out.data,
                std::size_t(n) * (kd::is_compare(bop) ? 1 : kd::dtype_size(t)))) {
    return make_bool(env, false);
  }
  kd::binary_scalar(bop, t, x.data, s, out.data, n, first);
  return make_bool(env, true);
}

// outer * size * inner elements of x and outer * inner of each output, as exact integers.
bool get_dims(napi_env env, napi_value* argv, const char* fn, idx* outer, idx* size, idx* inner, double* total,
              double* rows) {
  if (!get_index(env, argv[0], fn, "outer", outer) || !get_index(env, argv[1], fn, "size", size) ||
      !get_index(env, argv[2], fn, "inner", inner)) {
    return false;
  }
  *rows = double(*outer) * double(*inner);
  *total = *rows * double(*size);
  if (*total > kMaxSafeInteger) return range_error(env, fn, "outer * size * inner is too large");
  return true;
}

napi_value Reduce(napi_env env, napi_callback_info info) {
  const char* fn = "reduce";
  napi_value argv[7];
  int op;
  ArrayArg x, out, ind{};
  idx outer, size, inner;
  double total, rows;
  if (!get_args(env, info, fn, 6, argv, 7) || !get_op(env, argv[0], fn, kd::kNumReduce, &op) ||
      !get_typed_array(env, argv[1], fn, "x", &x) || !get_typed_array(env, argv[2], fn, "out", &out) ||
      !get_dims(env, argv + 3, fn, &outer, &size, &inner, &total, &rows)) {
    return nullptr;
  }
  const bool has_ind = !is_nullish(env, argv[6]);
  if (has_ind && !get_typed_array(env, argv[6], fn, "indices", &ind)) return nullptr;
  if (total > double(x.length) || rows > double(out.length) || (has_ind && rows > double(ind.length))) {
    range_error(env, fn, "x, out or indices is shorter than the shape");
    return nullptr;
  }
  kd::DType t;
  if (!float_dtype(x.type, &t) || out.type != x.type || (has_ind && ind.type != napi_float64_array)) {
    return make_bool(env, false);
  }
  if (kd::ReduceOp(op) != kd::ReduceOp::sum && size == 0 && rows > 0) return make_bool(env, false);
  const std::size_t es = kd::dtype_size(t);
  const std::size_t xb = std::size_t(total) * es, ob = std::size_t(rows) * es, ib = std::size_t(rows) * 8;
  if (ranges_overlap(x.data, xb, out.data, ob) || (has_ind && (ranges_overlap(x.data, xb, ind.data, ib) ||
                                                               ranges_overlap(out.data, ob, ind.data, ib)))) {
    return make_bool(env, false);
  }
  kd::reduce(kd::ReduceOp(op), t, x.data, out.data, has_ind ? static_cast<double*>(ind.data) : nullptr, outer, size,
             inner);
  return make_bool(env, true);
}

napi_value Softmax(napi_env env, napi_callback_info info) {
  const char* fn = "softmax";
  napi_value argv[6];
  ArrayArg x, out;
  idx outer, size, inner;
  double total, rows;
  bool log;
  if (!get_args(env, info, fn, 6, argv) || !get_typed_array(env, argv[0], fn, "x", &x) ||
      !get_typed_array(env, argv[1], fn, "out", &out) ||
      !get_dims(env, argv + 2, fn, &outer, &size, &inner, &total, &rows) || !get_bool(env, argv[5], fn, "log", &log)) {
    return nullptr;
  }
  if (total > double(x.length) || total > double(out.length)) {
    range_error(env, fn, "x or out is shorter than the shape");
    return nullptr;
  }
  kd::DType t;
  if (!float_dtype(x.type, &t) || out.type != x.type) return make_bool(env, false);
  const std::size_t bytes = std::size_t(total) * kd::dtype_size(t);
  if (!alias_ok(x.data, bytes, true, out.data, bytes)) return make_bool(env, false);
  kd::softmax(t, x.data, out.data, outer, size, inner, log);
  return make_bool(env, true);
}

napi_value SoftmaxBackward(napi_env env, napi_callback_info info) {
  const char* fn = "softmaxBackward";
  napi_value argv[7];
  ArrayArg g, y, out;
  idx outer, size, inner;
  double total, rows;
  bool log;
  if (!get_args(env, info, fn, 7, argv) || !get_typed_array(env, argv[0], fn, "g", &g) ||
      !get_typed_array(env, argv[1], fn, "y", &y) || !get_typed_array(env, argv[2], fn, "out", &out) ||
      !get_dims(env, argv + 3, fn, &outer, &size, &inner, &total, &rows) || !get_bool(env, argv[6], fn, "log", &log)) {
    return nullptr;
  }
  if (total > double(g.length) || total > double(y.length) || total > double(out.length)) {
    range_error(env, fn, "g, y or out is shorter than the shape");
    return nullptr;
  }
  kd::DType t;
  if (!float_dtype(g.type, &t) || y.type != g.type || out.type != g.type) return make_bool(env, false);
  const std::size_t bytes = std::size_t(total) * kd::dtype_size(t);
  if (!alias_ok(g.data, bytes, true, out.data, bytes) || !alias_ok(y.data, bytes, true, out.data, bytes)) {
    return make_bool(env, false);
  }
  kd::softmax_backward(t, g.data, y.data, out.data, outer, size, inner, log);
  return make_bool(env, true);
}

napi_value Copy(napi_env env, napi_callback_info info) {
  const char* fn = "copy";
  napi_value argv[4];
  ArrayArg src, out;
  idx off;
  if (!get_args(env, info, fn, 4, argv) || !get_typed_array(env, argv[0], fn, "src", &src) ||
      !get_index(env, argv[1], fn, "srcOff", &off) || !get_typed_array(env, argv[2], fn, "out", &out)) {
    return nullptr;
  }
  ViewLayout l;
  bool fits;
  if (!get_layout(env, argv[3], fn, 1, &l, &fits)) return nullptr;
  if (!fits) return make_bool(env, false);
  if (std::size_t(l.numel) > out.length) {
    range_error(env, fn, "out is shorter than the shape");
    return nullptr;
  }
  if (l.numel == 0) return make_bool(env, true);
  idx lo, hi;
  if (!view_fits(l, l.strides[0], off, src.length, &lo, &hi)) {
    range_error(env, fn, "the strided view reaches outside its array");
    return nullptr;
  }
  const std::size_t ses = element_size(src.type), oes = element_size(out.type);
  if (ranges_overlap(static_cast<const char*>(src.data) + lo * idx(ses), std::size_t(hi - lo + 1) * ses, out.data,
                     std::size_t(l.numel) * oes)) {
    return make_bool(env, false);
  }
  const void* s0 = static_cast<const char*>(src.data) + off * idx(ses);
  kd::DType st, ot;
  if (src.type == out.type && ses != 2) {
    kd::copy_strided(ses, s0, l.strides[0], out.data, l.shape, l.nd);
  } else if (float_dtype(src.type, &st) && float_dtype(out.type, &ot)) {
    kd::convert_strided(st, s0, l.strides[0], ot, out.data, l.shape, l.nd);
  } else {
    return make_bool(env, false);
  }
  return make_bool(env, true);
}

}  // namespace

namespace kd {

bool register_ops(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"opNames", nullptr, OpNames, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"unary", nullptr, Unary, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"binary", nullptr, Binary, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"binaryScalar", nullptr, BinaryScalar, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"reduce", nullptr, Reduce, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"softmax", nullptr, Softmax, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"softmaxBackward", nullptr, SoftmaxBackward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"copy", nullptr, Copy, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props) == napi_ok;
}

}  // namespace kd
