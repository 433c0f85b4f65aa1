# -DCDC_FUZZ=ON: libFuzzer targets in tests/fuzz, everything compiled with
# ASan + UBSan + fuzzer coverage. Needs clang (CMAKE_CXX_COMPILER=clang++-14);
# use its own build directory (`make fuzz` uses build-fuzz). The normal gcc
# build never reads this beyond the option being off.
if(CDC_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "CDC_FUZZ needs clang: -DCMAKE_CXX_COMPILER=clang++-14 (got ${CMAKE_CXX_COMPILER_ID})")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer -gline-tables-only)
  add_link_options(-fsanitize=address,undefined)
endif()
