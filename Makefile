# Thin wrapper over CMake: the two set-up commands, plus the CI and benchmark entry points.
#   make demo    install missing Debian packages (as root), build, run scenarios/demo.ini -> results/
#   make test    same build, then the whole test suite via ctest
#   make reproduce  the Birmingham 2017/18 scenario checked against the CQC review (docs/birmingham-2017-18.md)
#   make windows    flowsim.exe cross-built with mingw-w64 -> build-windows/flowsim-windows.zip
#   make windows-check  that .exe under wine against this build: the same bytes (docs/windows.md)
#   make web        flowsim compiled to WebAssembly with emscripten -> web/flowsim.js, flowsim.wasm,
#                   and the page that runs it: web/index.html, build-web/flowsim-web.zip
#   make web-check  that module under Node against this build: the same bytes (docs/web.md)
#   make check-platforms  Linux, Windows under wine (when built) and WebAssembly: the same bytes
# WERROR=ON turns warnings into errors (CI sets it). BUILD_TYPE defaults to Release.

DEBIAN_PACKAGES := cmake make gcc pkg-config libcsv-dev libinih-dev libgsl-dev libcmocka-dev
BUILD_TYPE ?= Release
WERROR ?= OFF
# The model's invariants checked as the events go (sim/core.h, FS_INVARIANT; about 3% at any
# size): on for this build, which make, make demo and make test share; bench/run builds without.
INVARIANTS ?= ON
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD_DIR ?= build

.PHONY: all deps build demo test test-sanitize test-mpi fuzz bench format clean reproduce windows \
	windows-check web web-check check-platforms

all: build

