# The two commands of the README: `make conformance` (the main job) and
# `make test`. Everything else is a convenience.
GO ?= go
BIN := bin/nems-harness
OUT ?= out

.PHONY: conformance test serve build vet fmt bench fuzz clean

build:
	$(GO) build -o $(BIN) ./cmd/nems-harness

conformance: build
	$(BIN) conformance --out $(OUT)

test:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

serve: build
	$(BIN) serve

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin $(OUT)
