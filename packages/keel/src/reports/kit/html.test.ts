import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { BASE_CSS, escapeHtml, html, htmlPage, REPORT_CSP, SafeHtml, table } from './html.js'

/** Decode the five entities escapeHtml produces (a reference for the round trip). */
const unescape = (s: string): string =>
  s.replace(
    /&(amp|lt|gt|quot|#39|#96);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`' })[e]!,
  )

describe('HTML escaping', () => {
  it('escapes the HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    )
  })

  test.prop([fc.string({ unit: 'binary' })])('leaves no markup characters and round-trips', (s) => {
    const e = escapeHtml(s)
    expect(e).not.toMatch(/[<>"'`]/)
    expect(e.replace(/&(amp|lt|gt|quot|#39|#96);/g, '')).not.toContain('&')
    expect(unescape(e)).toBe(s)
  })

  test.prop([fc.string(), fc.string()])(
    'escapes every interpolation in text and attributes',
    (a, b) => {
      const out = html`<td title="${a}">${b}</td>`.toString()
      expect(out).toBe(`<td title="${escapeHtml(a)}">${escapeHtml(b)}</td>`)
    },
  )

  it('passes SafeHtml through, joins arrays and drops null, undefined and false', () => {
    expect(
      html`<p>${[new SafeHtml('<b>x</b>'), '<i>', null, undefined, false, 0]}</p>`.toString(),
    ).toBe('<p><b>x</b>&lt;i&gt;0</p>')
    expect(table(['a', 'b'], [['<x>', 1]]).toString()).toContain(
      '<td>&lt;x&gt;</td><td class="num">1</td>',
    )
  })
})

describe('htmlPage', () => {
  it('wraps the content in a self-contained page with the report CSP and an escaped title', () => {
    const page = htmlPage({ title: 'a <b>', css: 'p{margin:0}', main: html`<p>x</p>` })
    expect(page.startsWith('<!doctype html>')).toBe(true)
    expect(page).toContain(`content="${REPORT_CSP}"`)
    expect(page).toContain('<title>a &lt;b&gt;</title>')
    expect(page).toContain(`<style>${BASE_CSS}p{margin:0}</style>`)
    expect(page).toContain('<main><p>x</p></main>')
  })
})
