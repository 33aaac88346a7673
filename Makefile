# SPDX-License-Identifier: Apache-2.0
#
# One non-recursive build (the libbpf-bootstrap pattern). Everything built or
# generated goes under .output/. V=1 shows the commands.
#
#   make            build .output/vigil (static)
#   make deps       install the Debian packages the build and tests need
#   make test       build with ASan/UBSan and run every test
#   make bench      overhead of vigil trace on syscall-heavy loops
#   make vmlinux    regenerate bpf/vmlinux/$(ARCH)/vmlinux.h from this kernel

OUTPUT := .output
ARCH ?= x86
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= gcc
VERSION := 0.1.0

VMLINUX_DIR := bpf/vmlinux/$(ARCH)
INCLUDES := -I$(OUTPUT)/include -Ibpf -I.
CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
	  -Wmissing-prototypes -Wundef -D_GNU_SOURCE -DVIGIL_VERSION='"$(VERSION)"' $(INCLUDES)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -Ibpf -I$(VMLINUX_DIR)

# Debian bookworm packages: build, static link, tests, benchmarks.
DEPS := make gcc libc6-dev clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev pkg-config \
	libclang-rt-14-dev busybox-static python3 bc file libjson-c-dev libyaml-dev strace util-linux

BPF_SRCS := bpf/syscalls.bpf.c bpf/sched.bpf.c
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/bpf/%.bpf.o,$(BPF_SRCS))
SKEL := $(OUTPUT)/include/vigil.skel.h

LIB_SRCS := $(wildcard userspace/lib/*.c userspace/events/*.c userspace/state/*.c \
	      userspace/capture/*.c userspace/rules/*.c)
AGENT_SRCS := $(wildcard userspace/agent/*.c)
LIB_OBJS := $(patsubst %.c,$(OUTPUT)/obj/%.o,$(LIB_SRCS))
AGENT_OBJS := $(patsubst %.c,$(OUTPUT)/obj/%.o,$(AGENT_SRCS))
SAN_LIB_OBJS := $(patsubst %.c,$(OUTPUT)/san/%.o,$(LIB_SRCS))

STATIC_LIBS := -static -lbpf -lelf -lz -ljson-c -lyaml -lpthread
DYN_LIBS := -lbpf -lelf -lz -ljson-c -lyaml -lpthread

UNIT_TESTS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(wildcard tests/unit/test_*.c))
CAPTURE_TESTS := $(patsubst tests/capture/%.c,$(OUTPUT)/tests/%,$(wildcard tests/capture/test_*.c))
FUZZERS := $(patsubst tests/fuzz/%.c,$(OUTPUT)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
E2E_PROGS := $(patsubst tests/e2e/%.c,$(OUTPUT)/e2e/%,$(wildcard tests/e2e/*.c))
TEST_LIB := tests/lib/test_main.c
CAPTURE_LIB := $(filter-out tests/capture/test_%.c,$(wildcard tests/capture/*.c))

DEPS_STAMP := $(OUTPUT)/deps.stamp

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all deps test bench vmlinux clean

all: $(OUTPUT)/vigil

# Install what is missing; say what would be installed when not root.
deps: $(DEPS_STAMP)
$(DEPS_STAMP): Makefile
	$(Q)mkdir -p $(OUTPUT)
	$(Q)missing=$$(for p in $(DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
		| grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "make deps: not root; would run: apt-get install -y" $$missing; exit 1; \
		fi; \
		echo "make deps: installing" $$missing; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing \
			>$(OUTPUT)/deps.log 2>&1 || { cat $(OUTPUT)/deps.log; exit 1; }; \
	fi
	$(Q)touch $@

$(OUTPUT)/bpf/%.bpf.o: bpf/%.bpf.c bpf/events.h bpf/vigil.bpf.h $(VMLINUX_DIR)/vmlinux.h | $(DEPS_STAMP)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/bpf/vigil.bpf.o: $(BPF_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(SKEL): $(OUTPUT)/bpf/vigil.bpf.o
	$(call msg,SKEL,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) gen skeleton $< name vigil_bpf > $@

$(OUTPUT)/obj/%.o: %.c $(SKEL) | $(DEPS_STAMP)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(OUTPUT)/san/%.o: %.c $(SKEL) | $(DEPS_STAMP)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) -O1 -MMD -MP -c $< -o $@

$(OUTPUT)/vigil: $(LIB_OBJS) $(AGENT_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) -o $@ $^ $(STATIC_LIBS)

# Test builds: dynamic, with sanitizers.
$(OUTPUT)/tests/%: tests/unit/%.c $(TEST_LIB) $(SAN_LIB_OBJS)
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) -O1 -Itests/lib -o $@ $(filter %.c,$^) $(SAN_LIB_OBJS) $(DYN_LIBS)

$(OUTPUT)/tests/%: tests/capture/%.c $(CAPTURE_LIB) $(wildcard tests/capture/*.h) $(TEST_LIB) $(SAN_LIB_OBJS)
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) -O1 -Itests/lib -o $@ $(filter %.c,$^) $(SAN_LIB_OBJS) $(DYN_LIBS)

# libFuzzer targets: clang, over the same sources.
$(OUTPUT)/fuzz/%: tests/fuzz/%.c $(LIB_SRCS) $(SKEL) | $(DEPS_STAMP)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(filter-out -Wmissing-prototypes,$(CFLAGS)) -O1 -fsanitize=fuzzer,address,undefined \
		-o $@ $< $(filter userspace/events/% userspace/lib/% userspace/state/% \
		userspace/rules/%,$(LIB_SRCS)) -ljson-c -lyaml

# Programs the end-to-end scripts run under vigil.
$(OUTPUT)/e2e/%: tests/e2e/%.c | $(DEPS_STAMP)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -pthread -o $@ $<

test: $(OUTPUT)/vigil $(UNIT_TESTS) $(CAPTURE_TESTS) $(FUZZERS) $(E2E_PROGS)
	$(Q)OUTPUT=$(OUTPUT) tests/run.sh

bench: $(OUTPUT)/vigil
	$(Q)OUTPUT=$(OUTPUT) tests/bench/bench.sh

vmlinux: | $(DEPS_STAMP)
	$(Q)mkdir -p $(VMLINUX_DIR)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $(VMLINUX_DIR)/vmlinux.h

clean:
	rm -rf $(OUTPUT)/obj $(OUTPUT)/san $(OUTPUT)/bpf $(OUTPUT)/include $(OUTPUT)/tests \
		$(OUTPUT)/fuzz $(OUTPUT)/vigil

-include $(LIB_OBJS:.o=.d) $(AGENT_OBJS:.o=.d) $(SAN_LIB_OBJS:.o=.d)
