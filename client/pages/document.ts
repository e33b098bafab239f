import type { EditorView } from 'prosemirror-view'
import { canEdit, speaksForAnyDelegation } from '../../shared/protocol.ts'
import { Api } from '../session/api.ts'
import { previewHeader, type Me } from '../session/types.ts'
import { headerSummary } from '../ui/doc-header.ts'
import { connect, refusalKey, type Connection } from '../sync/connection.ts'
import { createEditor } from '../editor/create-editor.ts'
import type { ActionContext } from '../editor/actions.ts'
import { h } from '../ui/dom.ts'
import { ask } from '../ui/ask.ts'
import { confirmDialog } from '../ui/confirm.ts'
import { linkIndicator } from '../ui/link-state.ts'
import { identityOf, whoChip } from '../ui/identity.ts'
import { createToolbar } from '../ui/toolbar.ts'
import { openHelp } from '../ui/help.ts'
import { createOutline } from '../ui/outline.ts'
import { createMatrix } from '../ui/matrix.ts'
import { createPresence } from '../ui/presence.ts'
import { followSecretariat, shareViewport } from '../ui/podium-follow.ts'
import { createNotice } from '../ui/notice.ts'
import { showStranded } from '../ui/stranded.ts'
import { createHistoryPanel, createStage } from '../history/index.ts'
import { watchRestores } from '../history/restore-notice.ts'
import { watchMerges } from '../editor/merge-flags.ts'
import { exportMenu, openImportDialog } from '../transfer/index.ts'
import { followRoster } from '../session/live-roster.ts'
import { rosterChanged } from '../editor/node-views.ts'
import { rosterChangedTransaction } from '../editor/analysis-plugin.ts'

const SPEAKING_KEY = 'podium.speaking'

/** What the document page exposes on `window.podium` for debugging and browser tests. */
export interface DocumentHandle {
  view: EditorView
  connection: Connection
  me: Me
}

/**
 * The document page `/d/<doc>`: header (who, connection state), toolbar, the live text, and the
 * side panels (outline, positions, presence). Observers (and `#podium`) get the podium screen:
 * large type, read-only, following the secretariat's cursor.
 */
