# myrunc — build, test, demo, benchmark, conformance. Run as root on Debian 12.
#   make            build ./myrunc
#   make demo       busybox container saying hello (installs what it needs)
#   make test       deps, build, vet, unit tests, bats, conformance gate
#   make bench      myrunc vs runc vs crun            (BENCH_N=, BENCH_ROUNDS=)
#   make conformance  OCI runtime-tools validation suite, PASS/FAIL per test (OCI_FILTER=)
# MYRUNC=PATH runs another binary instead of ./myrunc (and skips the build).

SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)

GO        ?= go
VERSION   := $(shell cat VERSION 2>/dev/null || echo unknown)
COMMIT    := $(shell git rev-parse --verify -q HEAD 2>/dev/null || echo unknown)
BUILDTAGS ?= osusergo netgo urfave_cli_no_docs
LDFLAGS   := -X main.version=$(VERSION) -X main.gitCommit=$(COMMIT) -linkmode external -extldflags -static
GOFLAGS_BUILD := -trimpath -buildvcs=false -tags "$(BUILDTAGS)"
GOFLAGS_BUILD_SLIM := -trimpath -buildvcs=false -tags "$(BUILDTAGS) slim_init"
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

# The slim init (cmd/myrunc-init, pure Go) is built first and embedded.
SLIM_INIT := libcontainer/slimbin/myrunc-init
build:
	CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -ldflags "-s -w" -o $(SLIM_INIT) ./cmd/myrunc-init
	sha256sum $(SLIM_INIT) | cut -c1-16 >$(SLIM_INIT).sum
	$(GO) build $(GOFLAGS_BUILD_SLIM) -ldflags "$(LDFLAGS)" -o myrunc .

deps:
	scripts/install-deps.sh

# what `make demo` needs on a fresh machine (no peers for the benchmark)
deps-build:
	scripts/install-deps.sh build test

demo: deps-build $(BIN_DEP)
	@d=$$(mktemp -d /tmp/myrunc-demo.XXXXXX); id=demo-$$$$; \
	trap '$(MYRUNC_ABS) delete --force '"$$id"' >/dev/null 2>&1; rm -rf "'"$$d"'"' EXIT; \
	SPEC_BIN=$(MYRUNC_ABS) CGROUPS_PATH=/myrunc-demo QUIET=1 scripts/mkbundle.sh "$$d/bundle" echo hello from myrunc && \
	echo "+ $(MYRUNC_ABS) run --bundle $$d/bundle $$id" && \
	$(MYRUNC_ABS) run --bundle "$$d/bundle" "$$id"

test: deps build vet layering unit integration badconfig test-cgroup2 conformance-check e2e

vet:
	$(GO) vet -tags "$(BUILDTAGS)" ./...

# design.md: the runtime and its init never import the engine side.
.PHONY: layering
layering:
	@bad=$$($(GO) list -tags "$(BUILDTAGS)" -deps ./libcontainer/... ./cmd/myrunc-init | grep -E '^myrunc/(engine|image|network)(/|$$)' || true); \
	if [ -n "$$bad" ]; then echo "layering: the runtime imports the engine side: $$bad" >&2; exit 1; fi; \
	echo "layering: libcontainer and the init import nothing of engine/, image/, network/"

unit:
	$(GO) test -tags "$(BUILDTAGS)" ./...

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

bench: $(BIN_DEP)
	MYRUNC=$(MYRUNC_ABS) tests/bench/bench.sh
	@echo; echo "CVE-2019-5736 protection, per container: the init binary sealed vs opened plainly"
	@$(GO) test -tags "$(BUILDTAGS)" -run '^$$' -bench 'InitExe' -benchtime 2000x ./libcontainer/ | grep '^Benchmark'

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
	@for f in .ci/run scripts/*.sh tests/bench/*.sh tests/conformance/*.sh; do bash -n "$$f" || exit 1; done
	@if command -v shellcheck >/dev/null; then shellcheck .ci/run scripts/*.sh tests/bench/*.sh tests/conformance/*.sh; \
	else echo "lint-scripts: shellcheck not installed (apt-get install shellcheck); bash -n only"; fi

clean:
	rm -f myrunc
