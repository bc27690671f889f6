/**
 * Writing a filter tree back as text, in the syntax `parseRunFilter` reads. The UI and the CLI use it
 * to show a normalized filter; `parseRunFilter(formatRunFilter(node))` gives `node` back.
 */
import { formatField, type FilterNode } from './ast.js'

const literal = (v: string | number): string =>
  typeof v === 'number' ? String(v) : `'${v.replaceAll("'", "''")}'`

/** The filter as text (fully parenthesized where precedence requires it). */
export const formatRunFilter = (node: FilterNode): string => {
  switch (node.type) {
    case 'compare':
      return `${formatField(node.field)} ${node.op.toUpperCase()} ${literal(node.value)}`
    case 'in':
      return `${formatField(node.field)} ${node.negated ? 'NOT IN' : 'IN'} (${node.values.map(literal).join(', ')})`
    case 'null':
      return `${formatField(node.field)} IS ${node.negated ? 'NOT NULL' : 'NULL'}`
    case 'and':
    case 'or':
      return node.items
        .map((item) =>
          item.type === 'and' || item.type === 'or'
            ? `(${formatRunFilter(item)})`
            : formatRunFilter(item),
        )
        .join(node.type === 'and' ? ' AND ' : ' OR ')
  }
}
