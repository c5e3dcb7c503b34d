// AVX-512 instantiation of the elementwise / reduction / softmax / optimizer kernels. Compiled for
// any x86-64; reached only after run-time CPU detection (the same level as the GEMM kernels).
#include "kd_gemm.h"

#if KD_X86_SIMD
#define KD_TGT __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")))
#define KD_VBYTES 64
#define KD_NS ops_avx512
#define KD_OPS_NAME kOpsAvx512
#define KD_OPS_LABEL "avx512"
#include "kd_ops_kernels.h"
#endif  // KD_X86_SIMD
