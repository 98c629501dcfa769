# incidentd: `make demo` runs the product, `make test` runs the tests.
GO ?= go

.PHONY: build test demo scenario vet test-integration mailservers install-mailservers bench

build:
	$(GO) build -o bin/incidentd ./cmd/incidentd

test: vet
	$(GO) test -count=1 ./...

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...

# demo builds bin/incidentd and runs the demo with it, so that the commands
# its banner prints can be run with that binary.
demo: build
	bin/incidentd demo

scenario:
	$(GO) run ./cmd/incidentd demo -scenario -imap 127.0.0.1:0 -smtp 127.0.0.1:0

# The backlog drain against the bare protocol floor, latency and memory (N=10000 by default).
# PROFILE=file also saves a CPU profile of the daemon's first 10 s of draining;
# DOVECOT=1 uses a private Dovecot (as make test-integration) instead of the
# in-process IMAP server.
N ?= 10000
PROFILE ?=
DOVECOT ?=
BENCH_FLAGS = -n $(N) -binary $(CURDIR)/bin/incidentd $(if $(PROFILE),-profile $(abspath $(PROFILE)))
bench: build
ifeq ($(DOVECOT),)
	$(GO) run ./cmd/incidentd-bench $(BENCH_FLAGS)
else
	@$(MAKE) --no-print-directory mailservers
	INCIDENTD_BENCH_DOVECOT=1 INCIDENTD_REQUIRE_DOVECOT=1 $(GO) test -tags integration -count=1 -timeout 2h \
		-run TestDovecotBench -v ./cmd/incidentd-bench -args $(BENCH_FLAGS)
endif

# test-integration runs the end-to-end and fault tests (build tag
# "integration") against a private Dovecot and Postfix the tests start on
# loopback. When one of their programs is missing they are installed first
# (root only).
test-integration: mailservers
	INCIDENTD_REQUIRE_DOVECOT=1 $(GO) test -tags integration -count=1 -timeout 30m ./...

# The mail servers of the integration tests (Dovecot with IMAP and LMTP,
# Postfix), which mailservers/dovecot starts: the Debian packages, and a
# program of each that the tests run.
MAIL_PACKAGES := dovecot-imapd dovecot-lmtpd postfix
MAIL_PROGRAMS := /usr/sbin/dovecot /usr/lib/dovecot/imap /usr/lib/dovecot/lmtp /usr/sbin/postfix

# mailservers installs the mail servers when one of their programs is missing.
mailservers:
	@for p in $(MAIL_PROGRAMS); do test -x $$p || exec $(MAKE) --no-print-directory install-mailservers; done

# install-mailservers installs the Debian packages without starting the
# system's Dovecot or Postfix (policy-rc.d answers 101 while they install)
# and without configuring the system's Postfix (the tests bring their own
# configuration).
POLICY_RC := /usr/sbin/policy-rc.d
install-mailservers:
	@if [ "$$(id -u)" != 0 ]; then \
		echo "The mail servers of the integration tests are missing and installing them needs root:"; \
		echo "  sudo make install-mailservers   (then: make test-integration)"; exit 1; fi
	@set -e; \
	if [ -e $(POLICY_RC) ]; then mv $(POLICY_RC) $(POLICY_RC).incidentd-saved; fi; \
	trap 'rm -f $(POLICY_RC); if [ -e $(POLICY_RC).incidentd-saved ]; then mv $(POLICY_RC).incidentd-saved $(POLICY_RC); fi' EXIT; \
	printf '#!/bin/sh\nexit 101\n' > $(POLICY_RC); chmod 755 $(POLICY_RC); \
	echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections; \
	echo "installing $(MAIL_PACKAGES)"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get install -y -q --no-install-recommends $(MAIL_PACKAGES) || \
		{ apt-get update -q && apt-get install -y -q --no-install-recommends $(MAIL_PACKAGES); }

# render draws the digest and every notification, in Spanish and English, to
# bin/render/<lang>-<name>.png with headless Chromium, so that people can look
# at them (Debian: apt-get install -y chromium). The HTML and text bodies are
# kept beside the pictures.
.PHONY: render
RENDER_DIR := bin/render
CHROMIUM ?= chromium
render:
	@command -v $(CHROMIUM) >/dev/null || { echo "render needs Chromium: apt-get install -y chromium"; exit 1; }
	rm -rf $(RENDER_DIR)
	$(GO) run ./cmd/render -out $(RENDER_DIR)
	@set -e; profile=$$(mktemp -d); trap 'rm -rf "$$profile"' EXIT; \
	for f in $(RENDER_DIR)/*.html; do \
		case $$f in *digest*) h=2000;; *) h=1200;; esac; \
		$(CHROMIUM) --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
			--disable-background-networking --disable-component-update --disable-sync \
			--user-data-dir="$$profile" --screenshot="$${f%.html}.png" --window-size=800,$$h "$$f" >/dev/null 2>&1; \
		echo "$${f%.html}.png"; \
	done
