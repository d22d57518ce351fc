// Decoding a key press by its physical position (KeyboardEvent.code) under the layout the
// scanner is programmed for, so that the OS keyboard layout cannot garble a scan (docs/design.md §7).
// Each entry: code -> [plain, shifted].

const letters = {};
for (const c of "abcdefghijklmnopqrstuvwxyz") {
  letters[`Key${c.toUpperCase()}`] = [c, c.toUpperCase()];
}
const digits = (shifted) => {
  const map = {};
  for (let d = 0; d <= 9; d++) {
    map[`Digit${d}`] = [String(d), shifted[d]];
    map[`Numpad${d}`] = [String(d), String(d)];
  }
  return map;
};
const numpad = {
  NumpadDecimal: [".", "."],
  NumpadAdd: ["+", "+"],
  NumpadSubtract: ["-", "-"],
  NumpadMultiply: ["*", "*"],
  NumpadDivide: ["/", "/"],
  Space: [" ", " "],
};

export const LAYOUTS = {
  us: {
    ...letters,
    ...digits(")!@#$%^&*("),
    ...numpad,
    Minus: ["-", "_"],
    Equal: ["=", "+"],
    BracketLeft: ["[", "{"],
    BracketRight: ["]", "}"],
    Backslash: ["\\", "|"],
    Semicolon: [";", ":"],
    Quote: ["'", '"'],
    Backquote: ["`", "~"],
    Comma: [",", "<"],
    Period: [".", ">"],
    Slash: ["/", "?"],
  },
  de: {
    ...letters,
    KeyY: ["z", "Z"],
    KeyZ: ["y", "Y"],
    ...digits("=!\"§$%&/()"),
    ...numpad,
    Minus: ["ß", "?"],
    Equal: ["´", "`"],
    BracketLeft: ["ü", "Ü"],
    BracketRight: ["+", "*"],
    Backslash: ["#", "'"],
    Semicolon: ["ö", "Ö"],
    Quote: ["ä", "Ä"],
    Backquote: ["^", "°"],
    Comma: [",", ";"],
    Period: [".", ":"],
    Slash: ["-", "_"],
    IntlBackslash: ["<", ">"],
  },
};

// The character a key press stands for, or null for keys that type nothing (Shift, arrows).
// Falls back to event.key when the code is unknown (some synthetic events carry no code).
export function decodeKey(event, layout = "us") {
  const table = LAYOUTS[layout] || LAYOUTS.us;
  const entry = table[event.code];
  if (entry) return event.shiftKey ? entry[1] : entry[0];
  if (typeof event.key === "string" && [...event.key].length === 1) return event.key;
  return null;
}
