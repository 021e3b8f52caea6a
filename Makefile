# The README's two commands: `make demo` (the main job) and `make test` (every test).
# Each installs what it needs, idempotently.
SHELL := /bin/bash
CARGO ?= cargo
SHARED ?= ../shared
NOSTD_TARGET := thumbv7em-none-eabi

.PHONY: demo test bench setup-rust lint test-rust test-nostd test-cli

setup-rust:
	@rustup target list --installed | grep -qx $(NOSTD_TARGET) || rustup target add $(NOSTD_TARGET)

## The main job: build an onion for a route and peel it at every hop, through the CLI.
demo:
	$(CARGO) build --release --bin ln-sendpay
	python3 www/cli-demo.py target/release/ln-sendpay

## Every test.
test: setup-rust lint test-rust test-nostd test-cli

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings

test-rust:
	$(CARGO) test

# The core builds for a bare-metal target: no std, no getrandom, no wasm-bindgen.
test-nostd: setup-rust
	$(CARGO) build --lib --no-default-features --target $(NOSTD_TARGET)

test-cli:
	$(CARGO) run --quiet --bin ln-sendpay -- onion runtest $(SHARED)/vectors/bolt04/onion-test.json > /dev/null
	@echo "cli: onion runtest bolt04/onion-test.json: every byte matches"

## Native figures: median onion build time for 1, 5 and 20 hops, and the EC share.
bench:
	$(CARGO) run --release --example bench
