// Small DOM helpers every screen uses.

export const $ = (id) => document.getElementById(id);

// Children to put in a node: strings become text (never HTML); null, undefined and false are
// left out, so optional parts can be written inline.
const present = (children) => children.filter((c) => c !== undefined && c !== null && c !== false);

// An element with attributes and children.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : v);
  }
  node.append(...present(children));
  return node;
}

// Replaces a node's children.
export function fill(node, ...children) {
  node.replaceChildren(...present(children));
  return node;
}
