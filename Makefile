# incidentd: `make demo` runs the product, `make test` runs the tests.
GO ?= go

.PHONY: build test demo scenario vet bench

build:
	$(GO) build -o bin/incidentd ./cmd/incidentd

test: vet
	$(GO) test -count=1 ./...

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...

demo:
	$(GO) run ./cmd/incidentd demo

scenario:
	$(GO) run ./cmd/incidentd demo -scenario -imap 127.0.0.1:0 -smtp 127.0.0.1:0

# The backlog drain against the bare protocol floor, latency and memory (N=10000 by default).
N ?= 10000
bench: build
	$(GO) run ./cmd/incidentd-bench -n $(N) -binary bin/incidentd
