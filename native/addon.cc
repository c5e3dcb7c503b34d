// Node-API binding of the kindling native GEMM, and the module's entry point (the other kernels'
// bindings are in addon_ops.cc and addon_optim.cc).
//
//   gemm(transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc): void
//   setNumThreads(n): void          getNumThreads(): number
//   simdLevel(): string             setSimdLevel(level): string      supportedSimdLevels(): string[]
//   abiVersion: number              (kd::napi::kAbiVersion, checked by the loader)
//
// The thread count and the SIMD level apply to every kernel of the addon. tuneAllocator is in addon_alloc.cc.
//
// Every argument is validated before any memory is touched; violations throw TypeError or
// RangeError. The typed arrays' memory is used in place.
//
// Environment, read when the addon is first loaded: KINDLING_NUM_THREADS (initial thread count),
// KINDLING_NATIVE_SIMD ("avx512" | "avx2" | "generic": use that kernel family if supported).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

#include <node_api.h>

#include "kd_gemm.h"
#include "kd_napi.h"
#include "thread_pool.h"

namespace {

using kd::idx;
using namespace kd::napi;

bool get_float_array(napi_env env, napi_value v, const char* name, ArrayArg* out) {
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "gemm: %s must be a Float32Array or Float64Array", name);
    return throw_type(env, msg);
  }
  napi_value buffer;
  std::size_t byte_offset;
  if (napi_get_typedarray_info(env, v, &out->type, &out->length, &out->data, &buffer, &byte_offset) !=
      napi_ok) {
    return throw_type(env, "gemm: could not read a typed array argument");
  }
  if (out->type != napi_float32_array && out->type != napi_float64_array) {
    char msg[200];
    std::snprintf(msg, sizeof msg, "gemm: %s must be a Float32Array or Float64Array (got %s)", name,
                  typed_array_name(out->type));
    return throw_type(env, msg);
  }
  return true;
}

// Checks that a rows x cols matrix with row stride ld starting at element off lies inside an array
// of `length` elements, and returns its element span [off, off + *span) (0 when empty).
bool check_extent(napi_env env, const char* mat, const char* ld_name, idx rows, idx cols, idx off,
                  idx ld, std::size_t length, idx* span) {
  *span = 0;
  if (rows == 0 || cols == 0) return true;
  char msg[320];
  if (rows > 1 && ld < cols) {
    std::snprintf(msg, sizeof msg,
                  "gemm: %s (%lld) must be at least the number of columns of the stored %s (%lld)",
                  ld_name, (long long)ld, mat, (long long)cols);
    return throw_range(env, msg);
  }
  const std::uint64_t len = length, o = std::uint64_t(off), r = std::uint64_t(rows),
                      c = std::uint64_t(cols), l = std::uint64_t(ld);
  bool fits = o <= len && c <= len - o;
  if (fits && r > 1) fits = l <= (len - o - c) / (r - 1);
  if (!fits) {
    std::snprintf(msg, sizeof msg,
                  "gemm: the stored %s (%lld x %lld, offset %lld, row stride %lld) does not fit in "
                  "its array of %llu elements",
                  mat, (long long)rows, (long long)cols, (long long)off, (long long)ld,
                  (unsigned long long)len);
    return throw_range(env, msg);
  }
  *span = idx((r - 1) * l + c);
  return true;
}

bool overlaps(const void* a, idx a_span, const void* b, idx b_span, std::size_t elem) {
  if (a_span == 0 || b_span == 0) return false;
  const auto a0 = reinterpret_cast<std::uintptr_t>(a), b0 = reinterpret_cast<std::uintptr_t>(b);
  const auto a1 = a0 + std::uintptr_t(a_span) * elem, b1 = b0 + std::uintptr_t(b_span) * elem;
  return a0 < b1 && b0 < a1;
}