export async function showDocument(root: HTMLElement, docName: string, session: string): Promise<DocumentHandle> {
  const api = new Api(session)
  const me = await api.me()
  // The document list gives the title, the creation time (which keys the local copy) and whether it is archived.
  const summary = await api.docs().then((docs) => docs.find((x) => x.name === docName) ?? null).catch(() => null)
  // An archived document is read only for everyone (the server refuses changes to it).
  const archived = Boolean(summary?.archivedAt)
  const editing = canEdit(me.role) && !archived
  const identity = identityOf(me)
  const podium = !canEdit(me.role) || location.hash === '#podium'
  document.body.classList.toggle('podium-screen', podium)
  document.title = `${docName} — Podium`

  // The websocket names the session; the browser adds its cookie (never the token in the URL).
  const connection = connect({ docName, token: session, identity, incarnation: summary?.createdAt ?? null })
  let ready = false
  let view: EditorView | null = null

  let speaking: string | null = me.delegation ?? (speaksForAnyDelegation(me.role) ? sessionStorage.getItem(SPEAKING_KEY) ?? (me.role === 'chair' ? 'CHAIR' : null) : null)
  const pen = speaksForAnyDelegation(me.role)
  const ctx: ActionContext = { speaking: () => speaking, ask, holdsPen: () => pen, confirm: confirmDialog }

  const notice = createNotice()
  const say = notice.say
  const indicator = linkIndicator()
  const title = h('h1', { class: 'doc-title' }, docName)
  const podiumToggle = h('a', { class: 'view-toggle', href: podium ? '#' : '#podium', onclick: (e: Event) => { e.preventDefault(); location.hash = podium ? '' : '#podium'; location.reload() } }, podium ? (editing ? 'Editing view' : '') : 'Podium screen')
  // Replacing the live text is the secretariat's (the server refuses anyone else).
  const replace = me.role === 'secretariat' && !podium ? h('button', { type: 'button', class: 'replace-text', onclick: () => void replaceText() }, 'Replace text from file…') : null
  const header = h('header', { class: 'topbar' },
    h('a', { href: '/', class: 'brand', 'aria-label': 'Meeting home' }, 'Podium'), title, h('span', { class: 'spacer' }),
    exportMenu({ api, doc: docName, say }), replace,
    whoChip(me), indicator.el, editing ? podiumToggle : null)
  // A link revoked or expired while editing: the text turns read-only at once, and a banner says why.
  let signedOut = false
  connection.onState((s) => {
    indicator.set(s, connection.refusal)
    if (s === 'refused' && connection.stranded) showStranded(connection, docName)
    else if (s === 'refused' && !signedOut) {
      signedOut = true
      document.body.classList.add('signed-out')
      view?.setProps({})
      if (view) toolbar?.update(view)
      const why = connection.refusal ?? 'refused by the server'
      // Archived or withdrawn by the secretariat: the document's state, not the link's.
      if (/archived|withdrawn|not released|no document named/.test(why)) say(`Read only: ${why}. Nothing you type now would reach anyone.`, true)
      else say(`Read only: this sign-in link no longer works (${why}). Nothing you type now would reach anyone; ask the secretariat for a new link.`, true)
    }
  })

  const toolbar = editing && !podium ? createToolbar({
    getView: () => view, ctx, roster: me.roster,
    fixedDelegation: me.delegation && !speaksForAnyDelegation(me.role) ? me.delegation : null,
    initialSpeaking: speaking,
    onSpeakingChange: (c) => { speaking = c; if (c) sessionStorage.setItem(SPEAKING_KEY, c); else sessionStorage.removeItem(SPEAKING_KEY) },
    onHelp: openHelp
  }) : null

  const mount = h('div', { class: 'paper', id: 'podium-text' })
  const loading = h('p', { class: 'loading', role: 'status' }, 'Loading the podium version…')
  const outline = createOutline()
  const matrix = createMatrix(me.roster)
  const presence = createPresence(connection.provider.awareness, me.roster)
  const history = createHistoryPanel({
    api, doc: docName, me, say,
    view: (snap) => void stage.viewSnapshot(snap),
    compare: (from, to) => void stage.compare(from, to),
    restored: () => stage.backToLive()
  })
  const panels = { outline, positions: matrix, presence, history: { el: history.el, update: () => history.update() } }
  const tabs = h('div', { role: 'tablist', class: 'tabs', 'aria-label': 'Around the text' })
  const side = h('aside', { class: 'side', 'aria-label': 'Around the text' }, tabs)
  let active: keyof typeof panels = 'outline'
  for (const [id, panel] of Object.entries(panels) as [keyof typeof panels, { el: HTMLElement }][]) {
    const tab = h('button', { type: 'button', role: 'tab', id: `tab-${id}`, 'aria-controls': `panel-${id}`, 'aria-selected': String(id === active), tabindex: id === active ? '0' : '-1' }, id.charAt(0).toUpperCase() + id.slice(1))
    panel.el.id = `panel-${id}`
    panel.el.setAttribute('role', 'tabpanel')
    panel.el.setAttribute('aria-labelledby', `tab-${id}`)
    panel.el.hidden = id !== active
    tab.addEventListener('click', () => select(id))
    tab.addEventListener('keydown', (e) => {
      const ids = Object.keys(panels) as (keyof typeof panels)[]
      const i = ids.indexOf(id)
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        const next = ids[(i + (e.key === 'ArrowRight' ? 1 : ids.length - 1)) % ids.length]
        select(next)
        document.getElementById(`tab-${next}`)?.focus()
      }
    })
    tabs.append(tab)
    side.append(panel.el)
  }
  function select(id: keyof typeof panels) {
    active = id
    for (const t of tabs.querySelectorAll('[role=tab]')) {
      const on = t.id === `tab-${id}`
      t.setAttribute('aria-selected', String(on))
      t.setAttribute('tabindex', on ? '0' : '-1')
    }
    for (const [k, p] of Object.entries(panels)) p.el.hidden = k !== id
    // The matrix needs room for a column per delegation.
    layout.classList.toggle('wide-side', id === 'positions')
    if (view) panels[id].update(view)
  }

  const column = h('div', { class: 'paper-column' }, loading, mount)
  const layout = h('main', { class: 'layout' }, column, podium ? null : side)
  root.replaceChildren(header, ...(toolbar ? [toolbar.el] : []), layout, notice.el)
  const stage = createStage({ api, doc: docName, roster: me.roster, column, live: [loading, mount], toolbar: toolbar?.el ?? null, liveView: () => view, say })

  // The draft's header and version line as imported ("Version 14/11/2024 13:00"), beside the title.
  const headerLine = h('span', { class: 'doc-header muted', title: 'The imported draft\'s header', hidden: true })
  title.after(headerLine)
  function showHeader(header: string) {
    headerLine.textContent = headerSummary(header)
    headerLine.title = `The imported draft's header: ${header.split('\n').join(' · ')}`
    headerLine.hidden = false
  }

  async function replaceText() {
    await openImportDialog({
      api,
      title: 'Replace the text from a file',
      confirmLabel: 'Replace the text',
      consequence: 'The live text is replaced for everyone, as one change. A snapshot of the current text (“Before replacing the text with an import”) is taken first, so nothing is lost.',
      onConfirm: async (preview) => {
        // The document as the server read it, so the file's text is never read as markup twice.
        const r = await api.replaceText(docName, preview.text, preview.doc)
        // A Word draft's header and version line come with it ("Version 14/11/2024 13:00").
        const header = previewHeader(preview)
        if (header) { await api.setDocHeader(docName, header); showHeader(header) }
        stage.backToLive()
        say(`Text replaced. The text before is kept as the snapshot “${r.before.label}”.`)
        await history.refresh()
      }
    })
  }

  // Panels follow the text at most a few times a second: typing must stay instant.
  let panelTimer: ReturnType<typeof setTimeout> | null = null
  const schedulePanels = () => {
    if (panelTimer || podium) return
    panelTimer = setTimeout(() => { panelTimer = null; if (view) panels[active].update(view) }, 250)
  }

  view = createEditor(mount, {
    fragment: connection.fragment,
    awareness: connection.provider.awareness,
    roster: me.roster,
    canEdit: editing,
    ready: () => ready && !signedOut,
    actions: ctx,
    // On the projector only the pen is shown.
    showCursor: podium ? (user) => user?.role === 'secretariat' : undefined,
    ariaLabel: `Podium version of ${docName}${editing ? '' : ' (read only)'}`,
    // The rules the server enforces, applied before a change leaves the tab (shared/trust).
    trust: editing ? {
      sender: () => ({ role: me.role, delegation: me.delegation, identity: me.role === 'delegation' && me.delegation ? `delegation:${me.delegation}` : `role:${me.role}` }),
      notify: (message) => say(message, true)
    } : undefined,
    size: editing ? { unsentBytes: () => connection.unsentBytes, notify: (message) => say(message, true) } : undefined,
    onUpdate: (v) => { toolbar?.update(v); schedulePanels() }
  })
  view.dom.id = 'podium-text-editor'
  // Paragraphs both sides changed while apart (offline) are flagged to check, with both versions.
  if (editing) watchMerges({ ydoc: connection.ydoc, awareness: connection.provider.awareness, remoteOrigin: connection.provider, view: () => view, onState: (fn) => { connection.onState(fn) } })
  // Restore and Replace are announced to every screen, with what the person was typing offered back.
  watchRestores({ api, doc: docName, ydoc: connection.ydoc, awareness: connection.provider.awareness, remoteOrigin: connection.provider, view: () => view, announced: () => void history.refresh() })
  connection.provider.awareness.on('change', () => { if (active === 'presence') schedulePanels() })

  window.addEventListener('keydown', (e) => {
    if (e.key === 'F1') { e.preventDefault(); openHelp() }
  })
  if (podium) followSecretariat(() => view, connection.provider.awareness)
  // The podium screen shows what the pen's screen shows: the secretariat and the chair say it in presence.
  else if (me.role === 'secretariat' || me.role === 'chair') shareViewport(() => view, connection.provider.awareness)

  void connection.ready.then((from) => {
    ready = true
    loading.remove()
    document.body.dataset.ready = from
    // Re-evaluate `editable` now that the document is here.
    view!.setProps({})
    toolbar?.update(view!)
    if (view) panels[active].update(view)
  })

  // A change the server refused reloaded the page (sync/connection.ts): say why, once.
  const refused = sessionStorage.getItem(refusalKey(docName))
  if (refused !== null) {
    sessionStorage.removeItem(refusalKey(docName))
    say(`Your last change was not accepted: ${refused}. The text is as the server has it.`, true)
  }

  if (summary?.title) { title.textContent = summary.title; document.title = `${summary.title} — Podium` }
  if (summary?.header) showHeader(summary.header)
  if (archived && canEdit(me.role)) say('This document is archived: it is read only for everyone. The secretariat can unarchive it from the meeting home.')

  // Delegations added, renamed or recoloured from the meeting home: chips, picker and panels redraw.
  const rosterFollower = followRoster(api, me.roster, () => {
    rosterChanged(me.roster)
    // New functions (ProseMirror compares them) make the view draw every chip again with the new colours.
    if (view) view.setProps({ nodeViews: Object.fromEntries(Object.entries(view.props.nodeViews ?? {}).map(([k, f]) => [k, (...a: Parameters<typeof f>) => f(...a)])) })
    toolbar?.refreshRoster()
    if (view) view.dispatch(rosterChangedTransaction(view.state))
    if (view) panels[active].update(view)
  })
  connection.onRosterRevision((revision) => rosterFollower.pushed(revision))


  const handle: DocumentHandle = { view, connection, me }
  return handle
}
