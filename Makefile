# The README's two commands: `make demo` (the main job) and `make test` (every test).
# Each installs what it needs, idempotently.
SHELL := /bin/bash
CARGO ?= cargo
SHARED ?= ../shared
NOSTD_TARGET := thumbv7em-none-eabi

WASM_TARGET := wasm32-unknown-unknown
# The wasm-bindgen CLI must match the crate exactly: read the version from Cargo.lock.
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/version = "\(.*\)"/\1/p;}' Cargo.lock)
# k256's field backend: 10x26 limbs (cpubits 32) measured faster in V8 than 5x52; and wasm's
# 128-bit SIMD (every runtime the package supports has it): smaller and faster (docs/wasm.md).
WASM_RUSTFLAGS ?= --cfg cpubits="32" -C target-feature=+simd128
WASM_OUT := target/$(WASM_TARGET)/wasm/ln_sendpay.wasm

FUZZ_TARGETS := reply failure_message channel_update tlv route_json onion_peel payer bolt11 paystring rpc_answer bolt12
FUZZ_SECONDS ?= 10

.PHONY: demo demo-cli serve test bench pkg setup-wasm setup-node setup-chromium test-js test-wasm-browser setup-rust setup-fuzz lint test-rust test-nostd test-cli test-fuzz fuzz-long

setup-rust:
	@rustup target list --installed | grep -qx $(NOSTD_TARGET) || rustup target add $(NOSTD_TARGET)

setup-wasm:
	@rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)
	@wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $(WASM_BINDGEN_VERSION)" \
	  || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)

# JS tooling (typescript, playwright-core, miniflare), exactly as locked.
setup-node: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# Debian's Chromium and ChromeDriver for the browser tests (never a downloaded browser).
setup-chromium:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null \
	  || { apt-get update && apt-get install -y chromium chromium-driver; }