napi_value Gemm(napi_env env, napi_callback_info info) {
  std::size_t argc = 16;
  napi_value argv[16];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  if (argc < 16) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "gemm: expected 16 arguments, got %zu", argc);
    throw_type(env, msg);
    return nullptr;
  }
  bool ta, tb;
  idx M, N, K, aOff, lda, bOff, ldb, cOff, ldc;
  double alpha, beta;
  ArrayArg A, B, C;
  if (!get_bool(env, argv[0], "gemm", "transA", &ta) || !get_bool(env, argv[1], "gemm", "transB", &tb) ||
      !get_index(env, argv[2], "gemm", "M", &M) || !get_index(env, argv[3], "gemm", "N", &N) ||
      !get_index(env, argv[4], "gemm", "K", &K) || !get_number(env, argv[5], "gemm", "alpha", &alpha) ||
      !get_float_array(env, argv[6], "A", &A) || !get_index(env, argv[7], "gemm", "aOff", &aOff) ||
      !get_index(env, argv[8], "gemm", "lda", &lda) || !get_float_array(env, argv[9], "B", &B) ||
      !get_index(env, argv[10], "gemm", "bOff", &bOff) || !get_index(env, argv[11], "gemm", "ldb", &ldb) ||
      !get_number(env, argv[12], "gemm", "beta", &beta) || !get_float_array(env, argv[13], "C", &C) ||
      !get_index(env, argv[14], "gemm", "cOff", &cOff) || !get_index(env, argv[15], "gemm", "ldc", &ldc)) {
    return nullptr;
  }
  if (A.type != B.type || A.type != C.type) {
    char msg[240];
    std::snprintf(msg, sizeof msg,
                  "gemm: A, B and C must be all Float32Array or all Float64Array (got %s, %s, %s)",
                  typed_array_name(A.type), typed_array_name(B.type), typed_array_name(C.type));
    throw_type(env, msg);
    return nullptr;
  }
  idx a_span, b_span, c_span;
  if (!check_extent(env, ta ? "A (K x M, transA)" : "A (M x K)", "lda", ta ? K : M, ta ? M : K, aOff, lda,
                    A.length, &a_span) ||
      !check_extent(env, tb ? "B (N x K, transB)" : "B (K x N)", "ldb", tb ? N : K, tb ? K : N, bOff, ldb,
                    B.length, &b_span) ||
      !check_extent(env, "C (M x N)", "ldc", M, N, cOff, ldc, C.length, &c_span)) {
    return nullptr;
  }
  const std::size_t elem = A.type == napi_float32_array ? sizeof(float) : sizeof(double);
  char* a0 = static_cast<char*>(A.data) + std::size_t(aOff) * elem;
  char* b0 = static_cast<char*>(B.data) + std::size_t(bOff) * elem;
  char* c0 = static_cast<char*>(C.data) + std::size_t(cOff) * elem;
  const bool reads_ab = M > 0 && N > 0 && K > 0 && alpha != 0;
  if (reads_ab && (overlaps(c0, c_span, a0, a_span, elem) || overlaps(c0, c_span, b0, b_span, elem))) {
    throw_range(env, "gemm: C must not share memory with A or B");
    return nullptr;
  }

  bool ok;
  if (elem == sizeof(float)) {
    ok = kd::gemm(ta, tb, M, N, K, float(alpha), reinterpret_cast<const float*>(a0), lda,
                  reinterpret_cast<const float*>(b0), ldb, float(beta), reinterpret_cast<float*>(c0), ldc);
  } else {
    ok = kd::gemm(ta, tb, M, N, K, alpha, reinterpret_cast<const double*>(a0), lda,
                  reinterpret_cast<const double*>(b0), ldb, beta, reinterpret_cast<double*>(c0), ldc);
  }
  if (!ok) {
    napi_throw_error(env, nullptr, "gemm: out of memory for packing buffers");
    return nullptr;
  }
  return undefined_value(env);
}

napi_value SetNumThreads(napi_env env, napi_callback_info info) {
  std::size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 1) {
    throw_type(env, "setNumThreads: expected 1 argument");
    return nullptr;
  }
  double d;
  if (!get_number(env, argv[0], "setNumThreads", "n", &d)) return nullptr;
  if (!(d >= 1 && d <= kd::kMaxThreads && std::floor(d) == d)) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "setNumThreads: n must be an integer in [1, %d] (got %g)", kd::kMaxThreads, d);
    throw_range(env, msg);
    return nullptr;
  }
  kd::set_num_threads(int(d));
  return undefined_value(env);
}

