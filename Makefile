# myrunc — build, test, demo, benchmark, conformance. Run as root on Debian 12.
#   make            build ./myrunc
#   make demo       busybox container saying hello (installs what it needs)
#   make test       deps, build, vet, unit tests, bats, conformance gate
#   make bench      myrunc vs runc vs crun            (BENCH_N=, BENCH_ROUNDS=, BENCH_ALIVE=, ...)
#   make bench-network  network attach+detach vs the CNI plugins, 100 in a row
#   make bench-engine   container run -d -p / rm -f vs podman
#   make bench-build    image build (no cache, all cached) vs podman build
#   make bench-images   pull+unpack of a Debian image vs podman, skopeo+umoci, the gunzip floor
#   make conformance  OCI runtime-tools validation suite, PASS/FAIL per test (OCI_FILTER=)
#   make soak       SOAK_N lifecycles in a row: leak counts sampled, their slopes (not in make test)
# MYRUNC=PATH runs another binary instead of ./myrunc (and skips the build).

SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)

GO        ?= go
VERSION   := $(shell cat VERSION 2>/dev/null || echo unknown)
COMMIT    := $(shell git rev-parse --verify -q HEAD 2>/dev/null || echo unknown)
BUILDTAGS ?= osusergo netgo urfave_cli_no_docs
LDFLAGS   := -X main.version=$(VERSION) -X main.gitCommit=$(COMMIT) -linkmode external -extldflags -static
GOFLAGS_BUILD := -trimpath -buildvcs=false -tags "$(BUILDTAGS)"
GOFLAGS_BUILD_ENGINE := -trimpath -buildvcs=false -tags "$(BUILDTAGS) slim_init engine"
GOFLAGS_BUILD_SLIM := -trimpath -buildvcs=false -tags "$(BUILDTAGS) slim_init embed_engine"
export CGO_ENABLED := 1

MYRUNC ?= ./myrunc
# Targets that run the binary build it first only when MYRUNC is this repo's.
# MYRUNC_ABS: absolute path for scripts that change directory (a bare name is
# looked up in PATH).
ifeq ($(abspath $(MYRUNC)),$(CURDIR)/myrunc)
BIN_DEP := build
MYRUNC_ABS := $(CURDIR)/myrunc
else
BIN_DEP :=
MYRUNC_ABS := $(shell p=$$(command -v '$(MYRUNC)') && readlink -f "$$p" || echo '$(MYRUNC)')
endif

.DEFAULT_GOAL := build
.NOTPARALLEL:
.PHONY: build deps deps-build demo test vet unit integration bench conformance \
	conformance-check lint-scripts clean

# Programs in one file: the slim init (cmd/myrunc-init, pure Go) and its
# cgo build (the nsenter constructor: exec and joined namespaces) are built
# first and embedded in the engine program (the root package with the
# engine tag: every command), and all in the runtime (the root package
# without it), which execs the engine for the engine's commands.
# myrunc_init: the init's cgo build leaves out what only the runtime uses
# (libseccomp's compiler and its cache's crypto): a smaller, faster start.
SLIM_INIT := libcontainer/slimbin/myrunc-init
NSENTER_INIT := libcontainer/slimbin/myrunc-nsinit
ENGINE_BIN := internal/enginebin/myrunc-engine
build:
	CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -ldflags "-s -w" -o $(SLIM_INIT) ./cmd/myrunc-init
	sha256sum $(SLIM_INIT) | cut -c1-16 >$(SLIM_INIT).sum
	$(GO) build -trimpath -buildvcs=false -tags "$(BUILDTAGS) myrunc_init" -ldflags "-s -w -linkmode external -extldflags -static" -o $(NSENTER_INIT) ./cmd/myrunc-init
	sha256sum $(NSENTER_INIT) | cut -c1-16 >$(NSENTER_INIT).sum
	$(GO) build $(GOFLAGS_BUILD_ENGINE) -ldflags "-s -w $(LDFLAGS)" -o $(ENGINE_BIN) .
	sha256sum $(ENGINE_BIN) | cut -c1-16 >$(ENGINE_BIN).sum
	$(GO) build $(GOFLAGS_BUILD_SLIM) -ldflags "$(LDFLAGS)" -o myrunc .

