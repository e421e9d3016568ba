/** The page's small DOM helpers: text always goes in as text, never as HTML. */
export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
/** A DOM element with properties and children; text always goes in as text, never as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, unknown> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

export const announce = (text: string) => ($('live').textContent = text);
export const today = () => new Date().toISOString().slice(0, 10);

/** A table cell that names its column, for the stacked rows of narrow screens. */
export function cell(label: string, className: string, ...children: (Node | string)[]) {
  const td = el('td', { className }, ...children);
  td.dataset.label = label;
  return td;
}
