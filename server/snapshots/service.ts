import { createHash } from 'node:crypto'
import * as Y from 'yjs'
import type { Node } from 'prosemirror-model'
import { analyse } from '../../shared/analysis/index.ts'
import { serializePodium } from '../../shared/format/index.ts'
import { carryIds, compareSnapshots, recordsAttributor, type Comparison } from '../../shared/history/index.ts'
import { newYDoc, readDocFromY, updateYFromDoc } from '../../shared/ydoc.ts'
import { withYDoc } from '../documents.ts'
import { IntegrityError } from '../storage/chain.ts'
import type { SnapshotMeta, SnapshotRecord, Storage } from '../storage/types.ts'
import type { OnBehalfOf } from '../sync/origins.ts'

// Taking, comparing and restoring snapshots of a document. Snapshots are read from the live Y.Doc in
// one synchronous turn, so a snapshot holds exactly what was accepted (and stored) at that moment.

/** What the snapshot functions need from the server. */
export interface SnapshotDeps {
  storage: Storage
  /** Loaded documents (the hub's rooms). */
  live: { get(name: string): { ydoc: Y.Doc; applyLocal(update: Uint8Array, by: OnBehalfOf): void } | undefined }
}


/** The operator at a terminal (`podium snapshot`, `podium import --replace`): the secretariat, which runs the server. */
export const CLI_ACTOR: OnBehalfOf = Object.freeze({ tokenId: null, role: 'secretariat', delegation: null, identity: 'cli' })

/** SHA-256 (hex) of a podium text. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** Result of takeSnapshot: the snapshot, or why there is none (no such document; this COB already taken). */
export type TakeResult = { ok: true; snapshot: SnapshotMeta } | { ok: false; reason: 'missing' | 'exists' }

/** Takes an immutable snapshot of document `name` now. `cobDate` marks a COB snapshot (one per document and day). */
export function takeSnapshot(deps: SnapshotDeps, name: string, options: { label: string; by: OnBehalfOf; cobDate?: string | null }): TakeResult {
  if (typeof options.label !== 'string' || !options.label.trim()) throw new RangeError(`snapshot label ${JSON.stringify(options.label)} is empty`)
  const result = withYDoc(deps.storage, deps.live, name, (ydoc): TakeResult => {
    // Everything below runs in one turn: no update can land between reading the state and the log position.
    const upto = deps.storage.lastUpdateId(name)
    const doc = readDocFromY(ydoc)
    const text = serializePodium(doc)
    const record: Omit<SnapshotRecord, 'id'> = {
      doc: name,
      label: options.label.trim(),
      createdAt: new Date().toISOString(),
      takenBy: options.by.identity,
      role: options.by.role,
      cobDate: options.cobDate ?? null,
      sha256: sha256(text),
      upto,
      totals: analyse(doc).totals,
      snapshot: Y.encodeSnapshot(Y.snapshot(ydoc)),
      state: Y.encodeStateAsUpdate(ydoc)
    }
    const id = deps.storage.insertSnapshot(record)
    if (id === null) return { ok: false, reason: 'exists' }
    const { snapshot: _s, state: _st, ...meta } = record
    return { ok: true, snapshot: { id, ...meta } }
  })
  return result ?? { ok: false, reason: 'missing' }
}

/**
 * The document as it was in a stored snapshot (rebuilt from the snapshot's own encoded state). Its
 * podium text is re-hashed: an IntegrityError when it no longer matches the SHA-256 taken with it.
 */
export function snapshotDoc(record: SnapshotRecord): Node {
  const doc = docOfState(record.state)
  if (sha256(serializePodium(doc)) !== record.sha256) {
    throw new IntegrityError(`${record.doc}: snapshot ${record.id}'s text does not match its SHA-256 (changed after it was written)`)
  }
  return doc
}

function docOfState(state: Uint8Array): Node {
  const ydoc = newYDoc()
  Y.applyUpdate(ydoc, state)
  const doc = readDocFromY(ydoc)
  ydoc.destroy()
  return doc
}

/** The SHA-256 of the podium text a stored snapshot state holds (what `podium verify` compares). */
export function snapshotTextSha256(state: Uint8Array): string {
  return sha256(serializePodium(docOfState(state)))
}

/** Names people read for an identity: `IND`, `Secretariat`, `Chair (Mr Smith)`, `Podium`. */
export function displayName(storage: Storage, identity: string): string {
  if (identity.startsWith('delegation:')) return identity.slice('delegation:'.length)
  if (identity.startsWith('token:')) {
    const t = storage.tokenById(identity.slice('token:'.length))
    if (!t) return identity
    const role = t.role[0].toUpperCase() + t.role.slice(1)
    // A label that only repeats the role ("Secretariat (Secretariat)") adds nothing.
    return t.label && t.label.trim().toLowerCase() !== t.role.toLowerCase() ? `${role} (${t.label})` : role
  }
  if (identity === 'cli') return 'Secretariat (command line)'
  return identity === 'server' ? 'Podium' : identity
}

/** Result of compare: the comparison with both ends described, or why there is none. */
export type CompareResult =
  | { ok: true; comparison: Comparison; from: SnapshotMeta; to: SnapshotMeta | 'live' }
  | { ok: false; reason: 'missing-doc' | 'missing-snapshot'; which?: string }