deps:
	scripts/install-deps.sh

# what `make demo` needs on a fresh machine (no peers for the benchmark)
deps-build:
	scripts/install-deps.sh build test

# The busybox image is written by tests/tools/mkimage.sh from busybox-static
# (no network, no engine), loaded into a throw-away data root and run from
# the store.
demo: deps-build $(BIN_DEP)
	@d=$$(mktemp -d /tmp/myrunc-demo.XXXXXX); \
	trap 'umount -R "'"$$d"'/data" 2>/dev/null; rm -rf "'"$$d"'"' EXIT; \
	tests/tools/mkimage.sh "$$d/busybox.tar" --format docker-archive --tag busybox:latest >/dev/null && \
	echo "+ myrunc --data-root $$d/data image load -i busybox.tar" && \
	$(MYRUNC_ABS) --data-root "$$d/data" image load -i "$$d/busybox.tar" && \
	echo "+ myrunc --data-root $$d/data container run --rm --network none busybox echo hello from myrunc" && \
	$(MYRUNC_ABS) --data-root "$$d/data" container run --rm --network none busybox echo hello from myrunc && \
	m() { echo "+ myrunc container $$*"; $(MYRUNC_ABS) --root "$$d/run" --data-root "$$d/data" container "$$@"; } && \
	m run -d --name demo --network none --init busybox sh -c 'while :; do date; sleep 1; done' >/dev/null && \
	m ls && sleep 1.5 && m logs --tail 1 demo && m exec demo uname -a && m stop demo && m ls -a && m rm demo

test: deps build vet layering initcost unit fuzz-short integration badconfig test-cgroup2 conformance-check e2e

vet:
	$(GO) vet -tags "$(BUILDTAGS)" ./...
	$(GO) vet -tags "$(BUILDTAGS) engine" .

# design.md: the runtime and its init never import the engine side, and
# the runtime program (the root package without the engine tag) links
# none of the engine's packages, so it never runs their package init.
# vishvananda/netlink is the runtime's too (linux.netDevices); its init
# costs ~0.02 ms and 5 KB (GODEBUG=inittrace=1).
ENGINE_PKGS := ^(myrunc/(engine|image|network|cli|check)(/|$$)|github.com/(google/go-containerregistry|google/nftables|mdlayher|klauspost|opencontainers/go-digest|opencontainers/image-spec|moby/profiles|miekg/dns)/)
.PHONY: layering
layering:
	@bad=$$($(GO) list -tags "$(BUILDTAGS)" -deps ./libcontainer/... ./cmd/myrunc-init | grep -E '^myrunc/(engine|image|network)(/|$$)' || true); \
	if [ -n "$$bad" ]; then echo "layering: the runtime imports the engine side: $$bad" >&2; exit 1; fi; \
	echo "layering: libcontainer and the init import nothing of engine/, image/, network/"
	@bad=$$($(GO) list -tags "$(BUILDTAGS) slim_init embed_engine" -deps . | grep -E '$(ENGINE_PKGS)' || true); \
	if [ -n "$$bad" ]; then echo "layering: the runtime program links engine packages (register engine commands in engine.go): $$bad" >&2; exit 1; fi; \
	echo "layering: the runtime program links none of the engine's packages"

