// What a cashier reads for each error code the till answers with (src-tauri/dto.rs ErrorCode);
// the till's own sentence follows the title. Shared by every screen.

const ERROR_VIEWS = {
  malformed_code: ["warn", "Scan not readable"],
  unknown_card_type: ["warn", "Not a card this till takes"],
  not_found: ["bad", "Card not found"],
  declined: ["bad", "Card refused"],
  unreachable: ["warn", "Provider not reachable — nothing was charged"],
  provider_error: ["bad", "Unexpected answer from the provider"],
  config: ["bad", "Till not set up"],
  pin_refused: ["bad", "PIN refused"],
  invalid: ["warn", "Not possible"],
  sale_state: ["warn", "Not possible now"],
};
const FALLBACK = ["bad", "Something went wrong"];

// {tone, title, text, code} for an error from invoke (`{code, message}`) or anything thrown.
export function errorView(error) {
  const [tone, title] = ERROR_VIEWS[error?.code] || FALLBACK;
  return { tone, title, text: error?.message || String(error), code: error?.code || "error" };
}
