// Portable instantiation of the elementwise / reduction / softmax / optimizer kernels: whatever the
// baseline compiler flags give (SSE2 on x86-64, NEON on arm64). Needs GCC or Clang vector
// extensions for the double-vector math.
#include "kd_gemm.h"

#define KD_TGT
#define KD_VBYTES 16
#define KD_NS ops_generic
#define KD_OPS_NAME kOpsGeneric
#define KD_OPS_LABEL "generic"
#include "kd_ops_kernels.h"
