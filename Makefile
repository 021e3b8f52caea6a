# The README's two commands: `make demo` (the main job) and `make test` (every test).
# Each installs what it needs, idempotently.
SHELL := /bin/bash
CARGO ?= cargo
SHARED ?= ../shared
NOSTD_TARGET := thumbv7em-none-eabi

FUZZ_TARGETS := reply failure_message channel_update tlv route_json onion_peel
FUZZ_SECONDS ?= 10

.PHONY: demo test bench setup-rust setup-fuzz lint test-rust test-nostd test-cli test-fuzz fuzz-long

setup-rust:
	@rustup target list --installed | grep -qx $(NOSTD_TARGET) || rustup target add $(NOSTD_TARGET)

## The main job: build an onion for a route and peel it at every hop, through the CLI.
demo:
	$(CARGO) build --release --bin ln-sendpay
	python3 www/cli-demo.py target/release/ln-sendpay

## Every test.
test: setup-rust lint test-rust test-nostd test-cli test-fuzz

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

setup-fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz

# Coverage-guided fuzzing (libFuzzer through cargo-fuzz; stable Rust, so no sanitizer):
# a short run of every target; a crash fails the run and leaves its input in fuzz/artifacts.
# `make fuzz-long FUZZ_SECONDS=300` for a longer one.
test-fuzz fuzz-long: setup-fuzz
	mkdir -p target && cd fuzz && for t in $(FUZZ_TARGETS); do \
	  cargo fuzz run $$t --sanitizer none -- -max_total_time=$(FUZZ_SECONDS) > ../target/fuzz-$$t.log 2>&1 \
	    || { tail -40 ../target/fuzz-$$t.log; exit 1; }; \
	  echo "fuzz $$t: $$(grep -E '^#[0-9]+ +DONE' ../target/fuzz-$$t.log)"; \
	done

## Native figures: median onion build time for 1, 5 and 20 hops, and the EC share.
bench:
	$(CARGO) run --release --example bench