# What package init costs every runtime command (GODEBUG=inittrace=1 of
# `myrunc --version`): the least total of INITCOST_N runs and the five
# dearest packages of that run; fails if an engine package initialises.
INITCOST_N ?= 20
.PHONY: initcost
initcost: $(BIN_DEP)
	@best=; for i in $$(seq $(INITCOST_N)); do \
		GODEBUG=inittrace=1 $(MYRUNC_ABS) --version 2>$${TMPDIR:-/tmp}/initcost.$$$$ >/dev/null; \
		t=$$(awk '$$1 == "init" {s += $$5} END {printf "%.3f", s}' $${TMPDIR:-/tmp}/initcost.$$$$); \
		if [ -z "$$best" ] || awk "BEGIN {exit !($$t < $$best)}"; then best=$$t; cp $${TMPDIR:-/tmp}/initcost.$$$$ $${TMPDIR:-/tmp}/initcost.best.$$$$; fi; \
	done; \
	echo "initcost: package init of \`myrunc --version\`: $$best ms (least of $(INITCOST_N) runs; load $$(cut -d' ' -f1-3 /proc/loadavg)); dearest:"; \
	sort -k5 -g $${TMPDIR:-/tmp}/initcost.best.$$$$ | tail -5 | awk '{printf "  %-50s %s ms\n", $$2, $$5}'; \
	bad=$$(awk '$$1 == "init" {print $$2}' $${TMPDIR:-/tmp}/initcost.best.$$$$ | grep -E '$(ENGINE_PKGS)'); \
	rm -f $${TMPDIR:-/tmp}/initcost.$$$$ $${TMPDIR:-/tmp}/initcost.best.$$$$; \
	if [ -n "$$bad" ]; then echo "initcost: engine packages initialise in the runtime: $$bad" >&2; exit 1; fi

unit:
	$(GO) test -tags "$(BUILDTAGS)" ./...
	$(GO) test -tags "$(BUILDTAGS) engine" .

# The go test -fuzz targets (image unpacker, manifest and config decoders;
# spec loader and validator, exec --process and update --resources input,
# the handshake as a hostile init speaks it, state.json, the seccomp
# compiler and verifier), each for FUZZTIME; a failing input lands in the
# package's testdata/fuzz, where go test then runs it every time.
# make test runs each for a number of inputs (fuzz-short): a duration
# races Go's fuzz coordinator on a loaded machine ("context deadline
# exceeded" with no crasher, go.dev/issue/75804); a count does not. A
# target's third field is its short count when the default is too many
# (the unpacker writes files for every input).
FUZZTIME ?= 2m
FUZZ_SHORT ?= 500x
FUZZ_TARGETS := FuzzApply:./image/unpack:200x FuzzDecodeManifest:./image FuzzDecodeConfig:./image \
	FuzzDecodeValidate:./spec FuzzDecodeProcessResources:./spec FuzzParentNext:./libcontainer/handshake \
	FuzzLoadState:./libcontainer FuzzCompile:./libcontainer/seccomp FuzzVerify:./libcontainer/seccomp \
	FuzzParseDockerfile:./builder FuzzDecode:./network/ipam
.PHONY: fuzz fuzz-short
fuzz-short:
	$(MAKE) fuzz FUZZ_COUNTS=1

