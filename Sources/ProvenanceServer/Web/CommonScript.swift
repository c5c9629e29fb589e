/// `/assets/common.js`: DOM and fetch helpers the pages share.
enum CommonScript {
    static let source = #"""
        // Helpers shared by the product page and the dashboard. Text goes into the DOM as text, never as markup.
        'use strict';

        export function el(tag, attributes = {}, ...children) {
          const element = document.createElement(tag);
          for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
          for (const child of children) {
            if (child === undefined || child === null || child === '') continue;
            element.append(child instanceof Node ? child : document.createTextNode(String(child)));
          }
          return element;
        }

        export async function getJSON(url, options = {}) {
          const response = await fetch(url, { cache: 'no-store', ...options });
          let body = null;
          try { body = await response.json(); } catch (error) { body = null; }
          return { status: response.status, body };
        }

        // Runs `task` over `items`, at most `width` at a time.
        export async function pool(items, width, task) {
          let next = 0;
          const workers = Array.from({ length: Math.min(width, items.length) }, async () => {
            while (next < items.length) {
              const item = items[next++];
              await task(item);
            }
          });
          await Promise.all(workers);
        }
        """#
}
