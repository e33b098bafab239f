import type { Api } from '../session/api.ts'
import { ApiError } from '../session/api.ts'
import type { ImportPreview, ImportSource } from '../session/types.ts'
import { h, replaceChildren } from '../ui/dom.ts'
import { fileSource } from './read-file.ts'

/** What the import dialog is for: the words it uses and what confirming does. */
export interface ImportDialogOptions {
  api: Api
  /** Dialog title ("Replace the text from a file"). */
  title: string
  /** The confirm button ("Import", "Replace the text"). */
  confirmLabel: string
  /** What confirming will do, said before the button ("A snapshot of the current text is taken first."). */
  consequence: string
  /** The source, when already chosen (the home form): the preview runs at once. Otherwise the dialog asks for a file or pasted text. */
  source?: ImportSource
  /** Writes the import; a rejection is shown in the dialog, which stays open. */
  onConfirm(preview: ImportPreview): Promise<void>
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

function place(w: ImportPreview['warnings'][number]): string {
  const at = [w.line !== null ? `line ${w.line}` : '', w.column !== null ? `column ${w.column}` : ''].filter(Boolean).join(', ')
  const word = w.paragraph !== null ? `Word paragraph ${w.paragraph}` : ''
  return [at, word].filter(Boolean).join('; ') || 'whole file'
}

/**
 * The import dialog: choose a .txt/.docx file or paste podium text, see what the server recognised
 * (paragraphs, headings, brackets, positions, notes) and every warning with its place, then Cancel or
 * confirm. Nothing is written before confirmation. Resolves true when the import was written.
 */
export function openImportDialog(opts: ImportDialogOptions): Promise<boolean> {
  return new Promise((resolve) => {
    let written = false
    let preview: ImportPreview | null = null
    const problem = h('p', { class: 'problem', role: 'alert' })
    const file = h('input', { id: 'import-file', type: 'file', accept: '.txt,.docx,text/plain,application/vnd.openxmlformats-officedocument.wordprocessingml.document' })
    const paste = h('textarea', { id: 'import-text', rows: '8', placeholder: 'PP1. Recalling … [shared principles] (-IND)' })
    const previewButton = h('button', { type: 'button', class: 'primary', onclick: () => void run() }, 'Preview')
    const chooser = h('div', { class: 'import-source' },
      h('label', { for: 'import-file' }, 'A podium text (.txt) or Word (.docx) file'), file,
      h('label', { for: 'import-text' }, 'or paste podium text'), paste,
      h('div', { class: 'dialog-buttons' }, previewButton))
    const result = h('div', { class: 'import-result', 'aria-live': 'polite' })
    const confirm = h('button', { type: 'button', class: 'primary', disabled: true, onclick: () => void write() }, opts.confirmLabel)
    const cancel = h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel')
    const dialog = h('dialog', { class: 'import', 'aria-labelledby': 'import-title' },
      h('h2', { id: 'import-title' }, opts.title),
      opts.source ? null : chooser,
      result, problem,
      h('p', { class: 'consequence' }, opts.consequence, ' Nothing is written before you confirm.'),
      h('div', { class: 'dialog-buttons' }, confirm, cancel))
    dialog.addEventListener('close', () => { dialog.remove(); resolve(written) })
    // Another choice makes the shown preview stale.
    const stale = () => { preview = null; confirm.disabled = true; replaceChildren(result) }
    file.addEventListener('change', stale)
    paste.addEventListener('input', stale)

    async function source(): Promise<ImportSource | null> {
      if (opts.source) return opts.source
      const f = file.files?.[0]
      if (f) return fileSource(f)
      return paste.value.trim() ? { filename: 'pasted.txt', text: paste.value } : null
    }

    async function run() {
      problem.textContent = ''
      const src = await source()
      if (!src) { problem.textContent = 'Choose a file or paste some podium text first.'; return }
      replaceChildren(result, h('p', { class: 'muted' }, 'Reading…'))
      try {
        preview = await opts.api.previewImport(src)
      } catch (e) {
        replaceChildren(result)
        problem.textContent = e instanceof ApiError ? `Cannot import ${src.filename}: ${e.message}` : String(e)
        return
      }
      show(preview, src.filename)
      confirm.disabled = false
    }

    function show(p: ImportPreview, filename: string) {
      const s = p.summary
      const counts: [string, number][] = [['Paragraphs', s.paragraphs], ['Headings', s.headings], ['Brackets', s.brackets], ['Positions', s.positions], ['Notes', s.notes]]
      replaceChildren(result,
        h('h3', {}, `Recognised in ${filename}`, p.kind === 'docx' ? ' (Word)' : ' (podium text)'),
        p.title ? h('p', {}, 'Title: ', h('strong', {}, p.title)) : null,
        p.metadata?.header.length ? h('p', { class: 'import-header' }, 'Header (kept with the document): ', h('strong', {}, p.metadata.header.join(' · '))) : null,
        h('dl', { class: 'import-summary' }, ...counts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', { 'data-count': k.toLowerCase() }, String(v))])),
        p.warnings.length
          ? h('div', { class: 'import-warnings' },
            h('h3', {}, plural(p.warnings.length, 'warning')),
            h('ul', {}, ...p.warnings.map((w) => h('li', {}, h('span', { class: 'place' }, place(w)), ': ', w.message))))
          : h('p', { class: 'import-warnings none' }, 'No warnings.'),
        h('details', {}, h('summary', {}, 'The text as it will be imported'), h('pre', { class: 'import-text' }, p.text)))
    }

    async function write() {
      if (!preview) return
      confirm.disabled = true
      problem.textContent = ''
      try {
        await opts.onConfirm(preview)
        written = true
        dialog.close()
      } catch (e) {
        problem.textContent = e instanceof ApiError ? `Refused (${e.status}): ${e.message}` : String(e)
        confirm.disabled = false
      }
    }

    document.body.append(dialog)
    dialog.showModal()
    if (opts.source) void run()
    else file.focus()
  })
}
