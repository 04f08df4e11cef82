# Applied to every target of the tree, so the core library, the tests and the
# programs are instrumented alike (TSan misses races in uninstrumented code).
if(SGT_SANITIZER STREQUAL "thread")
  add_compile_options(-fsanitize=thread -O1 -g -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
  add_compile_definitions(SGT_TSAN=1)
elseif(SGT_SANITIZER STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -g -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
  add_compile_definitions(SGT_ASAN=1)
elseif(SGT_SANITIZER STREQUAL "fuzzer")
  # clang's libFuzzer: the code under fuzz carries its coverage, the targets
  # link the fuzzer (torture/tests/fuzz); ASan and UBSan judge every input.
  if(NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SGT_SANITIZER=fuzzer needs clang (the fuzz preset sets it)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
                      -fno-sanitize-recover=undefined -g -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
  add_compile_definitions(SGT_ASAN=1)
elseif(NOT SGT_SANITIZER STREQUAL "")
  message(FATAL_ERROR "SGT_SANITIZER='${SGT_SANITIZER}': accepted values are '', thread, address, fuzzer")
endif()
