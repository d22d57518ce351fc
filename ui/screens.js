// The screens the window loads on first use rather than at start (the sign-in screen needs none
// of them): the key that opens each, and its module, imported and started (`init`) once. Each
// module answers `open`, `onKey` (false for a key the window handles) and `TEXT.keys` (its
// footer). ui/tests/screens.test.mjs checks the keys and that none of them is loaded at start.

export const LAZY_SCREENS = {
  shift: { key: "F1", load: () => import("./shift.js") },
  refunds: { key: "F10", load: () => import("./refunds.js") },
  setup: { key: "F12", load: () => import("./setup.js") },
};

const loading = new Map();
const loaded = new Map();

// The screen opened by `key` (a KeyboardEvent's key), or null.
export function screenForKey(key) {
  return Object.keys(LAZY_SCREENS).find((name) => LAZY_SCREENS[name].key === key) ?? null;
}

// The screen's module, imported and started the first time it is asked for.
export function loadScreen(name) {
  if (!loading.has(name)) {
    loading.set(
      name,
      LAZY_SCREENS[name].load().then((module) => {
        module.init();
        loaded.set(name, module);
        return module;
      }),
    );
  }
  return loading.get(name);
}

// The screen's module if it is loaded already, else null (the sale, balance and queue screens
// are not among these).
export const loadedScreen = (name) => loaded.get(name) ?? null;
