import { Schema, type NodeSpec, type MarkSpec, type DOMOutputSpec } from 'prosemirror-model'

// The podium version as data: what a negotiation text *is* (paragraphs, brackets,
// positions, notes), not how it looks. Rendering details live in the client's CSS.

/** How a block is separated from the block before it in podium text: a blank line, or a single line break. */
export type BlockSeparator = 'blank' | 'line'

/** A delegation's stance in a position mark: `+` supports, `-` opposes. */
export type Stance = '+' | '-'

/** A note at the foot of the page (`footnote`) or at the end of the document (`endnote`), as Word has them. */
export type FootnoteKind = 'footnote' | 'endnote'

/**
 * Whether `text` can be a footnote's text: empty, or one line that neither starts nor ends with
 * white space, holds no `}}` and does not end with `}` (so `{{footnote: text}}` reads back exactly).
 */
export function isFootnoteText(text: unknown): text is string {
  if (typeof text !== 'string') return false
  if (text === '') return true
  return !/^\s|\s$|[\n\r]|\}\}|\}$/.test(text)
}

/** Whether a note reads `(IND: keep original)` (`colon`) or `(CHN, THA original text)` (`plain`). */
export type NoteForm = 'colon' | 'plain'

// `validate` makes node.check() refuse attributes of the wrong type (a number as a delegation code,
// an object as note text): the server checks every block a client changes with it.
const blockAttrs = {
  id: { default: null as string | null, validate: 'string|null' },
  sep: { default: 'blank' as BlockSeparator, validate: (v: unknown) => { if (v !== 'blank' && v !== 'line') throw new RangeError(`sep ${JSON.stringify(v)} is not blank or line`) } },
  /** True once the chair or secretariat marked the paragraph agreed ad ref: locked for delegations. */
  adref: { default: null as true | null, validate: (v: unknown) => { if (v !== null && v !== true) throw new RangeError(`adref ${JSON.stringify(v)} is not true or null`) } }
}

// The marks of a bracket, position or note as Yjs keeps them ("deletion strong", schema order):
// y-prosemirror drops ProseMirror marks on non-text nodes (see shared/node-marks.ts).
const MARK_ORDER = ['deletion', 'strong', 'emphasis']
// Every non-empty subset of the marks, in schema order: the only values the attribute takes.
const MARKS_VALUES = new Set([1, 2, 3, 4, 5, 6, 7].map((bits) => MARK_ORDER.filter((_, i) => bits & (1 << i)).join(' ')))
const marksAttrSpec = {
  default: null as string | null,
  validate: (v: unknown) => {
    if (v !== null && (typeof v !== 'string' || !MARKS_VALUES.has(v))) throw new RangeError(`marks ${JSON.stringify(v)?.slice(0, 60)} is not a list of deletion, strong, emphasis in that order`)
  }
}

function markClasses(attrs: Record<string, unknown>): string {
  return typeof attrs.marks === 'string' && attrs.marks ? ' ' + attrs.marks.split(' ').map((m) => `pm-node-${m}`).join(' ') : ''
}

function blockDOM(tag: string, attrs: Record<string, unknown>): DOMOutputSpec {
  const dom: Record<string, string> = {}
  if (attrs.id) dom['data-id'] = String(attrs.id)
  if (attrs.sep === 'line') dom['data-sep'] = 'line'
  if (attrs.adref === true) dom['data-adref'] = ''
  return [tag, dom, 0]
}

function blockAttrsFromDOM(el: HTMLElement) {
  return { id: el.getAttribute('data-id'), sep: el.getAttribute('data-sep') === 'line' ? 'line' : 'blank', adref: el.hasAttribute('data-adref') ? true : null }
}

/** Renders a position mark the way delegates write it: `(+IRAN with reservation)`. */
export function positionText(attrs: { delegation: string; stance: string; qualifier: string | null }): string {
  return `(${attrs.stance}${attrs.delegation}${attrs.qualifier ? ' ' + attrs.qualifier : ''})`
}

