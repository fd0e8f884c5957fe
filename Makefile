# The two commands of the README: `make conformance` (the main job) and
# `make test`. Everything else is a convenience.
GO ?= go
BIN := bin/nems-harness
OUT ?= out
# The version every binary reports (nems-harness version, the reports):
# the nearest tag, commits since, and -dirty for uncommitted changes.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS := -X main.buildVersion=$(VERSION)

.PHONY: conformance test serve build install vet fmt tools lint mutation bench wrk-compare fuzz clean release release-check image

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/nems-harness

# Installs nems-harness into $(go env GOBIN), else $(go env GOPATH)/bin.
install:
	$(GO) install -ldflags '$(LDFLAGS)' ./cmd/nems-harness

conformance: build
	$(BIN) conformance --out $(OUT)

test:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

# staticcheck (go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION))
# and a go.mod that `go mod tidy` would leave as it is.
STATICCHECK ?= $(shell command -v staticcheck 2>/dev/null || echo "$$($(GO) env GOPATH)/bin/staticcheck")
STATICCHECK_VERSION ?= v0.8.2
tools:
	@test -x "$(STATICCHECK)" || $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

lint:
	$(GO) mod tidy -diff
	$(STATICCHECK) ./...

# The mutation test: the whole suite against a mock with each rule switched
# off in turn, every rule (without the race detector, under which `make test`
# samples a few).
mutation:
	$(GO) test -count=1 -run 'TestSuiteCatchesAMockThatStopsEnforcingARule' ./conformance/

serve: build
	$(BIN) serve

# Benchmarks of every package (rule engine, handler, readers, parsers);
# BENCH selects some (make bench BENCH=Handler), BENCHTIME lengthens them.
BENCH ?= .
BENCHTIME ?= 1s
bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchtime $(BENCHTIME) -benchmem ./...

# The mock's throughput against a bare net/http handler, each in its own
# process, loaded by wrk in alternating rounds (ROUNDS, DURATION, CONTENT,
# BODY: see tools/wrk-compare.sh).
wrk-compare:
	tools/wrk-compare.sh

# Runs every fuzz target of the module in turn, FUZZTIME each. New
# interesting inputs are minimized for at most FUZZMINIMIZETIME, so slow
# targets (the whole handler) keep fuzzing. A crasher is written to the
# package's testdata/fuzz/<Target>/ and stops the run.
FUZZTIME ?= 30s
FUZZMINIMIZETIME ?= 2s
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  targets=$$($(GO) test -list '^Fuzz' $$pkg) || exit 1; \
	  for t in $$(printf '%s\n' "$$targets" | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$t ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) $$pkg; \
	  done; \
	done

# Release archives for every platform, into dist/: make release VERSION=v1.2.3.
# The archive time is the last commit's, so one commit gives the same bytes
# on every machine (SOURCE_DATE_EPOCH overrides it).
DIST ?= dist
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
release:
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) $(GO) run ./tools/release --version $(VERSION) --out $(DIST)

# Builds the release twice and fails unless both give the same bytes; as
# VERSION when it is given on the command line, else as v0.0.0-check. Both
# builds take the archive time read once, so a commit made meanwhile does not
# count as a difference.
RELEASE_CHECK_VERSION = $(if $(filter command line environment,$(origin VERSION)),$(VERSION),v0.0.0-check)
release-check:
	@v="$(RELEASE_CHECK_VERSION)"; set -e; \
	$(MAKE) --no-print-directory release VERSION=$$v DIST=$(DIST) SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH); \
	$(MAKE) --no-print-directory release VERSION=$$v DIST=$(DIST)-again SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH); \
	if cmp -s $(DIST)/SHA256SUMS $(DIST)-again/SHA256SUMS; then echo "release-check: both builds gave the same bytes"; \
	else echo "release-check: the two builds differ:"; diff $(DIST)/SHA256SUMS $(DIST)-again/SHA256SUMS; exit 1; fi; \
	rm -rf $(DIST)-again

# The container image (Containerfile), tagged nems-harness:$(VERSION), with
# podman or else docker (CONTAINER=docker to choose).
CONTAINER ?= $(shell command -v podman >/dev/null 2>&1 && echo podman || echo docker)
IMAGE ?= nems-harness:$(VERSION)
image:
	$(GO) run ./tools/release --version $(VERSION) --image-context $(DIST)/image
	$(CONTAINER) build $(if $(filter podman,$(notdir $(CONTAINER))),--format docker) -f Containerfile -t $(IMAGE) --build-arg VERSION=$(VERSION) $(DIST)/image

clean:
	rm -rf bin $(OUT) $(DIST)