## The npm package: three wasm modules and their glue, generated into pkg/, each a superset
## of the one before: pkg/onion/ (`ln-sendpay/onion`: onions and failure decoding), pkg/ (the
## main entry: a paying wallet) and pkg/full/ (`ln-sendpay/hop` and `npx ln-sendpay`: plus
## the hop side and runCli). An app loads exactly one of them.
## Each module also keeps a copy with its function names, under target/wasm-named/ (for
## `make bench`'s sizes by area, examples/bench/areas.mjs).
WASM_MODULES := wasm-onion:pkg/onion:ln_sendpay_onion wasm:pkg:ln_sendpay wasm-cli:pkg/full:ln_sendpay_full
pkg: setup-wasm
	@set -e; for m in $(WASM_MODULES); do IFS=: read feature dir name <<< "$$m"; \
	  echo "cargo build --features $$feature → $$dir/$${name}_bg.wasm"; \
	  RUSTFLAGS='$(WASM_RUSTFLAGS)' $(CARGO) build --quiet --lib --target $(WASM_TARGET) --no-default-features --features $$feature --profile wasm; \
	  wasm-bindgen --target web --remove-name-section --remove-producers-section --out-dir $$dir --out-name $$name $(WASM_OUT); \
	  wasm-bindgen --target web --out-dir target/wasm-named/$$dir --out-name $$name $(WASM_OUT); \
	  rm -f $$dir/$$name.d.ts $$dir/$${name}_bg.wasm.d.ts; \
	done
	cp README.md LICENSE-MIT LICENSE-APACHE pkg/
	# The README's links resolve inside the package too: the docs and the templates ship with it.
	rm -rf pkg/docs pkg/examples && mkdir -p pkg/docs pkg/examples
	cp docs/*.md pkg/docs/ && cp -r examples/README.md examples/node-pay examples/vite-wallet examples/worker pkg/examples/
	@for w in pkg/onion/ln_sendpay_onion_bg.wasm pkg/ln_sendpay_bg.wasm pkg/full/ln_sendpay_full_bg.wasm; do \
	  echo "$$w: $$(stat -c %s $$w) bytes, $$(gzip -9 -c $$w | wc -c) gzip"; done

## The main job: a payment against the dev node (a simulated network behind CLNRest), in
## Node: the first route fails at bob, the failure is decoded and printed, a retry succeeds.
demo: pkg
	node www/demo.mjs

## The dev node and the demo page (www/) at http://127.0.0.1:9736/.
serve: pkg
	node www/devnode/server.mjs --port $(or $(PORT),9736)

## The CLI's own demo: an onion built for a route and peeled at every hop.
demo-cli:
	$(CARGO) build --release --bin ln-sendpay
	python3 www/cli-demo.py target/release/ln-sendpay

## Every test.
TEST_STAGES := lint test-rust test-nostd test-cli test-js test-wasm-browser test-fuzz
test: setup-rust $(TEST_STAGES)
	@echo "make test: $(words $(TEST_STAGES)) passed, 0 failed"

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-rust:
	$(CARGO) test --workspace

# The core builds for a bare-metal target: no std, no getrandom, no wasm-bindgen; with the
# wallet's part (invoices, rpc, the payer) and without it (what the onion module holds).
test-nostd: setup-rust
	$(CARGO) rustc --lib --crate-type rlib --no-default-features --features wallet --target $(NOSTD_TARGET)
	$(CARGO) rustc --lib --crate-type rlib --no-default-features --target $(NOSTD_TARGET)

test-cli:
	$(CARGO) run --quiet --bin ln-sendpay -- onion runtest $(SHARED)/vectors/bolt04/onion-test.json > /dev/null
	@echo "cli: onion runtest bolt04/onion-test.json: every byte matches"
	$(CARGO) run --quiet --example onion

setup-fuzz:
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz

# Coverage-guided fuzzing (libFuzzer through cargo-fuzz; stable Rust, so no sanitizer):
# a short run of every target; a crash fails the run and leaves its input in fuzz/artifacts.
# `make fuzz-long FUZZ_SECONDS=300` for a longer one.
test-fuzz fuzz-long: setup-fuzz
	# The bolt11 target starts from the spec's invoices, read in place from $(SHARED).
	mkdir -p target && node fuzz/seed-bolt11.mjs $(SHARED)
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  mkdir -p corpus/$$t; seeds=$$( [ -d seeds/$$t ] && echo seeds/$$t ); \
	  cargo fuzz run $$t -O --sanitizer none corpus/$$t $$seeds -- -max_total_time=$(FUZZ_SECONDS) > ../target/fuzz-$$t.log 2>&1 \
	    || { tail -40 ../target/fuzz-$$t.log; exit 1; }; \
	  echo "fuzz $$t: $$(grep -E '^#[0-9]+[[:space:]]+DONE' ../target/fuzz-$$t.log)"; \
	done

# The one JS suite in Node (packed tarball, fresh project; plus the wasm CLI against the
# Rust one); every code sample in the README and docs/ (cut from a tested file, or run); a
# Chromium page and workerd; `make demo`'s script; the demo page in Chromium
# against the dev node (screenshots in target/test-output/); the .d.ts against a typed usage
# file and against the values the code returns; the tarball in fresh projects with every
# bundler and runtime a user meets (Vite, webpack, esbuild, wrangler, Node, TypeScript); and
# the templates in examples/, copied as a user copies them, against the dev node.
test-js: pkg setup-node setup-chromium
	$(CARGO) build --bin ln-sendpay
	node tests/js/node-pack.mjs
	node tests/js/areas.mjs
	node tests/js/docs.mjs
	node tests/js/browser.mjs
	node tests/js/workerd.mjs
	node tests/js/demo-check.mjs
	node tests/js/www.mjs
	npx --no-install tsc -p tests/js/tsconfig.json
	@echo "tsc: pkg/index.d.ts checks against tests/js/usage.ts"
	node tests/js/types-runtime.mjs
	node tests/js/bundlers.mjs
	node tests/js/examples.mjs

# The bindings (all of them: the full module's feature) in headless Chromium through
# wasm-bindgen-test (webdriver.json has the flags).
test-wasm-browser: setup-wasm setup-chromium
	CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	  RUSTFLAGS='$(WASM_RUSTFLAGS)' $(CARGO) test --target $(WASM_TARGET) --no-default-features --features wasm-cli --profile wasm --test wasm

## Figures: native (onion build for 1, 5 and 20 hops, EC share, failure decode), then the
## .wasm size and the same onion build natively, in Node and in headless Chromium.
bench: pkg setup-node setup-chromium
	$(CARGO) run --release --example bench
	node examples/bench.mjs
