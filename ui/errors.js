// What a cashier reads for each error code the till answers with (src-tauri/dto.rs ErrorCode);
// the till's own sentence follows the title. Shared by every screen.

import { words } from "./i18n.js";

// Each code's title (translated by ui/i18n.js); `fallback` for anything else.
export const TEXT = words("errors", {
  malformed_code: "Scan not readable",
  unknown_card_type: "Not a card this till takes",
  not_found: "Card not found",
  declined: "Card refused",
  unreachable: "Provider not reachable — nothing was charged",
  provider_error: "Unexpected answer from the provider",
  config: "Till not set up",
  pin_refused: "PIN refused",
  invalid: "Not possible",
  sale_state: "Not possible now",
  fallback: "Something went wrong",
});

// Each code's tone.
const TONES = {
  malformed_code: "warn",
  unknown_card_type: "warn",
  not_found: "bad",
  declined: "bad",
  unreachable: "warn",
  provider_error: "bad",
  config: "bad",
  pin_refused: "bad",
  invalid: "warn",
  sale_state: "warn",
};

// {tone, title, text, code} for an error from invoke (`{code, message}`) or anything thrown.
export function errorView(error) {
  const known = Object.hasOwn(TONES, error?.code);
  return {
    tone: known ? TONES[error.code] : "bad",
    title: known ? TEXT[error.code] : TEXT.fallback,
    text: error?.message || String(error),
    code: error?.code || "error",
  };
}