fuzz:
	@for t in $(FUZZ_TARGETS); do \
		name=$${t%%:*}; rest=$${t#*:}; pkg=$${rest%%:*}; short=$${rest#$$pkg}; short=$${short#:}; \
		time=$(FUZZTIME); \
		if [ -n "$(FUZZ_COUNTS)" ]; then time=$${short:-$(FUZZ_SHORT)}; fi; \
		$(GO) test -tags "$(BUILDTAGS)" -run '^$$' -fuzz "^$$name$$" -fuzztime $$time "$$pkg" || exit 1; \
	done

integration: $(BIN_DEP)
	@ls tests/integration/*.bats >/dev/null 2>&1 || { echo "integration: no tests/integration/*.bats" >&2; exit 1; }
	MYRUNC=$(MYRUNC_ABS) bats --timing tests/integration

# Broken inputs (internal/badconfig) through create, exec --process and
# update --resources: each must exit 1 naming the field, never panic or
# hang, and leave nothing. A fixed seed here; badconfig-long draws a new
# one and runs every case and BADCONFIG_N random ones per kind.
.PHONY: badconfig badconfig-long
badconfig: $(BIN_DEP)
	$(GO) run -tags "$(BUILDTAGS)" ./tests/badconfig -myrunc $(MYRUNC_ABS) -seed 1 -random 100 -types-every 4

badconfig-long: $(BIN_DEP)
	$(GO) run -tags "$(BUILDTAGS)" ./tests/badconfig -myrunc $(MYRUNC_ABS) -seed 0 -random $(or $(BADCONFIG_N),1000)

# SOAK_N lifecycles in a row (run, exec, pause, resume, update, delete),
# sampling mounts, cgroups, fds, threads, netns and the runtime's RSS every
# SOAK_EVERY; prints each one's slope per 1000. Not in make test (minutes).
.PHONY: soak
soak: $(BIN_DEP)
	tests/reliability/soak.sh $(MYRUNC_ABS) $(or $(SOAK_N),2000) $(or $(SOAK_EVERY),100)

bench: $(BIN_DEP)
	MYRUNC=$(MYRUNC_ABS) tests/bench/bench.sh
	@echo; echo "CVE-2019-5736 protection, per container: the init binary sealed vs opened plainly"
	@$(GO) test -tags "$(BUILDTAGS)" -run '^$$' -bench 'InitExe' -benchtime 2000x ./libcontainer/ | grep '^Benchmark'

# Pull + unpack of a 3-layer Debian image from a local registry: myrunc vs
# podman vs skopeo+umoci vs the floor (go-containerregistry + gunzip),
# with ratios. The image is made once with mmdebstrap and cached. ROUNDS=N.
.PHONY: bench-images
bench-images: $(BIN_DEP)
	tests/bench/images.sh $(MYRUNC_ABS)

# Network attach+detach per container next to the CNI bridge+portmap plugins
# and the same work as ip/iptables commands, in one run inside a netlab lab;
# then 100 containers attached in a row (BENCH_NET_N=, BENCH_NET_ROW=).
.PHONY: bench-network
bench-network: $(BIN_DEP)
	scripts/install-deps.sh bench
	MYRUNC=$(MYRUNC_ABS) tests/bench/network.sh

# The engine next to Podman in one run inside a netlab lab: container run -d
# -p 80 until running, rm -f, and both with --network none (BENCH_ENGINE_N=).
.PHONY: bench-engine
bench-engine: $(BIN_DEP)
	scripts/install-deps.sh bench
	MYRUNC=$(MYRUNC_ABS) tests/bench/engine.sh

# image build next to podman build: a 4-step Dockerfile with --no-cache and
# again all cached (BENCH_BUILD_N=).
.PHONY: bench-build
bench-build: $(BIN_DEP)
	scripts/install-deps.sh bench
	MYRUNC=$(MYRUNC_ABS) tests/bench/build.sh

# OCI_FILTER=REGEX picks tests by name. Exit 1 (some tests failed) is the
# normal case; only a suite that did not run fails the target.
conformance: $(BIN_DEP)
	@tests/conformance/oci-validation.sh $(MYRUNC_ABS) '$(OCI_FILTER)'; rc=$$?; [ $$rc -le 1 ]

conformance-check: $(BIN_DEP)
	tests/conformance/check.sh $(MYRUNC_ABS)

# cgroup v2 tests in a throw-away QEMU VM with a pure cgroup v2 hierarchy (this
# host may be v1): PASS/FAIL per test, fails if any fails. MYRUNC must be
# static (the guest has no libc), as `make build` makes it. Installs
# qemu-system-x86 and fetches a kernel package the first time.
.PHONY: test-cgroup2
test-cgroup2: deps-build $(BIN_DEP)
	tests/cgroup2/run.sh $(MYRUNC_ABS)

# Real engines driving MYRUNC: containerd (ctr), Docker, Podman and the CRI
# plugin of containerd (crictl, built once from its Go module and cached in
# /tmp/clients/bin), each with private daemons and state, cleaned up after.
# Prints one score per suite; fails if any suite fails. Installs the engines
# the first time (install-deps.sh engines). E2E_SUITES="docker cri" picks.
.PHONY: e2e
e2e: deps-build $(BIN_DEP)
	scripts/install-deps.sh engines
	tests/e2e/run-all.sh $(MYRUNC_ABS)

lint-scripts:
	@for f in .ci/run scripts/*.sh tests/bench/*.sh tests/conformance/*.sh tests/tools/*.sh; do bash -n "$$f" || exit 1; done
	@if command -v shellcheck >/dev/null; then shellcheck .ci/run scripts/*.sh tests/bench/*.sh tests/conformance/*.sh; \
	else echo "lint-scripts: shellcheck not installed (apt-get install shellcheck); bash -n only"; fi

clean:
	rm -f myrunc
