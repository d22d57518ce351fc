# Kassa — on a fresh Debian/Ubuntu machine:
#   make run      opens the till in training mode
#   make test     runs every test (unit, contract, IPC, end-to-end under Xvfb)
#   make package  builds the release .deb a shop installs
#   make bench    runs the performance suite on a release build and writes BENCHMARKS.md's table

SHELL := /bin/bash
CARGO ?= cargo
TAURI_DRIVER_VERSION := 2.1.0
# Tauri's bundler, as its CLI's prebuilt npm package; keep in step with the tauri crate in Cargo.lock.
TAURI_CLI_VERSION := 2.12.5
TOOLS_DIR := .tools
TAURI_CLI := $(TOOLS_DIR)/node_modules/.bin/tauri
# The package's release build keeps a target folder of its own, so its long LTO build never
# holds the lock of (or overwrites) the debug and bench builds in target/.
PACKAGE_TARGET_DIR := target/installer
DEB_DIR := $(PACKAGE_TARGET_DIR)/release/bundle/deb
APT_PACKAGES := libwebkit2gtk-4.1-dev libxdo-dev libssl-dev librsvg2-dev pkg-config \
                webkit2gtk-driver xvfb xauth
# The tests use a real OS keyring: GNOME Keyring's Secret Service on a private D-Bus session.
TEST_APT_PACKAGES := gnome-keyring dbus-bin sqlite3
# The idle-memory benchmark signs into the till's window with keys typed by xdotool.
BENCH_APT_PACKAGES := xdotool
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin

.PHONY: run test package deps system-packages test-packages bench-packages apt tauri-driver node npm tauri-cli lint

run: system-packages
	$(CARGO) build --bin kassa
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "No display: run it as 'xvfb-run make run', or from a desktop session."; fi
	./target/debug/kassa

# The tests run on a display of their own (Xvfb) and a D-Bus session of their own with an
# unlocked keyring in a temporary folder (a throwaway password: it lives and dies with the run).
# tests/package.rs unpacks the .deb that `package` builds.
test: deps lint package
	node --test ui/tests/
	dbus-run-session -- sh -c 'export XDG_DATA_HOME=$$(mktemp -d) && \
	  printf kassa-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
	  xvfb-run -a --server-args="-screen 0 1280x800x24" $(CARGO) test --workspace --all-targets -- --show-output'
	@echo "All tests passed."

# Tauri's bundler builds the release binary and the .deb (the binary, a desktop entry, the
# icons, Depends on the system libraries): tauri.conf.json's "bundle" section.
package: system-packages tauri-cli
	rm -f $(DEB_DIR)/*.deb
	CARGO_TARGET_DIR=$(PACKAGE_TARGET_DIR) $(TAURI_CLI) build --ci --bundles deb
	@ls -l $(DEB_DIR)/*.deb

# The performance suite (BENCHMARKS.md, docs/design.md §10): a release build in a target folder
# of its own (its long LTO build never holds the lock of target/), then every benchmark program
# in turn on one Xvfb display and a private D-Bus session with an unlocked keyring, run by
# bench-run (crates/kassa-bench), which writes their BENCH lines as a table into BENCHMARKS.md.
# A program that fails or is missing gets a "did not run" row, and make fails at the end.
BENCH_TARGET_DIR := target/bench
BENCH_CARGO := CARGO_TARGET_DIR=$(BENCH_TARGET_DIR) $(CARGO)
BENCH_PROGRAMS := "$(BENCH_TARGET_DIR)/release/cold-start" \
  "$(BENCH_TARGET_DIR)/release/idle-memory" \
  "$(BENCH_TARGET_DIR)/release/journal-verify" \
  "$(BENCH_TARGET_DIR)/release/z-report" \
  "KASSA_LOG=warn $(BENCH_CARGO) bench --bench checkout" \
  "$(BENCH_CARGO) bench --bench scan_window" \
  "$(BENCH_CARGO) run --release -p kassa-providers --example outbox_bench" \
  "$(BENCH_CARGO) bench --bench many_tills"
.PHONY: bench
# The till as shipped (tauri/custom-protocol) is built last, since building the benches puts a
# `kassa` with their dev-dependencies' features in its place; cold-start and idle-memory run
# first, before a cargo command of the runner can put that one back.
bench: system-packages test-packages bench-packages tauri-driver
	-$(BENCH_CARGO) bench --no-run -p kassa
	-$(BENCH_CARGO) build --release -p kassa-providers --example outbox_bench
	$(BENCH_CARGO) build --release -p kassa -p kassa-bench --features tauri/custom-protocol
	dbus-run-session -- sh -c 'export XDG_DATA_HOME=$$(mktemp -d) && \
	  printf kassa-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
	  xvfb-run -a --server-args="-screen 0 1280x800x24" \
	  $(BENCH_TARGET_DIR)/release/bench-run BENCHMARKS.md $(BENCH_PROGRAMS)'

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

deps: system-packages test-packages tauri-driver node

# Installs the Debian packages the build and the end-to-end tests need, only when missing.
system-packages:
	@$(MAKE) --no-print-directory apt PACKAGES="$(APT_PACKAGES)"

test-packages:
	@$(MAKE) --no-print-directory apt PACKAGES="$(TEST_APT_PACKAGES)"

bench-packages:
	@$(MAKE) --no-print-directory apt PACKAGES="$(BENCH_APT_PACKAGES)"

apt:
	@missing=$$(for p in $(PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing:" $$missing; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The UI's pure JS logic is unit-tested with node's built-in test runner (Debian's nodejs is enough).
node:
	@command -v node >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends nodejs; }

# Debian's nodejs comes without npm; NodeSource's brings its own.
npm: node
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends npm; }

# Into the project's git-ignored tools folder; npm picks the platform's prebuilt binary
# (@tauri-apps/cli-linux-x64-gnu on this machine).
tauri-cli: npm
	@[ "$$($(TAURI_CLI) --version 2>/dev/null)" = "tauri-cli $(TAURI_CLI_VERSION)" ] || \
	  npm install --prefix $(TOOLS_DIR) --no-save --no-audit --no-fund @tauri-apps/cli@$(TAURI_CLI_VERSION)

tauri-driver:
	@if [ ! -x "$(CARGO_BIN)/tauri-driver" ] && ! command -v tauri-driver >/dev/null; then \
	  $(CARGO) install tauri-driver --version $(TAURI_DRIVER_VERSION) --locked; fi