/** Compares snapshot `fromId` with snapshot `toId` or the live text, attributed from the server's records. */
export function compare(deps: SnapshotDeps, name: string, fromId: number, toId: number | 'live'): CompareResult {
  const from = deps.storage.getSnapshot(name, fromId)
  if (!from) return deps.storage.getDoc(name) ? { ok: false, reason: 'missing-snapshot', which: String(fromId) } : { ok: false, reason: 'missing-doc' }
  const to = toId === 'live' ? 'live' : deps.storage.getSnapshot(name, toId)
  if (!to) return { ok: false, reason: 'missing-snapshot', which: String(toId) }
  const owners = deps.storage.owners(name)
  const deletions = deps.storage.deletions(name).map((d) => ({ identity: d.identity, ds: Y.decodeSnapshot(d.ds).ds }))
  const result = withYDoc(deps.storage, deps.live, name, (ydoc) => {
    const toSnap = to === 'live' ? Y.snapshot(ydoc) : Y.decodeSnapshot(to.snapshot)
    return compareSnapshots(ydoc, Y.decodeSnapshot(from.snapshot), toSnap, recordsAttributor(owners, deletions))
  })
  if (!result) return { ok: false, reason: 'missing-doc' }
  // Identities become the names people use, once, here at the edge.
  const names = new Map<string, string>()
  const name_ = (id: string) => names.get(id) ?? names.set(id, displayName(deps.storage, id)).get(id)!
  const rename = (xs: { by: string | null; proposal?: { by: string | null }; attrsChanged?: { by: string | null }; content?: unknown[] }[]): void => {
    for (const x of xs) {
      if (x.by) x.by = name_(x.by)
      if (x.proposal?.by) x.proposal.by = name_(x.proposal.by)
      if (x.attrsChanged?.by) x.attrsChanged.by = name_(x.attrsChanged.by)
      if (Array.isArray(x.content)) rename(x.content as never)
    }
  }
  rename(result.blocks as never)
  for (const c of result.changes) {
    // "IND proposed deleting …": the summary starts with the proposer's identity.
    if (c.kind === 'deletion-proposed' && c.by.length === 1 && c.summary.startsWith(c.by[0] + ' ')) c.summary = name_(c.by[0]) + c.summary.slice(c.by[0].length)
    c.by = c.by.map(name_)
  }
  const byIdentity: Record<string, number> = {}
  for (const [k, v] of Object.entries(result.byIdentity)) byIdentity[name_(k)] = (byIdentity[name_(k)] ?? 0) + v
  result.byIdentity = byIdentity
  const { snapshot: _a, state: _b, ...fromMeta } = from
  const toMeta = to === 'live' ? 'live' : (({ snapshot: _c, state: _d, ...m }) => m)(to)
  return { ok: true, comparison: result, from: fromMeta, to: toMeta }
}

/**
 * Makes `target` the live text of document `name` as one new update by `by`: the change is computed on a
 * copy with a client id of its own and applied through the room when loaded (stored, broadcast) or
 * appended to the stored log otherwise. Returns false when there is no such document.
 */
export function applyDocAsChange(deps: SnapshotDeps, name: string, target: Node, by: OnBehalfOf): boolean {
  const update = withYDoc(deps.storage, deps.live, name, (ydoc) => {
    const copy = newYDoc()
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(ydoc))
    const sv = Y.encodeStateVector(copy)
    updateYFromDoc(copy, carryIds(readDocFromY(copy), target))
    const diff = Y.encodeStateAsUpdate(copy, sv)
    copy.destroy()
    return { diff, clientIds: [copy.clientID] }
  })
  if (!update) return false
  const room = deps.live.get(name)
  if (room) room.applyLocal(update.diff, by)
  else deps.storage.append(name, update.diff, { ...by, clientIds: update.clientIds })
  return true
}

/** Result of restore or replace: the snapshot taken first, or why nothing was done. */
export type ReplaceResult = { ok: true; before: SnapshotMeta } | { ok: false; reason: 'missing-doc' | 'missing-snapshot' }

/**
 * Makes snapshot `id`'s text the live text as a new change by `by`. A snapshot of the current state is
 * taken first, and nothing of the history is lost: the restore is one more update in the log.
 */
export function restore(deps: SnapshotDeps, name: string, id: number, by: OnBehalfOf): ReplaceResult {
  const record = deps.storage.getSnapshot(name, id)
  if (!record) return deps.storage.getDoc(name) ? { ok: false, reason: 'missing-snapshot' } : { ok: false, reason: 'missing-doc' }
  return replaceDoc(deps, name, snapshotDoc(record), `Before restoring "${record.label}"`, by)
}

/** Replaces the live text with `target` (an import) after taking a snapshot labelled `label`. */
export function replaceDoc(deps: SnapshotDeps, name: string, target: Node, label: string, by: OnBehalfOf): ReplaceResult {
  const before = takeSnapshot(deps, name, { label, by })
  if (!before.ok) return { ok: false, reason: 'missing-doc' }
  applyDocAsChange(deps, name, target, by)
  return { ok: true, before: before.snapshot }
}