/** Renders a note the way delegates write it: `(IND, TUR: depends on PP5b)` or `(CHN, THA original text)`. */
export function noteText(attrs: { delegations: string; text: string; form: string }): string {
  return `(${attrs.delegations}${attrs.form === 'colon' ? ': ' : ' '}${attrs.text})`
}

/** Renders a footnote as podium text writes it: `{{footnote: text}}`, `{{endnote: text}}`, `{{footnote:}}` when empty. */
export function footnoteText(attrs: { kind: string; text: string }): string {
  return `{{${attrs.kind}:${attrs.text ? ' ' + attrs.text : ''}}}`
}

/** Node specs of the podium schema, as plain objects. */
export const nodes: Record<string, NodeSpec> = {
  // The paragraph comes first: it is the block ProseMirror makes by default (Enter, a split, an
  // emptied document, a new document typed from scratch). A heading is made only on purpose.
  doc: { content: 'block+' },

  /** A paragraph; its label (PP4, OP5, "13.") stays in its text and is derived by the analysis. */
  paragraph: {
    group: 'block',
    content: 'inline*',
    attrs: blockAttrs,
    whitespace: 'pre',
    parseDOM: [{ tag: 'p', getAttrs: blockAttrsFromDOM }],
    toDOM: (node) => blockDOM('p', node.attrs)
  },

  /** A document or section title ("DRAFT ASTANA STATEMENT ON CICA TRANSFORMATION", "Pillar I: …"). */
  heading: {
    group: 'block',
    content: 'inline*',
    attrs: blockAttrs,
    defining: true,
    whitespace: 'pre',
    parseDOM: [{ tag: 'h1', getAttrs: blockAttrsFromDOM }, { tag: 'h2', getAttrs: blockAttrsFromDOM }, { tag: 'h3', getAttrs: blockAttrsFromDOM }],
    toDOM: (node) => blockDOM('h2', node.attrs)
  },

  text: { group: 'inline' },

  /** Square brackets around text not yet agreed; nestable to any depth. */
  bracket: {
    group: 'inline',
    inline: true,
    content: 'inline*',
    attrs: { marks: marksAttrSpec },
    parseDOM: [{ tag: 'span[data-bracket]', getAttrs: (el: HTMLElement) => ({ marks: el.getAttribute('data-marks') || null }) }],
    toDOM: (node) => ['span', { 'data-bracket': '', ...(node.attrs.marks ? { 'data-marks': node.attrs.marks } : {}), class: 'pm-bracket' + markClasses(node.attrs) }, 0]
  },

  /** A delegation's position on the text just before it: `(+CHN)`, `(-ISR)`, `(+IRAN with reservation)`. */
  delegation_mark: {
    group: 'inline',
    inline: true,
    atom: true,
    selectable: true,
    attrs: {
      delegation: { default: '', validate: 'string' },
      stance: { default: '+' as Stance, validate: (v: unknown) => { if (v !== '+' && v !== '-') throw new RangeError(`stance ${JSON.stringify(v)} is not + or -`) } },
      qualifier: { default: null as string | null, validate: 'string|null' },
      marks: marksAttrSpec
    },
    parseDOM: [{
      tag: 'span[data-position]',
      getAttrs: (el: HTMLElement) => ({
        delegation: el.getAttribute('data-delegation') ?? '',
        stance: el.getAttribute('data-stance') === '-' ? '-' : '+',
        qualifier: el.getAttribute('data-qualifier') || null,
        marks: el.getAttribute('data-marks') || null
      })
    }],
    toDOM: (node) => ['span', {
      'data-position': '',
      'data-delegation': node.attrs.delegation,
      'data-stance': node.attrs.stance,
      ...(node.attrs.qualifier ? { 'data-qualifier': node.attrs.qualifier } : {}),
      ...(node.attrs.marks ? { 'data-marks': node.attrs.marks } : {}),
      class: 'pm-position' + markClasses(node.attrs)
    }, positionText(node.attrs as never)]
  },

  /** A delegation's remark: `(IND: keep original)`, `(CHN, THA, IRAN original text)`. `delegations` is the codes joined by ", ". */
  note: {
    group: 'inline',
    inline: true,
    atom: true,
    selectable: true,
    attrs: {
      delegations: { default: '', validate: 'string' },
      text: { default: '', validate: 'string' },
      form: { default: 'colon' as NoteForm, validate: (v: unknown) => { if (v !== 'colon' && v !== 'plain') throw new RangeError(`form ${JSON.stringify(v)} is not colon or plain`) } },
      marks: marksAttrSpec
    },
    parseDOM: [{
      tag: 'span[data-note]',
      getAttrs: (el: HTMLElement) => ({
        delegations: el.getAttribute('data-delegations') ?? '',
        text: el.getAttribute('data-text') ?? '',
        form: el.getAttribute('data-form') === 'plain' ? 'plain' : 'colon',
        marks: el.getAttribute('data-marks') || null
      })
    }],
    toDOM: (node) => ['span', {
      'data-note': '',
      'data-delegations': node.attrs.delegations,
      'data-text': node.attrs.text,
      'data-form': node.attrs.form,
      ...(node.attrs.marks ? { 'data-marks': node.attrs.marks } : {}),
      class: 'pm-note' + markClasses(node.attrs)
    }, noteText(node.attrs as never)]
  },

  /**
   * A footnote or endnote: its reference stays where it is in the text, its text (one line, see
   * isFootnoteText) is kept in the node. Shown as a superscript number; its text on hover or click.
   */
  footnote: {
    group: 'inline',
    inline: true,
    atom: true,
    selectable: true,
    attrs: {
      kind: { default: 'footnote' as FootnoteKind, validate: (v: unknown) => { if (v !== 'footnote' && v !== 'endnote') throw new RangeError(`kind ${JSON.stringify(v)?.slice(0, 40)} is not footnote or endnote`) } },
      text: { default: '', validate: (v: unknown) => { if (!isFootnoteText(v)) throw new RangeError(`footnote text ${JSON.stringify(v)?.slice(0, 60)} is not one line without "}}" and without spaces at its ends`) } },
      marks: marksAttrSpec
    },
    parseDOM: [{
      tag: 'sup[data-footnote]',
      getAttrs: (el: HTMLElement) => {
        const text = el.getAttribute('data-text') ?? ''
        return { kind: el.getAttribute('data-kind') === 'endnote' ? 'endnote' : 'footnote', text: isFootnoteText(text) ? text : '', marks: el.getAttribute('data-marks') || null }
      }
    }],
    toDOM: (node) => ['sup', {
      'data-footnote': '',
      'data-kind': node.attrs.kind,
      'data-text': node.attrs.text,
      title: node.attrs.text,
      ...(node.attrs.marks ? { 'data-marks': node.attrs.marks } : {}),
      class: `pm-footnote pm-${node.attrs.kind}` + markClasses(node.attrs)
    }]
  }
}

/** Mark specs of the podium schema. Order matters: it is the nesting order used when serializing. */
export const marks: Record<string, MarkSpec> = {
  deletion: {
    parseDOM: [{ tag: 's' }, { tag: 'del' }, { style: 'text-decoration=line-through' }],
    toDOM: () => ['s', { class: 'pm-deletion' }, 0]
  },
  strong: {
    parseDOM: [{ tag: 'strong' }, { tag: 'b' }],
    toDOM: () => ['strong', 0]
  },
  emphasis: {
    parseDOM: [{ tag: 'em' }, { tag: 'i' }],
    toDOM: () => ['em', 0]
  }
}

/** The podium schema: every document in Podium, live or in a snapshot, conforms to it. */
export const schema = new Schema({ nodes, marks })
