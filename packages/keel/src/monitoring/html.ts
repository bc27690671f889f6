const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/**
 * Escape text for HTML element content and quoted attribute values. Feature names, category
 * values, check messages and model names all come from users or from logged traffic, so every
 * string that reaches the page goes through here.
 */
export const escapeHtml = (value: unknown): string =>
  String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!)
