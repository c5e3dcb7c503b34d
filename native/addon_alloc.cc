// tuneAllocator(mmapThresholdBytes, trimThresholdBytes): boolean
//
// Tensor memory is JS typed arrays, which Node allocates with the C allocator. With glibc's defaults a
// multi-megabyte array is mmap'ed and its pages are given back to the kernel when the array dies, so
// every training step re-faults its weight gradients page by page (measured: an 8 MB GEMM output costs
// 4.4 ms fresh vs 0.36 ms reused). Raising the mmap and trim thresholds keeps freed blocks in the heap
// for the next step. The settings are process-wide and only exist on glibc; elsewhere this returns false.
#include <cstddef>

#include <node_api.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "kd_napi.h"

namespace {

using namespace kd::napi;

napi_value TuneAllocator(napi_env env, napi_callback_info info) {
  std::size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 2) {
    throw_type(env, "tuneAllocator: expected 2 arguments (mmapThreshold, trimThreshold)");
    return nullptr;
  }
  double mmap_bytes, trim_bytes;
  if (!get_number(env, argv[0], "tuneAllocator", "mmapThreshold", &mmap_bytes)) return nullptr;
  if (!get_number(env, argv[1], "tuneAllocator", "trimThreshold", &trim_bytes)) return nullptr;
  // int is what mallopt takes; glibc itself caps the mmap threshold (32 MB by default on 64-bit hosts).
  if (!(mmap_bytes >= 0 && mmap_bytes <= 2147483647.0 && trim_bytes >= 0 && trim_bytes <= 2147483647.0)) {
    throw_range(env, "tuneAllocator: thresholds must be byte counts in [0, 2^31)");
    return nullptr;
  }
#if defined(__GLIBC__)
  const bool ok = mallopt(M_MMAP_THRESHOLD, int(mmap_bytes)) == 1 && mallopt(M_TRIM_THRESHOLD, int(trim_bytes)) == 1;
  return make_bool(env, ok);
#else
  return make_bool(env, false);
#endif
}

}  // namespace

namespace kd {

bool register_alloc(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"tuneAllocator", nullptr, TuneAllocator, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  return napi_define_properties(env, exports, 1, props) == napi_ok;
}

}  // namespace kd
