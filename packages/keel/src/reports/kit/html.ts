/**
 * Safe HTML building for reports: a tagged template that escapes every interpolated value unless it
 * is already {@link SafeHtml}. Model names, slice names, feature values and messages in a report are
 * user data, so escaping is the default and the only way out is an explicit, reviewed `SafeHtml`.
 */

/** A fragment of markup that has been escaped or built from escaped parts. */
export class SafeHtml {
  readonly #text: string
  constructor(text: string) {
    this.#text = text
  }
  toString(): string {
    return this.#text
  }
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
}

/** Escape text for an HTML text node or a quoted attribute value (also valid inside SVG). */
export const escapeHtml = (value: unknown): string =>
  String(value).replace(/[&<>"'`]/g, (c) => ENTITIES[c]!)

/** Something that may be interpolated into {@link html}. */
export type HtmlValue =
  SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[]

const render = (v: HtmlValue): string => {
  if (v === null || v === undefined || v === false) return ''
  if (v instanceof SafeHtml) return v.toString()
  if (Array.isArray(v)) return (v as readonly HtmlValue[]).map(render).join('')
  return escapeHtml(v)
}

/**
 * Build markup: literal parts are kept, interpolations are escaped (arrays are joined, `null`,
 * `undefined` and `false` render nothing, SafeHtml is inserted as is).
 *
 * @example
 * html`<td title="${slice.name}">${value}</td>`
 */
export const html = (strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml => {
  let out = strings[0]!
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!
  return new SafeHtml(out)
}

/** A table from a header and rows of cells (each cell escaped unless SafeHtml). */
export const table = (
  header: readonly string[],
  rows: readonly (readonly HtmlValue[])[],
  options: {
    readonly numericFrom?: number
    readonly numericColumns?: readonly number[]
    readonly className?: string
  } = {},
): SafeHtml => {
  const from = options.numericFrom ?? 1
  const isNumeric = (j: number): boolean =>
    options.numericColumns ? options.numericColumns.includes(j) : j >= from
  const cls = (j: number): string => (isNumeric(j) ? ' class="num"' : '')
  const head = header.some((h) => h !== '')
    ? html`<thead>
        <tr>
          ${header.map((h, j) => new SafeHtml(`<th${cls(j)}>${escapeHtml(h)}</th>`))}
        </tr>
      </thead>`
    : ''
  return html`<table class="${options.className ?? ''}">
    ${head}
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr>
            ${r.map((c, j) => new SafeHtml(`<td${cls(j)}>${render(c)}</td>`))}
          </tr>`,
      )}
    </tbody>
  </table>`
}

/** A pass / fail badge. */
export const badge = (ok: boolean, yes = 'pass', no = 'fail'): SafeHtml =>
  html`<span class="badge ${ok ? 'ok' : 'bad'}">${ok ? yes : no}</span>`

/**
 * The Content-Security-Policy of every report page: nothing is fetched and nothing runs, only
 * inline styles and `data:` images, so a hostile string in the data cannot act.
 */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

/**
 * The layout every report page shares; each report adds its own look (fonts, colours, sizes)
 * after it, and the charts add `CHART_CSS`.
 */
export const BASE_CSS =
  '*{box-sizing:border-box}body{margin:0}main{margin:0 auto}h1{margin:0 0 4px}' +
  'h2{margin:28px 0 8px;padding-bottom:4px}table{border-collapse:collapse;font-size:13px}th{font-weight:600}'

/**
 * A complete, self-contained HTML document: `main` inside the page shell with {@link REPORT_CSP},
 * {@link BASE_CSS} and then `css` inline, so it opens offline from disk, a mail attachment or a CI
 * artifact viewer.
 */
export const htmlPage = (page: {
  readonly title: string
  readonly css: string
  readonly main: SafeHtml
}): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
  `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">` +
  `<title>${escapeHtml(page.title)}</title><style>${BASE_CSS}${page.css}</style></head><body><main>${page.main.toString()}</main></body></html>\n`
