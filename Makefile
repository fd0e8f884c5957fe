# The two commands of the README: `make conformance` (the main job) and
# `make test`. Everything else is a convenience.
GO ?= go
BIN := bin/nems-harness
OUT ?= out
# The version every binary reports (nems-harness version, the reports):
# the nearest tag, commits since, and -dirty for uncommitted changes.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS := -X main.buildVersion=$(VERSION)

.PHONY: conformance test serve build install vet fmt tools lint mutation bench fuzz clean

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

clean:
	rm -rf bin $(OUT)
