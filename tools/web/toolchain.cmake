# CMake toolchain for the WebAssembly build (make web; docs/web.md): Debian's emscripten (emcc)
# through its own CMake platform file, and the libraries tools/web/build-deps built into
# FLOWSIM_DEPS (build-web/deps), found there and nowhere on the build machine.
include(/usr/share/emscripten/cmake/Modules/Platform/Emscripten.cmake)
if(NOT FLOWSIM_DEPS)
  set(FLOWSIM_DEPS ${CMAKE_CURRENT_LIST_DIR}/../../build-web/deps)
endif()
# CMake reads this file again for each of its trial builds (the compiler and LTO checks), in
# the same process: they must see the same FLOWSIM_DEPS, or they point pkg-config elsewhere.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES FLOWSIM_DEPS)
list(APPEND CMAKE_FIND_ROOT_PATH ${FLOWSIM_DEPS})
# pkg-config reads only the dependencies' own .pc files.
set(ENV{PKG_CONFIG_LIBDIR} ${FLOWSIM_DEPS}/lib/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
