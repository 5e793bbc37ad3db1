# partymap — one Makefile: pkg-config, -MMD dependencies, no configure step.
#   make            build build/partymap
#   make run        render the bundled sample into out/
#   make test       build and run the Criterion suite
#   make asan       the suite under AddressSanitizer + UBSan
#   make valgrind   the suite under valgrind (definite leaks are errors)
#   make deps       install missing Debian packages (run by run/test)

CC      ?= gcc
PKGS    := gdal proj cairo pangocairo pangoft2 fontconfig jansson libpng
BUILD   ?= build
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -pthread -MMD -MP -Isrc \
           -DPM_SOURCE_DIR='"$(CURDIR)"'
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS  += $(PKG_LIBS) -lm -pthread

SRCS     := $(sort $(wildcard src/*/*.c))
LIB_SRCS := $(filter-out src/app/main.c,$(SRCS))
TEST_SRCS:= $(sort $(wildcard tests/*/*.c))
OBJS     := $(SRCS:%.c=$(BUILD)/%.o)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
TEST_OBJS:= $(TEST_SRCS:%.c=$(BUILD)/%.o)

# Debian packages the build, the sample and the tests need.
DEB_PKGS := build-essential pkg-config libgdal-dev gdal-bin libproj-dev proj-data \
            libcairo2-dev libpango1.0-dev libpng-dev libjansson-dev libcriterion-dev \
            fonts-noto-cjk poppler-utils python3 python3-gdal

.PHONY: all run test asan valgrind deps clean sample check-sample
all: $(BUILD)/partymap

$(BUILD)/partymap: $(OBJS)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/tests/run: $(LIB_OBJS) $(TEST_OBJS)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS) -lcriterion

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC $<"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

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

run: deps
	$(MAKE) all
	$(BUILD)/partymap render

test: deps
	$(MAKE) $(BUILD)/partymap $(BUILD)/tests/run
	cd $(CURDIR) && $(BUILD)/tests/run --jobs 2

asan: deps
	$(MAKE) BUILD=build/asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" build/asan/partymap build/asan/tests/run
	PM_BIN=$(CURDIR)/build/asan/partymap ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 build/asan/tests/run --jobs 2

valgrind: deps
	$(MAKE) BUILD=build/vg CFLAGS="-O1 -g" build/vg/tests/run
	valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite \
	  --suppressions=tests/valgrind.supp build/vg/tests/run --jobs 1

# Regenerate the bundled sample (deterministic; output is committed).
sample: deps
	/usr/bin/python3 geodata/gen_changshou.py geodata/changshou

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(TEST_OBJS:.o=.d)
