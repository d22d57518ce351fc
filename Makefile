# Kassa — two commands on a fresh Debian/Ubuntu machine:
#   make run    opens the till in training mode
#   make test   runs every test (unit, contract, IPC, end-to-end under Xvfb)

SHELL := /bin/bash
CARGO ?= cargo
TAURI_DRIVER_VERSION := 2.1.0
APT_PACKAGES := libwebkit2gtk-4.1-dev libxdo-dev libssl-dev librsvg2-dev pkg-config \
                webkit2gtk-driver xvfb xauth
# The tests use a real OS keyring: GNOME Keyring's Secret Service on a private D-Bus session.
TEST_APT_PACKAGES := gnome-keyring dbus-bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin

.PHONY: run test deps system-packages test-packages apt tauri-driver node lint

run: system-packages
	$(CARGO) build --bin kassa
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "No display: run it as 'xvfb-run make run', or from a desktop session."; fi
	./target/debug/kassa

# The tests run on a display of their own (Xvfb) and a D-Bus session of their own with an
# unlocked keyring in a temporary folder (a throwaway password: it lives and dies with the run).
test: deps lint
	node --test ui/tests/
	dbus-run-session -- sh -c 'export XDG_DATA_HOME=$$(mktemp -d) && \
	  printf kassa-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
	  xvfb-run -a --server-args="-screen 0 1280x800x24" $(CARGO) test --workspace --all-targets -- --show-output'
	@echo "All tests passed."

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

deps: system-packages test-packages tauri-driver node

# Installs the Debian packages the build and the end-to-end tests need, only when missing.
system-packages:
	@$(MAKE) --no-print-directory apt PACKAGES="$(APT_PACKAGES)"

test-packages:
	@$(MAKE) --no-print-directory apt PACKAGES="$(TEST_APT_PACKAGES)"

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

tauri-driver:
	@if [ ! -x "$(CARGO_BIN)/tauri-driver" ] && ! command -v tauri-driver >/dev/null; then \
	  $(CARGO) install tauri-driver --version $(TAURI_DRIVER_VERSION) --locked; fi
