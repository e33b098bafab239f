import fc from 'fast-check'
import type { Node } from 'prosemirror-model'
import { isFootnoteText, schema } from '../../shared/schema.ts'
import { looksLikeHeading } from '../../shared/format/index.ts'

// Random podium texts and random podium documents for property tests.

const PIECES = [
  'a', 'b', 'Ж', 'ә', ' ', ' ', '\n', '\n\n', '\n\n\n', '\t', '  \n', '[', ']', '[', ']', '(', ')', '*', '**', '***', '~', '~~',
  '+', '-', ':', ',', '.', ';', '\\', '#', '# ', 'IND', 'CHN', 'XYZ', 'PP1. ', 'OP5 ', '(1) ', 'e) ', '(+IND)', '(-CHN)',
  '(+IRAN with reservation)', '(IND: keep original)', '(IND, XYZ: x)', '(CHN, THA original text)', '(SCO)', '\r', '\u00a0', 'TITLE',
  '[Agreed ad ref]', '\n\n[Agreed ad ref]\n\n', '{', '}', '{{', '}}', '{{footnote: ', '{{endnote:', '{{footnote:}}', '{{footnote: a}}',
  '{{endnote: see [x] *y* (IND: z)}}', '{{footnote:  a}}', '{{footnote: a }}', '{{footnote: a}}}'
]

/** Random text built from podium syntax fragments: well-formed or not. */
export const podiumishText = fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((a) => a.join(''))

const word = fc.stringMatching(/^[a-zа-яәі0-9][a-zа-яәі0-9,.]{0,7}$/)
const phrase = fc.array(word, { minLength: 1, maxLength: 4 }).map((ws) => ws.join(' '))
const code = fc.constantFrom('IND', 'CHN', 'IRAN', 'ISR', 'RUS', 'CHAIR')
const markSet = fc.subarray(['deletion', 'strong', 'emphasis'] as const)

// A footnote's text: any one line a footnote may hold, syntax characters of podium text included.
const footnoteBody = fc.array(fc.constantFrom('a', 'Ж', ' ', '[', ']', '(', ')', '*', '~~', '{', '}', '(IND: x)', '(+CHN)', 'Decision 2/CMA.3', '\t'), { maxLength: 12 })
  .map((a) => a.join('').trim()).filter(isFootnoteText)

const withMarks = (node: Node, names: readonly string[]) =>
  names.reduce((n, name) => n.mark(schema.marks[name].create().addToSet(n.marks)), node)

const atom: fc.Arbitrary<Node> = fc.oneof(
  fc.record({ stance: fc.constantFrom('+', '-'), delegation: code, qualifier: fc.option(phrase, { nil: null }) })
    .map((attrs) => schema.nodes.delegation_mark.create(attrs)),
  fc.record({
    delegations: fc.uniqueArray(code, { minLength: 1, maxLength: 3 }).map((cs) => cs.join(', ')),
    text: phrase,
    form: fc.constantFrom('colon', 'plain')
  }).map((attrs) => schema.nodes.note.create(attrs)),
  fc.record({ kind: fc.constantFrom('footnote', 'endnote'), text: footnoteBody }).map((attrs) => schema.nodes.footnote.create(attrs))
)

const { inline } = fc.letrec<{ inline: Node[]; item: Node }>((tie) => ({
  item: fc.oneof(
    { weight: 4, arbitrary: phrase.map((t) => schema.text(t)) },
    { weight: 2, arbitrary: atom },
    { weight: 1, arbitrary: fc.constant(schema.text(' ')) },
    { weight: 1, arbitrary: tie('inline').map((content) => schema.nodes.bracket.create(null, content)) }
  ).chain((n) => markSet.map((ms) => withMarks(n, ms))),
  inline: fc.array(tie('item') as fc.Arbitrary<Node>, { minLength: 0, maxLength: 5, depthIdentifier: 'inline' })
}))

// A block's text may not start or end with white space: podium text trims line ends.
const blockContent = inline.filter((nodes) => {
  if (nodes.length === 0) return false
  const first = nodes[0]
  const last = nodes[nodes.length - 1]
  return !(first.isText && /^\s/.test(first.text!)) && !(last.isText && /\s$/.test(last.text!))
})

/** Random documents of the podium schema that podium text can express (see docs/format.md). */
export const podiumDoc: fc.Arbitrary<Node> = fc.array(
  fc.record({ kind: fc.constantFrom('paragraph', 'paragraph', 'heading'), sep: fc.constantFrom('blank', 'blank', 'line'), adref: fc.constantFrom(null, null, true), content: blockContent }),
  { minLength: 1, maxLength: 6 }
).map((blocks) => schema.nodes.doc.create(null, blocks.map((b, i) =>
  // The line after an agreed paragraph is a block of its own: what follows it is after a blank line.
  schema.nodes[b.kind].create({ id: `b${i}`, sep: i === 0 || blocks[i - 1].adref ? 'blank' : b.sep, adref: b.adref }, b.content))))
  // A paragraph that reads as a heading (all bold, all capitals) becomes one when read back.
  .filter((d) => {
    let ok = true
    d.forEach((b) => { if (b.type.name === 'paragraph' && looksLikeHeading(b)) ok = false })
    return ok
  })