# Install only what is missing, and only when we can (root on a Debian-like system).
deps:
	@missing=""; \
	if command -v dpkg-query >/dev/null 2>&1; then \
	  for p in $(DEBIAN_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	  done; \
	fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "flowsim: installing missing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || \
	      { echo "flowsim: apt-get install failed for:$$missing" >&2; exit 1; }; \
	  else \
	    echo "flowsim: missing Debian packages:$$missing" >&2; \
	    echo "flowsim: run 'sudo apt-get install$$missing' (or run make as root) and try again" >&2; \
	    exit 1; \
	  fi; \
	fi

build: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DFLOWSIM_WERROR=$(WERROR) -DFLOWSIM_INVARIANTS=$(INVARIANTS) >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	./$(BUILD_DIR)/flowsim run scenarios/demo.ini -o results/demo
	@echo "flowsim: demo results in results/demo/ (summary.csv, timeseries.csv)"

# The Birmingham 2017/18 reproduction: the flagship scenario checked against the CQC review's
# figures (scenarios/birmingham-2017-18/review-figures.csv); fails (exit 3) if a fitted or predicted
# figure misses or the run drifts — today the three predictions miss (docs/birmingham-2017-18.md).
reproduce: build
	./$(BUILD_DIR)/flowsim reproduce scenarios/birmingham-2017-18/birmingham.ini \
	  --expect scenarios/birmingham-2017-18/review-figures.csv -o results/birmingham-2017-18 --report

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The MPI build (Open MPI from Debian; docs/scaling.md): mpirun -np 2 and the
# --replications-range/merge path checked for the same bytes as one process.
MPI_PACKAGES := libopenmpi-dev openmpi-bin
test-mpi:
	@$(MAKE) --no-print-directory deps DEBIAN_PACKAGES="$(DEBIAN_PACKAGES) $(MPI_PACKAGES)"
	@cmake -S . -B build-mpi -DCMAKE_BUILD_TYPE=Release -DFLOWSIM_MPI=ON -DFLOWSIM_WERROR=$(WERROR) >/dev/null
	@cmake --build build-mpi -j $(JOBS)
	cd build-mpi && ctest --output-on-failure -R 'test_scaling'

# The Windows program (docs/windows.md): mingw-w64 builds GSL, inih and libcsv from Debian's
# source packages (apt-get source, versions pinned in tools/windows/build-deps, cached in
# build-windows/deps) and then flowsim.exe; the zip is build-windows/flowsim-windows.zip.
# windows-check runs the demo under wine and compares its CSVs with this build's, byte for byte.
WINDOWS_PACKAGES := cmake make pkg-config gcc-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64 \
  dpkg-dev zip
WINE_PACKAGES := wine wine64
windows:
	@$(MAKE) --no-print-directory deps DEBIAN_PACKAGES="$(WINDOWS_PACKAGES)"
	JOBS=$(JOBS) WERROR=$(WERROR) tools/windows/build

windows-check: windows build
	@$(MAKE) --no-print-directory deps DEBIAN_PACKAGES="$(WINE_PACKAGES)"
	tools/windows/check $(BUILD_DIR)/flowsim scenarios/demo.ini

# The WebAssembly build (docs/web.md): Debian's emscripten builds GSL, inih and libcsv from
# Debian's source packages (apt-get source, the versions tools/windows/build-deps pins too,
# cached in WEB_DEPS, default build-web/deps) and then flowsim as one module for a page, a Web
# Worker and Node: web/flowsim.js and web/flowsim.wasm. web-check checks the module's contract
# as a page uses it (tools/web/contract-test), then runs it under Node (tools/web/node-run) on
# the scenarios of tools/check-platforms and compares its CSVs with this build's, byte for byte;
# check-platforms adds flowsim.exe under wine when make windows built it.
# The page (web/index.html, docs/web.md "The page") is whole once tools/web/page-assets has
# written web/scenarios.js (the shipped scenarios) and web/flowsim-embed.js (the module for a
# page opened from a folder, where fetch is refused).
WEB_PACKAGES := cmake make pkg-config emscripten dpkg-dev nodejs
web:
	@$(MAKE) --no-print-directory deps DEBIAN_PACKAGES="$(WEB_PACKAGES)"
	JOBS=$(JOBS) WERROR=$(WERROR) tools/web/build
	tools/web/page-assets . web build-web/flowsim-web.zip

web-check: web build
	tools/web/contract-test
	PLATFORMS=wasm tools/check-platforms $(BUILD_DIR)/flowsim

check-platforms: web build
	tools/web/contract-test
	PLATFORMS="$$([ -f build-windows/cmake/flowsim.exe ] && echo windows) wasm" \
	  tools/check-platforms $(BUILD_DIR)/flowsim

# libFuzzer on the scenario loader and the value parsers, FUZZ_SECONDS each (fuzz/README.md).
# An input slower than FUZZ_TIMEOUT seconds is reported (a timeout-* artifact): each runs in
# milliseconds, and at 10 s a by_date multiplier of 1e-8, 5 s of walking, went unreported.
FUZZ_SECONDS ?= 60
FUZZ_TIMEOUT ?= 2
FUZZ_PACKAGES := clang libclang-rt-14-dev
fuzz:
	@$(MAKE) --no-print-directory deps DEBIAN_PACKAGES="$(DEBIAN_PACKAGES) $(FUZZ_PACKAGES)"
	@CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DFLOWSIM_SANITIZE=ON -DFLOWSIM_FUZZ=ON -DFLOWSIM_WERROR=$(WERROR) >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target fuzz_scenario fuzz_values
	@for h in scenario values; do \
	  mkdir -p build-fuzz/corpus-$$h; \
	  echo "fuzz: $$h for $(FUZZ_SECONDS) s"; \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  ./build-fuzz/fuzz/fuzz_$$h -max_total_time=$(FUZZ_SECONDS) -timeout=$(FUZZ_TIMEOUT) -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=build-fuzz/ build-fuzz/corpus-$$h fuzz/corpus/$$h \
	    fuzz/regressions/$$h 2>build-fuzz/fuzz-$$h.log || { tail -40 build-fuzz/fuzz-$$h.log; exit 1; }; \
	  grep -E '^stat::number_of_executed_units' build-fuzz/fuzz-$$h.log; \
	done

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer (CI runs this too).
test-sanitize: deps
	@cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug -DFLOWSIM_SANITIZE=ON -DFLOWSIM_WERROR=$(WERROR) >/dev/null
	@cmake --build build-sanitize -j $(JOBS)
	cd build-sanitize && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

bench: deps
	bench/run

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-sanitize build-bench build-windows/cmake build-windows/zip build-web/cmake \
	  build-check web/flowsim.js web/flowsim.wasm web/scenarios.js web/flowsim-embed.js
