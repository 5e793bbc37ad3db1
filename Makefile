# partymap — one Makefile: pkg-config, -MMD dependencies, no configure step.
#   make            build build/partymap
#   make run        render the bundled sample into out/
#   make test       layers check, the Criterion suite (unit and command-line tiers), browser test
#   make asan       both tiers under AddressSanitizer + UBSan
#   make valgrind   the unit tier and one render of the sample under valgrind
#   make dist-test  the README's Slurm and GNU parallel recipes on real engines (root)
#   make deps       install missing Debian packages (run by run/test)

CC      ?= gcc
PKGS    := gdal proj cairo pangocairo pangoft2 fontconfig jansson libpng libdeflate sqlite3 zlib
BUILD   ?= build
CFLAGS  ?= -O2 -g
PM_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -pthread -MMD -MP -Isrc \
           -DPM_SOURCE_DIR='"$(CURDIR)"'
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS  += $(PKG_LIBS) -lm -pthread

SRCS     := $(sort $(wildcard src/*/*.c))
LIB_SRCS := $(filter-out src/app/main.c,$(SRCS))
TEST_SRCS:= $(filter-out tests/fuzz/%,$(sort $(wildcard tests/*/*.c)))
# Two tiers: the unit tier calls partymap's functions in process; the command-line tier
# runs the binary (build/partymap, or $PM_BIN) as a user would.
SUPPORT_SRCS := $(sort $(wildcard tests/support/*.c))
# (a test file that runs the binary, through t_bin or t_pm, belongs to the second)
CLI_TEST_SRCS := $(sort $(shell grep -lE 't_(bin|pm)[^a-z_]' $(filter-out tests/support/%,$(TEST_SRCS))))
UNIT_TEST_SRCS := $(filter-out $(CLI_TEST_SRCS) $(SUPPORT_SRCS),$(TEST_SRCS))
OBJS     := $(SRCS:%.c=$(BUILD)/%.o)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
TEST_OBJS:= $(TEST_SRCS:%.c=$(BUILD)/%.o)
SUPPORT_OBJS := $(SUPPORT_SRCS:%.c=$(BUILD)/%.o)
UNIT_OBJS := $(UNIT_TEST_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS := $(CLI_TEST_SRCS:%.c=$(BUILD)/%.o)

# Debian packages the build, the sample and the tests need (ghostscript makes the print
# PDFs and brings its CMYK profile, libgs-common's default_cmyk.icc; qpdf checks them).
DEB_PKGS := build-essential pkg-config libgdal-dev gdal-bin libproj-dev proj-data \
            libcairo2-dev libpango1.0-dev libpng-dev libjansson-dev libcriterion-dev \
            fonts-noto-cjk poppler-utils python3 python3-gdal libsqlite3-dev sqlite3 \
            libjs-leaflet chromium nodejs libxml2-utils strace libdeflate-dev \
            ghostscript qpdf procps util-linux

.PHONY: all run test browser-test asan valgrind fuzz deps clean sample check-sample park
all: $(BUILD)/partymap

$(BUILD)/partymap: $(OBJS)
	@echo "  LD $@"
	@$(CC) $(CFLAGS) $(PM_CFLAGS) $(PKG_CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

# Every test in one binary (for a quick --filter while working), and the two tiers.
$(BUILD)/tests/run: $(LIB_OBJS) $(TEST_OBJS)
	@echo "  LD $@"
	@$(CC) $(CFLAGS) $(PM_CFLAGS) $(PKG_CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS) -lcriterion

$(BUILD)/tests/unit: $(LIB_OBJS) $(UNIT_OBJS) $(SUPPORT_OBJS)
	@echo "  LD $@"
	@$(CC) $(CFLAGS) $(PM_CFLAGS) $(PKG_CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS) -lcriterion

$(BUILD)/tests/cli: $(LIB_OBJS) $(CLI_OBJS) $(SUPPORT_OBJS)
	@echo "  LD $@"
	@$(CC) $(CFLAGS) $(PM_CFLAGS) $(PKG_CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS) -lcriterion

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC $<"
	@$(CC) $(CFLAGS) $(PM_CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

# The independent PMTiles reader the sink tests use (pinned by package-lock.json);
# without npm that one test is skipped.
tests/tiles/node_modules: tests/tiles/package.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --prefix tests/tiles --no-audit --no-fund && touch $@; \
	else echo "npm not found: the PMTiles reader test will be skipped"; fi

# playwright-core for the site's browser test (pinned by package-lock.json); it drives
# Debian's chromium, so npm downloads no browser.
tests/site/node_modules: tests/site/package.json
	npm install --prefix tests/site --no-audit --no-fund && touch $@

# Install only what is missing; apt-get needs root (or sudo).
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "partymap: installing missing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi

# The benchmark against Mapnik (bench/run.py; README "Performance"): Debian's Mapnik
# for /usr/bin/python3 and GNU time besides the build's packages; results and the
# side-by-side image in out/bench/.  BENCH_ARGS passes options (e.g. --reps 5).
BENCH_PKGS := python3-mapnik python3-gdal fonts-noto-cjk time sqlite3
.PHONY: bench
bench: deps tests/site/node_modules
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(BENCH_PKGS)"
	$(MAKE) $(BUILD)/partymap $(BUILD)/bench/encode_floor
	/usr/bin/python3 bench/run.py --build $(BUILD) $(BENCH_ARGS)

$(BUILD)/bench/encode_floor: bench/encode_floor.c $(LIB_OBJS)
	@mkdir -p $(@D)
	@echo "  LD $@"
	@$(CC) $(CFLAGS) $(PM_CFLAGS) $(PKG_CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

# Indicator expressions on a city-sized table (bench/expr_bench.c; README "Indicator expressions").
$(BUILD)/bench/expr_bench: bench/expr_bench.c $(BUILD)/src/expr/aggregate.o $(BUILD)/src/expr/errtext.o \
    $(BUILD)/src/expr/eval.o $(BUILD)/src/expr/exprset.o $(BUILD)/src/expr/lex.o $(BUILD)/src/expr/parse.o \
    $(BUILD)/src/core/status.o
	@mkdir -p $(@D)
	@echo "  LD $@"
	@$(CC) $(CFLAGS) $(PM_CFLAGS) -o $@ $^ $(LDFLAGS) -lm

run: deps
	$(MAKE) all
	$(BUILD)/partymap render --year all

# The include graph against the layers (tools/check_layers.py), then the unit tier, the
# command-line tier and the browser test.
test: deps tests/tiles/node_modules tests/site/node_modules
	python3 tools/check_layers.py --self-test
	$(MAKE) $(BUILD)/partymap $(BUILD)/tests/unit $(BUILD)/tests/cli $(PARK_STAMP)
	cd $(CURDIR) && $(BUILD)/tests/unit --jobs 2
	cd $(CURDIR) && $(BUILD)/tests/cli --jobs 2
	$(MAKE) browser-test

# The static site in Debian's chromium: tiles of two years (two maps in 2015, for the
# year switcher) and the site, rendered from the sample, then tests/site/browser.mjs on file://.
browser-test: $(BUILD)/partymap tests/site/node_modules
	$(BUILD)/partymap render --only tiles --year 2015 --maps service,satisfaction --out $(BUILD)/site-test --quiet
	$(BUILD)/partymap render --only tiles,atlas,data,site --out $(BUILD)/site-test --quiet
	node tests/site/browser.mjs $(BUILD)/site-test

# Both tiers under AddressSanitizer + UBSan, the command-line tier through the sanitised
# binary; of the kill matrix (test_reliability.c, every kill a rerun) every eighth kill
# point (PM_KILL_SAMPLE): all of them run natively in make test.
ASAN_ENV := LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
asan: deps
	$(MAKE) BUILD=build/asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -DPM_TIMEOUT_SCALE=4" LDFLAGS="-fsanitize=address,undefined" build/asan/partymap build/asan/tests/unit build/asan/tests/cli $(PARK_STAMP)
	$(ASAN_ENV) build/asan/tests/unit --jobs 2
	PM_BIN=$(CURDIR)/build/asan/partymap PM_KILL_SAMPLE=8 $(ASAN_ENV) build/asan/tests/cli --jobs 2

# The unit tier under valgrind on two jobs, and one real render of the sample (every
# stage: posters and tiles of one map, the atlas, spreadsheets, GeoPackage and site)
# by the binary under valgrind; errors and definite leaks fail either.
# Under valgrind (30-40 times slower, and each test loads the sample or the park anew)
# the unit tier runs the suites of the modules below the outputs (core, expr, geo, data,
# style, analysis, render, tiles, their readers and writers) and leaves out the suites
# that render or load whole outputs (the atlas, print and geospatial PDFs, posters and
# their labels, the ranking panel, pyramids, the site, the GeoPackage, the indicators
# of the whole sample, the second place): the render of the sample below runs that code
# under valgrind, and ASan and the native tier run every suite in full.
VG_FILTER := !(atlas|atlas_park|ranking|ranking_park|pyramid|pdfx|geopdf|poster|poster_labels|site|sitepub|gpkg|park|indicators|join|nodata|ranks|xlsx)/*
VG := valgrind --leak-check=full --errors-for-leak-kinds=definite --suppressions=tests/valgrind.supp
valgrind: deps
	$(MAKE) BUILD=build/vg CFLAGS="-O1 -g -DPM_TIMEOUT_SCALE=15" build/vg/partymap build/vg/tests/unit $(PARK_STAMP)
	rm -rf build/vg/*.vglog build/vg/render
	$(VG) --trace-children=yes \
	  --trace-children-skip='*/sh,*/bash,*/partymap,*/node,*/pdf*,*/gs,*/qpdf,*/sqlite3,*/gdal*,*/ogr*,*/timeout,*/strace,*/find,*/xargs,*/md5sum,*/sed,*/cp,*/rm,*/sleep,*/wc,*/sort,*/ls,*/grep,*/xmllint,*/cat,*/mkdir,*/python3*,*/flock,*/unshare,*/setsid,*/env,*/fallocate,*/mount,*/umount,*/df,*/ldd,*/pgrep,*/od,*/tr,*/cut,*/seq,*/kill,*/ln,*/cmp' \
	  --log-file=build/vg/%p.vglog build/vg/tests/unit --jobs 2 --filter '$(VG_FILTER)'
	SOURCE_DATE_EPOCH=1700000000 $(VG) --log-file=build/vg/render-%p.vglog \
	  build/vg/partymap render --year 2016 --maps service --jobs 2 --out build/vg/render --quiet
	@if grep -l "ERROR SUMMARY: [1-9]" build/vg/*.vglog; then \
	  echo "valgrind: errors or definite leaks (see the logs above)"; exit 1; fi
	@echo "valgrind: no errors, no definite leaks in $$(ls build/vg/*.vglog | wc -l) processes"

# The second test place (geodata/README.md, "The second place"): generated, never
# committed; the tests that use it look for build/park and skip without it.
PARK_STAMP := build/park/.stamp
park: $(PARK_STAMP)
$(PARK_STAMP): geodata/gen_park.py
	@mkdir -p build/park
	@/usr/bin/python3 geodata/gen_park.py build/park > build/park.log || { cat build/park.log; exit 1; }
	@tail -1 build/park.log
	@touch $@

# The README's Slurm and GNU parallel recipes for shards, run as printed on a single-node
# Slurm cluster started on this machine and on GNU parallel (tests/dist/dist-test.sh):
# root only; without root or the packages it skips, which CI=1 makes a failure.
DIST_PKGS := slurmctld slurmd slurm-client munge parallel
.PHONY: dist-test dist-deps
dist-test: deps $(BUILD)/partymap
	@BUILD=$(BUILD) MAKE="$(MAKE)" bash tests/dist/dist-test.sh

dist-deps:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(DIST_PKGS)"

# Regenerate the bundled sample (deterministic; output is committed).
sample: deps
	/usr/bin/python3 geodata/gen_changshou.py geodata/changshou

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(TEST_OBJS:.o=.d)

# libFuzzer targets (clang): the config parser, the style parser, the evaluation-table
# reader, the indicator expressions (src/expr) and the package readers of merge, each for FUZZ_SECONDS from the seed corpus in
# tests/fuzz/corpus/ (the packages' hostile seeds are written by tests/fuzz/gen_packages.py
# into build/fuzz/corpus-packages).  Crashes are written to build/fuzz/ and belong in
# tests/fuzz/corpus/ as fixtures once fixed.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := config style evaltable expr packages
FUZZ_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
fuzz: deps
	@command -v clang >/dev/null || { SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; $$SUDO apt-get install -y -q clang libclang-rt-14-dev; }
	$(MAKE) CC=clang BUILD=build/fuzz CFLAGS="$(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link" $(LIB_SRCS:%.c=build/fuzz/%.o)
	@for t in $(FUZZ_TARGETS); do \
	  clang $(FUZZ_CFLAGS) -fsanitize=fuzzer $(PM_CFLAGS) $(PKG_CFLAGS) -o build/fuzz/fuzz_$$t \
	    tests/fuzz/fuzz_$$t.c $(LIB_SRCS:%.c=build/fuzz/%.o) $(LDLIBS) || exit 1; \
	  mkdir -p build/fuzz/corpus-$$t; \
	  if [ $$t = packages ]; then /usr/bin/python3 tests/fuzz/gen_packages.py --small build/fuzz/corpus-$$t || exit 1; fi; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
	    -artifact_prefix=build/fuzz/$$t- -print_final_stats=1 build/fuzz/corpus-$$t tests/fuzz/corpus/$$t \
	    > build/fuzz/$$t.log 2>&1; rc=$$?; tail -4 build/fuzz/$$t.log; \
	  [ $$rc = 0 ] || { echo "fuzz: $$t failed (see build/fuzz/$$t.log)"; exit 1; }; \
	done
