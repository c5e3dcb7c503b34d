// Profiling hooks for bench/profile.ts (`npm run bench -- --profile`); they change no results.
//
//   setProfiling(on: boolean): void       starts (zeroing the counters) or stops the pool's counters
//   profileStats(): Float64Array          per pool slot s (slots = threads): [5s] thread CPU ns and [5s+1]
//                                         wall ns inside job functions, [5s+2] jobs entered, [5s+3] and
//                                         [5s+4] (slot 0) wall ns and CPU ns the caller waited for workers
//                                         after finishing its own part
//   threadCpuTime(): number               CPU time of the calling (JS) thread in ns
//
// Optional exports: the bench probes for them, nothing in src/ calls them.
#include <cstring>

#include <node_api.h>

#include "kd_gemm.h"
#include "kd_napi.h"
#include "thread_pool.h"

namespace {

using namespace kd::napi;

napi_value SetProfiling(napi_env env, napi_callback_info info) {
  std::size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  bool on = false;
  if (argc < 1 || !get_bool(env, argv[0], "setProfiling", "on", &on)) return nullptr;
  kd::set_profiling(on);
  return undefined_value(env);
}

napi_value ProfileStats(napi_env env, napi_callback_info) {
  const int slots = kd::get_num_threads();
  napi_value buffer, out;
  void* data = nullptr;
  const std::size_t n = std::size_t(kd::kProfileFields * slots);
  if (napi_create_arraybuffer(env, n * sizeof(double), &data, &buffer) != napi_ok ||
      napi_create_typedarray(env, napi_float64_array, n, buffer, 0, &out) != napi_ok) {
    return nullptr;
  }
  kd::read_profile(static_cast<double*>(data), slots);
  return out;
}

napi_value ThreadCpuTime(napi_env env, napi_callback_info) {
  napi_value v;
  napi_create_double(env, kd::thread_cpu_ns(), &v);
  return v;
}

}  // namespace

namespace kd {

bool register_profile(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"setProfiling", nullptr, SetProfiling, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"profileStats", nullptr, ProfileStats, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"threadCpuTime", nullptr, ThreadCpuTime, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  return napi_define_properties(env, exports, 3, props) == napi_ok;
}

}  // namespace kd