napi_value GetNumThreads(napi_env env, napi_callback_info) {
  napi_value v;
  napi_create_int32(env, kd::get_num_threads(), &v);
  return v;
}

napi_value SimdLevel(napi_env env, napi_callback_info) {
  return make_string(env, kd::simd_name(kd::current_simd()));
}

napi_value SupportedSimdLevels(napi_env env, napi_callback_info) {
  napi_value arr;
  napi_create_array(env, &arr);
  uint32_t n = 0;
  for (kd::Simd s : {kd::Simd::Generic, kd::Simd::Avx2, kd::Simd::Avx512}) {
    if (int(s) <= int(kd::detect_simd())) napi_set_element(env, arr, n++, make_string(env, kd::simd_name(s)));
  }
  return arr;
}

napi_value SetSimdLevel(napi_env env, napi_callback_info info) {
  std::size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  napi_valuetype t = napi_undefined;
  if (argc >= 1) napi_typeof(env, argv[0], &t);
  if (t != napi_string) {
    throw_type(env, "setSimdLevel: level must be a string (\"avx512\", \"avx2\" or \"generic\")");
    return nullptr;
  }
  char name[32];
  std::size_t len = 0;
  napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len);
  kd::Simd level;
  char msg[200];
  if (!kd::simd_from_name(name, &level)) {
    std::snprintf(msg, sizeof msg, "setSimdLevel: unknown level \"%s\" (expected \"avx512\", \"avx2\" or \"generic\")", name);
    throw_range(env, msg);
    return nullptr;
  }
  if (!kd::set_simd(level)) {
    std::snprintf(msg, sizeof msg, "setSimdLevel: \"%s\" is not supported by this CPU (best: \"%s\")", name,
                  kd::simd_name(kd::detect_simd()));
    throw_range(env, msg);
    return nullptr;
  }
  return make_string(env, kd::simd_name(kd::current_simd()));
}

// Optional environment overrides, applied once per process.
void apply_env_defaults() {
  static bool done = false;
  if (done) return;
  done = true;
  if (const char* s = std::getenv("KINDLING_NATIVE_SIMD")) {
    kd::Simd level;
    if (kd::simd_from_name(s, &level)) kd::set_simd(level);
  }
  if (const char* s = std::getenv("KINDLING_NUM_THREADS")) {
    const long n = std::strtol(s, nullptr, 10);
    if (n >= 1) kd::set_num_threads(int(n));
  }
}

}  // namespace

NAPI_MODULE_INIT() {
  apply_env_defaults();
  napi_property_descriptor props[] = {
      {"gemm", nullptr, Gemm, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setNumThreads", nullptr, SetNumThreads, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"getNumThreads", nullptr, GetNumThreads, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"simdLevel", nullptr, SimdLevel, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setSimdLevel", nullptr, SetSimdLevel, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"supportedSimdLevels", nullptr, SupportedSimdLevels, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return nullptr;
  napi_value abi;
  if (napi_create_int32(env, kd::napi::kAbiVersion, &abi) != napi_ok ||
      napi_set_named_property(env, exports, "abiVersion", abi) != napi_ok) return nullptr;
  if (!kd::register_ops(env, exports) || !kd::register_optim(env, exports) || !kd::register_alloc(env, exports) ||
      !kd::register_conv(env, exports) ||
      !kd::register_pool(env, exports) ||
      !kd::register_conv_batch(env, exports) ||
      !kd::register_profile(env, exports) ||
      !kd::register_dropout(env, exports) ||
      !kd::register_recurrent(env, exports) ||
      !kd::register_loss(env, exports) ||
      !kd::register_linear(env, exports) ||
      !kd::register_norm(env, exports)) return nullptr;
  return exports;
}
