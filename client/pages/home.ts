import { ROLES, type Role } from '../../shared/protocol.ts'
import { DOC_NAME_PATTERN, docNameProblem } from '../../shared/protocol.ts'
import { Api, ApiError } from '../session/api.ts'
import type { DocSummary, Me, TokenInfo } from '../session/types.ts'
import { h, replaceChildren } from '../ui/dom.ts'
import { confirmDialog } from '../ui/confirm.ts'
import { ask } from '../ui/ask.ts'
import { whoChip } from '../ui/identity.ts'
import { fileSource, isWordFile, openImportDialog } from '../transfer/index.ts'
import { previewHeader, type ImportSource } from '../session/types.ts'
import { headerSummary } from '../ui/doc-header.ts'
import { saveBlob } from '../transfer/download.ts'
import { DEFAULT_NEW_VISIBILITY, VISIBILITIES, VISIBILITY_WORDS, type Visibility } from '../../shared/visibility.ts'
import { rosterEditor } from './roster-editor.ts'
import { meetingFileStamp, meetingTime } from '../session/meeting-time.ts'

// Every time on the home in the meeting's zone, written with it.
const when = meetingTime

function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`
  return `${Math.max(1, Math.round(bytes / 1024))} KB`
}

// The stored size and the limit, for the secretariat: near the limit it says so before edits are refused.
function sizeCell(d: DocSummary): HTMLElement {
  if (d.bytes === undefined) return h('td', {}, '—')
  const share = d.maxBytes ? d.bytes / d.maxBytes : 0
  const text = d.maxBytes ? `${size(d.bytes)} of ${size(d.maxBytes)}` : size(d.bytes)
  return h('td', { class: share >= 0.8 ? 'size near-limit' : 'size', title: share >= 0.8 ? 'Near its size limit: edits past it are refused' : '' }, text, share >= 0.8 ? ' ⚠' : '')
}

function connectedChips(d: DocSummary, me: Me): HTMLElement {
  const colour = new Map(me.roster.map((r) => [r.code, r.colour]))
  if (d.connected.length === 0) return h('span', { class: 'muted' }, 'nobody')
  return h('span', { class: 'chips' }, ...d.connected.map((c) => {
    const name = c.delegation ?? c.role
    return h('span', { class: 'chip', style: `--c: ${c.delegation ? colour.get(c.delegation) ?? '#666' : '#555'}` }, name)
  }))
}

/**
 * The meeting home `/`: meeting name and dates, its documents with status and who is connected.
 * The secretariat also creates and renames documents and issues, lists and revokes sign-in links.
 */
export async function showHome(root: HTMLElement, session: string): Promise<void> {
  const api = new Api(session)
  const me = await api.me()
  const isSecretariat = me.role === 'secretariat'
  document.title = `${me.meeting.name} — Podium`
  const status = h('p', { class: 'flash', role: 'status', 'aria-live': 'polite' })
  const flash = (msg: string) => { status.textContent = msg }
  const fail = (e: unknown) => flash(e instanceof ApiError ? `Refused (${e.status}): ${e.message}` : String(e))

  const docsBody = h('tbody')
  const docsTable = h('table', { class: 'docs' },
    h('caption', {}, 'Documents'),
    h('thead', {}, h('tr', {}, ...['Document', 'Paragraphs', 'Open', 'Brackets', 'Last change', 'Last COB snapshot', 'Connected', ...(isSecretariat ? ['Size', 'Visible to', ''] : [])].map((t) => h('th', { scope: 'col' }, t)))),
    docsBody)
  // Archived documents are listed apart: read only for everyone, still exported.
  const archivedBody = h('tbody')
  const archivedTable = h('table', { class: 'docs archived' },
    h('caption', {}, 'Archived (read only)'),
    h('thead', {}, h('tr', {}, ...['Document', 'Paragraphs', 'Open', 'Archived', ...(isSecretariat ? [''] : [])].map((t) => h('th', { scope: 'col' }, t)))),
    archivedBody)
  const archivedSection = h('section', { 'aria-label': 'Archived documents', hidden: true }, archivedTable)

  let docs: DocSummary[] = []
  // The roster with aliases (GET /api/me gives codes, names and colours only).
  me.roster.splice(0, me.roster.length, ...(await api.roster()).roster)
  let rosterRefresh: (() => Promise<void>) | null = null
  async function refreshDocs() {
    try {
      docs = await api.docs()
    } catch (e) { fail(e); return }
    // The last COB snapshot of each document (the text circulated to capitals).
    const cob = new Map<string, string>()
    await Promise.all(docs.map(async (d) => {
      try {
        const last = (await api.snapshots(d.name)).filter((s) => s.cobDate).at(-1)
        if (last) cob.set(d.name, last.label || when(last.createdAt))
      } catch {
        // a server without snapshots: the column stays empty
      }
    }))
    const active = docs.filter((d) => !d.archivedAt)
    const archived = docs.filter((d) => d.archivedAt)
    replaceChildren(docsBody, ...active.map((d) => h('tr', { 'data-doc': d.name },
      docLink(d),
      h('td', {}, String(d.paragraphs)), h('td', {}, String(d.open)), h('td', {}, String(d.brackets)),
      h('td', {}, when(d.lastChange)), h('td', {}, cob.get(d.name) ?? '—'), h('td', {}, connectedChips(d, me)),
      isSecretariat ? sizeCell(d) : null,
      isSecretariat ? h('td', {}, visibilitySelect(d)) : null,
      isSecretariat ? h('td', { class: 'row-actions' }, h('button', { type: 'button', 'aria-label': `Rename ${d.title || d.name}`, onclick: async () => {
        const t = await ask(`Rename ${d.name}`, 'Title', d.title || d.name)
        if (t === null) return
        try { await api.renameDoc(d.name, t); flash(`Renamed to “${t}”.`); await refreshDocs() } catch (e) { fail(e) }
      } }, 'Rename'), archiveButton(d, true)) : null)))
    if (active.length === 0) replaceChildren(docsBody, h('tr', {}, h('td', { colspan: isSecretariat ? '10' : '7', class: 'muted' }, 'No documents yet.')))
    archivedSection.hidden = archived.length === 0
    replaceChildren(archivedBody, ...archived.map((d) => h('tr', { 'data-doc': d.name },
      docLink(d), h('td', {}, String(d.paragraphs)), h('td', {}, String(d.open)), h('td', {}, when(d.archivedAt)),
      isSecretariat ? h('td', {}, archiveButton(d, false)) : null)))
    docSelect && fillDocSelect()
  }

  const docLink = (d: DocSummary) => h('th', { scope: 'row' }, h('a', { href: `/d/${encodeURIComponent(d.name)}` }, d.title || d.name), d.title && d.title !== d.name ? h('span', { class: 'muted' }, ` ${d.name}`) : null,
    // The imported draft's header and version line ("Version 14/11/2024 13:00").
    d.header ? h('div', { class: 'muted doc-header', title: d.header.split('\n').join(' · ') }, headerSummary(d.header)) : null)
  // Who may open it: the server closes the sockets of roles it no longer allows, at once.
  const visibilitySelect = (d: DocSummary) => {
    const select = h('select', { 'aria-label': `Who may open ${d.title || d.name}` },
      ...VISIBILITIES.map((v) => h('option', { value: v, selected: v === (d.visibility ?? 'public') }, VISIBILITY_WORDS[v])))
    select.addEventListener('change', async () => {
      const v = select.value as Visibility
      const narrower = VISIBILITIES.indexOf(v) < VISIBILITIES.indexOf(d.visibility ?? 'public')
      if (narrower && !(await confirmDialog(`Withdraw ${d.title || d.name}?`, `Only “${VISIBILITY_WORDS[v]}” may open it from now on: anyone else who has it open is disconnected at once, and it leaves their list.`, 'Withdraw'))) {
        select.value = d.visibility ?? 'public'
        return
      }
      try { await api.setDocMeta(d.name, { visibility: v }); flash(`${d.title || d.name}: ${VISIBILITY_WORDS[v].toLowerCase()}.`); await refreshDocs() } catch (e) { fail(e); select.value = d.visibility ?? 'public' }
    })
    return select
  }
  const archiveButton = (d: DocSummary, archive: boolean) => h('button', {
    type: 'button', 'aria-label': `${archive ? 'Archive' : 'Unarchive'} ${d.title || d.name}`,
    title: archive ? 'Read only for everyone, listed apart, still exported' : 'Editable again',
    onclick: async () => {
      if (archive && !(await confirmDialog(`Archive ${d.title || d.name}?`, 'Nobody can change it any more (open editors turn read only at once). It stays readable and exportable, listed apart; you can unarchive it.', 'Archive'))) return
      try { await api.setDocMeta(d.name, { archived: archive }); flash(`${d.title || d.name} ${archive ? 'archived: read only' : 'unarchived: editable again'}.`); await refreshDocs() } catch (e) { fail(e) }
    }
  }, archive ? 'Archive' : 'Unarchive')

  const sections: HTMLElement[] = [h('section', { 'aria-label': 'Documents' }, docsTable), archivedSection]
  let docSelect: HTMLSelectElement | null = null
  const fillDocSelect = () => {
    const v = docSelect!.value
    replaceChildren(docSelect!, h('option', { value: '' }, 'any document (home page)'), ...docs.map((d) => h('option', { value: d.name, selected: d.name === v }, d.title || d.name)))
  }

  if (isSecretariat) {
    // Create a document.
    const name = h('input', { id: 'new-name', required: true, pattern: DOC_NAME_PATTERN.source.replace(/^\^|\$$/g, ''), placeholder: 'astana-statement', autocomplete: 'off' })
    const title = h('input', { id: 'new-title', placeholder: 'Draft Astana Statement', autocomplete: 'off' })
    const text = h('textarea', { id: 'new-text', rows: '6', placeholder: 'Paste podium text here, or leave empty for a blank document' })
    const file = h('input', { id: 'new-file', type: 'file', accept: '.txt,.docx,text/plain,application/vnd.openxmlformats-officedocument.wordprocessingml.document' })
    const fileNote = h('p', { class: 'muted file-note', 'aria-live': 'polite' })
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Create')
    const newVisibility = h('select', { id: 'new-visibility' }, ...VISIBILITIES.map((v) => h('option', { value: v, selected: v === DEFAULT_NEW_VISIBILITY }, VISIBILITY_WORDS[v])))
    // A Word file stays as bytes (the server reads it); a text file goes into the box to be seen.
    let wordFile: ImportSource | null = null
    const sync = () => { submit.textContent = wordFile || text.value.trim() ? 'Preview and create…' : 'Create' }
    file.addEventListener('change', async () => {
      const f = file.files?.[0]
      wordFile = null
      fileNote.textContent = ''
      if (f && isWordFile(f)) { wordFile = await fileSource(f); fileNote.textContent = `Word file ${f.name}: its text is shown before anything is created.` }
      else if (f) text.value = await f.text()
      sync()
    })
    text.addEventListener('input', () => { if (text.value.trim()) { wordFile = null; fileNote.textContent = '' } sync() })
    const createForm = h('form', { class: 'card', 'aria-labelledby': 'create-title' },
      h('h2', { id: 'create-title' }, 'New document from file or text'),
      h('label', { for: 'new-name' }, 'Name (letters, digits, . _ -)'), name,
      h('label', { for: 'new-title' }, 'Title'), title,
      h('label', { for: 'new-text' }, 'Podium text (optional)'), text,
      h('label', { for: 'new-file' }, 'or read it from a file (.txt, .docx)'), file, fileNote,
      h('label', { for: 'new-visibility' }, 'Who may open it'), newVisibility,
      submit)
    const created = async (docName: string) => {
      flash(`Created ${docName}.`)
      createForm.reset()
      wordFile = null
      fileNote.textContent = ''
      sync()
      await refreshDocs()
    }
    // The name rule checked as it is typed, said in words (the server says the same).
    const nameProblem = h('p', { class: 'field-problem', id: 'new-name-problem', 'aria-live': 'polite' })
    name.setAttribute('aria-describedby', 'new-name-problem')
    name.removeAttribute('pattern')
    name.addEventListener('input', () => {
      const problem = name.value ? docNameProblem(name.value) : null
      name.setCustomValidity(problem ?? '')
      nameProblem.textContent = problem ?? ''
    })
    name.after(nameProblem)
    createForm.addEventListener('submit', async (e) => {
      e.preventDefault()
      const docName = name.value
      const problem = docNameProblem(docName)
      if (problem) { nameProblem.textContent = problem; name.focus(); return }
      const source: ImportSource | null = wordFile ?? (text.value.trim() ? { filename: file.files?.[0]?.name ?? 'pasted.txt', text: text.value } : null)
      if (!source) {
        // A blank document: nothing to preview.
        try { await api.createDoc(docName, title.value || undefined, undefined, undefined, newVisibility.value as Visibility); await created(docName) } catch (err) { fail(err) }
        return
      }
      // Nothing is written before the person has seen what was recognised and confirmed.
      const written = await openImportDialog({
        api, source,
        title: `New document ${docName}`,
        confirmLabel: 'Import',
        consequence: `Importing creates the document ${docName} with this text.`,
        onConfirm: async (p) => {
          await api.createDoc(docName, title.value || p.title || undefined, p.text, p.doc, newVisibility.value as Visibility)
          // A Word draft's header and version line are kept with the document.
          const header = previewHeader(p)
          if (header) await api.setDocHeader(docName, header)
        }
      })
      if (written) await created(docName)
      else flash('Import cancelled: nothing was created.')
    })

    // Sign-in links.
    const role = h('select', { id: 'tok-role' }, ...ROLES.map((r) => h('option', { value: r, selected: r === 'delegation' }, r)))
    const delegation = h('select', { id: 'tok-delegation' })
    const fillDelegations = () => {
      const v = delegation.value
      replaceChildren(delegation, ...me.roster.map((r) => h('option', { value: r.code, selected: r.code === v }, `${r.code} — ${r.name}`)))
    }
    fillDelegations()
    const label = h('input', { id: 'tok-label', placeholder: 'e.g. head of delegation', autocomplete: 'off' })
    docSelect = h('select', { id: 'tok-doc' })
    // Without it the link is meeting-wide (every document); with it, the chosen document only.
    const only = h('input', { id: 'tok-only', type: 'checkbox' })
    const expires = h('select', { id: 'tok-expires' },
      ...[['', 'never'], ['8h', 'in 8 hours'], ['1d', 'in 1 day'], ['7d', 'in 7 days']].map(([v, t]) => h('option', { value: v }, t)))
    role.addEventListener('change', () => { delegation.disabled = role.value !== 'delegation' })
    const issued = h('div', { class: 'issued', 'aria-live': 'polite' })
    const tokensBody = h('tbody')
    const issueForm = h('form', { class: 'card', 'aria-labelledby': 'issue-title' },
      h('h2', { id: 'issue-title' }, 'Sign-in links'),
      h('label', { for: 'tok-role' }, 'Role'), role,
      h('label', { for: 'tok-delegation' }, 'Delegation'), delegation,
      h('label', { for: 'tok-label' }, 'Label'), label,
      h('label', { for: 'tok-doc' }, 'Opens'), docSelect,
      h('label', { for: 'tok-only' }, only, ' Only this document'),
      h('label', { for: 'tok-expires' }, 'Expires'), expires,
      h('button', { type: 'submit', class: 'primary' }, 'Issue link'), issued)
    issueForm.addEventListener('submit', async (e) => {
      e.preventDefault()
      try {
        const opens = docSelect!.value || undefined
        const t = await api.issueToken({ role: role.value as Role, delegation: role.value === 'delegation' ? delegation.value : undefined, label: label.value || undefined, doc: only.checked ? opens : undefined, expires: expires.value || undefined })
        const path = opens ? `/d/${encodeURIComponent(opens)}?token=${encodeURIComponent(t.token)}` : t.link
        const link = new URL(path, location.origin).href
        const out = h('input', { readonly: true, value: link, 'aria-label': 'New sign-in link', class: 'link' })
        replaceChildren(issued, h('p', {}, `Link for ${t.delegation ?? t.role} — shown once, copy it now:`), out,
          h('button', { type: 'button', onclick: async () => { out.select(); try { await navigator.clipboard.writeText(link); flash('Link copied.') } catch { document.execCommand('copy'); flash('Link copied.') } } }, 'Copy'))
        await refreshTokens()
      } catch (err) { fail(err) }
    })
    async function refreshTokens() {
      let list: TokenInfo[]
      try { list = await api.tokens() } catch (e) { fail(e); return }
      const working = (x: TokenInfo) => !x.revoked && !(x.expiresAt && Date.parse(x.expiresAt) <= Date.now())
      const secretariatLinks = list.filter((x) => x.role === 'secretariat' && working(x)).length
      replaceChildren(tokensBody, ...list.map((t) => h('tr', { 'data-revoked': String(t.revoked), ...(t.you ? { 'data-you': '' } : {}) },
        h('td', {}, t.role, t.you ? h('strong', { class: 'you' }, ' (you)') : null), h('td', {}, t.delegation ?? ''), h('td', {}, t.label ?? ''), h('td', {}, when(t.createdAt)),
        h('td', {}, t.doc ?? 'all documents'),
        h('td', {}, t.revoked ? 'revoked' : t.expiresAt && Date.parse(t.expiresAt) <= Date.now() ? 'expired' : t.expiresAt ? `until ${when(t.expiresAt)}` : 'active'),
        h('td', {}, t.revoked ? null : (() => {
          const name = `${t.delegation ?? t.role} link${t.label ? ' ' + t.label : ''}`
          // The last working secretariat link stays: without it nobody could manage the meeting (the server refuses too).
          const last = t.role === 'secretariat' && working(t) && secretariatLinks <= 1
          return h('button', {
            type: 'button', 'aria-label': `Revoke the ${name}`, disabled: last,
            title: last ? 'The last secretariat link cannot be revoked: issue another secretariat link first' : `Revoke the ${name}`,
            onclick: async () => {
              const sure = await confirmDialog(`Revoke the ${name}?`,
                (t.you ? 'This is the link you are signed in with: this tab is signed out at once. ' : '') +
                'Anyone signed in with it is signed out within a second and their text turns read-only; the link never works again.', 'Revoke')
              if (!sure) return
              try { await api.revokeToken(t.id); flash('Link revoked.'); if (t.you) { location.reload(); return } await refreshTokens() } catch (e) { fail(e) }
            }
          }, 'Revoke')
        })()))))
    }
    const tokensTable = h('table', { class: 'tokens' }, h('caption', {}, 'Issued links'),
      h('thead', {}, h('tr', {}, ...['Role', 'Delegation', 'Label', 'Issued', 'Documents', 'Status', ''].map((t) => h('th', { scope: 'col' }, t)))), tokensBody)
    // Links for every delegation at once: a printable list and a CSV, for the opening of the meeting.
    const batchOut = h('div', { class: 'batch-links' })
    const batch = h('button', { type: 'button', onclick: () => void issueAll() }, 'Links for every delegation…')
    async function issueAll() {
      const opens = docSelect!.value || undefined
      const sure = await confirmDialog('Issue a link for every delegation?',
        `One new link for each of the ${me.roster.length} delegations on the roster${opens ? `, opening ${opens}` : ''}. Each is shown once, here: print the list or save it as CSV now.`, 'Issue links')
      if (!sure) return
      const now = new Date()
      const stamp = meetingTime(now)
      const rows: { code: string; name: string; link: string }[] = []
      for (const r of me.roster) {
        try {
          const t = await api.issueToken({ role: 'delegation', delegation: r.code, label: `${r.code} ${stamp}`, doc: undefined })
          const path = opens ? `/d/${encodeURIComponent(opens)}?token=${encodeURIComponent(t.token)}` : t.link
          rows.push({ code: r.code, name: r.name, link: new URL(path, location.origin).href })
        } catch (e) { fail(e); break }
      }
      const csv = ['code,delegation,link', ...rows.map((x) => [x.code, x.name, x.link].map((v) => `"${v.replace(/"/g, '""')}"`).join(','))].join('\r\n') + '\r\n'
      const save = h('button', { type: 'button', onclick: () => saveBlob(new Blob([csv], { type: 'text/csv' }), `sign-in-links-${meetingFileStamp(now).replace(/-/g, '')}.csv`) }, 'Save as CSV')
      const print = h('button', { type: 'button', onclick: () => window.print() }, 'Print')
      replaceChildren(batchOut,
        h('h2', {}, `Sign-in links, ${stamp} — shown once`), save, print,
        h('table', { class: 'tokens batch' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Code'), h('th', { scope: 'col' }, 'Delegation'), h('th', { scope: 'col' }, 'Sign-in link'))),
          h('tbody', {}, ...rows.map((x) => h('tr', {}, h('td', {}, x.code), h('td', {}, x.name), h('td', { class: 'link' }, x.link))))))
      document.body.classList.add('has-batch-links')
      flash(`${rows.length} links issued.`)
      await refreshTokens()
    }
    issueForm.append(batch)
    const roster = rosterEditor({ api, roster: me.roster, flash, changed: () => { fillDelegations(); void refreshDocs() } })
    rosterRefresh = roster.refresh
    sections.push(h('div', { class: 'manage' }, createForm, issueForm), batchOut, h('section', { 'aria-label': 'Issued links' }, tokensTable), roster.el)
    void refreshTokens()
  }

  const m = me.meeting
  root.replaceChildren(
    h('header', { class: 'topbar' }, h('span', { class: 'brand' }, 'Podium'), h('span', { class: 'spacer' }), whoChip(me)),
    h('main', { class: 'home' },
      h('h1', {}, m.name),
      h('p', { class: 'meeting-meta' }, [m.dates, m.timeZone && `time zone ${m.timeZone}`, m.cobTime && `COB ${m.cobTime}`].filter(Boolean).join(' · ')),
      status, ...sections))
  await refreshDocs()
  // Status and who is connected change during the meeting.
  setInterval(() => { if (!document.hidden) { void refreshDocs(); void rosterRefresh?.() } }, 5000)
}
