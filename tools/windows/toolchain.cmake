# CMake toolchain for the Windows build on Debian: mingw-w64's x86_64 compiler with the posix
# thread model (winpthreads: flowsim uses pthreads), and the libraries tools/windows/build-deps
# built into FLOWSIM_DEPS (build-windows/deps), found there and nowhere on the build machine.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
if(NOT FLOWSIM_DEPS)
  set(FLOWSIM_DEPS ${CMAKE_CURRENT_LIST_DIR}/../../build-windows/deps)
endif()
# CMake's trial builds read this file again without the cache: hand them the same folder, or a
# deps folder given on the command line is replaced by the default in them.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES FLOWSIM_DEPS)
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32 ${FLOWSIM_DEPS})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# pkg-config reads only the dependencies' own .pc files.
set(ENV{PKG_CONFIG_LIBDIR} ${FLOWSIM_DEPS}/lib/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
