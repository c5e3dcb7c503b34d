{
  "targets": [
    {
      "target_name": "kindling_native",
      "sources": [
        "native/addon.cc",
        "native/gemm_driver.cc",
        "native/thread_pool.cc",
        "native/kern_generic.cc",
        "native/kern_avx2.cc",
        "native/kern_avx512.cc",
        "native/addon_ops.cc",
        "native/addon_optim.cc",
        "native/addon_alloc.cc",
        "native/addon_conv.cc",
        "native/addon_pool.cc",
        "native/addon_conv_batch.cc",
        "native/addon_profile.cc",
        "native/addon_dropout.cc",
        "native/addon_norm.cc",
        "native/addon_recurrent.cc",
        "native/addon_loss.cc",
        "native/addon_linear.cc",
        "native/ops_driver.cc",
        "native/copy.cc",
        "native/optim.cc",
        "native/ops_generic.cc",
        "native/ops_avx2.cc",
        "native/ops_avx512.cc"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags!": ["-O2", "-O0"],
      "cflags_cc!": ["-O2", "-O0", "-std=gnu++17"],
      "cflags": ["-O3", "-fno-math-errno", "-ffp-contract=off", "-fvisibility=hidden"],
      "cflags_cc": ["-O3", "-std=gnu++17", "-fno-exceptions", "-fno-rtti", "-fno-math-errno", "-ffp-contract=off"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "GCC_OPTIMIZATION_LEVEL": "3",
        "CLANG_CXX_LANGUAGE_STANDARD": "gnu++17",
        "OTHER_CPLUSPLUSFLAGS": ["-fno-math-errno", "-ffp-contract=off"]
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "Optimization": 2, "AdditionalOptions": ["/std:c++17"] }
      }
    }
  ]
}
