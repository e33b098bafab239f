// Presence that cannot lie. A client's awareness update is decoded here, never applied as sent:
// each connection may set only its own entry (the first awareness client ID it uses), the `user`
// field is the connection's identity from its token (role, delegation, name, roster colour), only
// known fields are kept (`user`, `cursor` as y-prosemirror relative positions, the pen's `viewport`), an entry is at most
// AWARENESS_MAX_BYTES, and a connection sends at most AWARENESS_PER_SECOND updates (burst
// AWARENESS_BURST). What is left is re-encoded and applied through y-protocols, which keeps the
// clocks, the timeouts and the broadcast. Breaches are dropped; repeated ones close the socket 1008.

import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import { AWARENESS_BURST, AWARENESS_MAX_BYTES, AWARENESS_PER_SECOND } from '../../shared/limits.ts'
import { presenceUserOf, type PresenceUser } from '../../shared/presence.ts'
import { CloseCode } from '../../shared/protocol.ts'
import { DEFAULT_ROSTER, type RosterEntry } from '../../shared/roster.ts'
import { cleanViewport } from '../../shared/viewport.ts'
import type { Logger } from '../logger.ts'
import type { Peer } from './peer.ts'

/** What the guard needs of a room. */
export interface GuardedRoom {
  readonly name: string
  readonly awareness: awarenessProtocol.Awareness
  readonly peers: ReadonlyMap<number, Peer>
}

/** What the guard needs of the server. */
export interface GuardDeps {
  log: Logger
  /** The meeting's roster (delegation colours); DEFAULT_ROSTER when not given. */
  roster?: readonly RosterEntry[]
  /** Clock in ms (tests); default performance.now. */
  now?: () => number
}

/** Breaches a connection may commit (dropped entries), decaying by one per second, before it is closed 1008. */
export const AWARENESS_MAX_STRIKES = 10

/**
 * A message over the rate counts this fraction of a strike: an honest editor dragging a selection
 * can briefly send more than the rate (those cursor updates are dropped), but only a flood of over
 * about 3× the rate, sustained, closes the connection.
 */
export const AWARENESS_RATE_STRIKE = 0.1
const RATE_STRIKE = AWARENESS_RATE_STRIKE

/** Why an entry or an update was dropped. */
export type AwarenessDrop = 'rate' | 'foreign-client' | 'too-large' | 'not-an-object' | 'bad-json' | 'server-client'

interface PeerState {
  /** The awareness client ID bound to this connection (the first one it set), or null. */
  bound: number | null
  tokens: number
  at: number
  strikes: number
  strikeAt: number
  /** Its presence user, computed once. */
  user: PresenceUser | null
}

const peerStates = new WeakMap<Peer, PeerState>()
// Per room's awareness: which peer each awareness client ID is bound to.
const owners = new WeakMap<awarenessProtocol.Awareness, Map<number, Peer>>()

function stateOf(peer: Peer, now: number): PeerState {
  let s = peerStates.get(peer)
  if (!s) {
    s = { bound: null, tokens: AWARENESS_BURST, at: now, strikes: 0, strikeAt: now, user: null }
    peerStates.set(peer, s)
  }
  return s
}

function ownersOf(room: GuardedRoom): Map<number, Peer> {
  let m = owners.get(room.awareness)
  if (!m) {
    m = new Map()
    owners.set(room.awareness, m)
  }
  return m
}

function takeToken(s: PeerState, now: number): boolean {
  s.tokens = Math.min(AWARENESS_BURST, s.tokens + ((now - s.at) / 1000) * AWARENESS_PER_SECOND)
  s.at = now
  if (s.tokens < 1) return false
  s.tokens -= 1
  return true
}

// Adds a strike (a fraction for a message over the rate); true when the connection has now breached too often and must be closed.
function strike(s: PeerState, now: number, weight: number): boolean {
  s.strikes = Math.max(0, s.strikes - (now - s.strikeAt) / 1000) + weight
  s.strikeAt = now
  return s.strikes > AWARENESS_MAX_STRIKES
}

const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)
const own = (o: Record<string, unknown>, key: string): unknown => (Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined)

function cleanId(v: unknown): { client: number; clock: number } | null {
  if (!isObject(v)) return null
  const client = own(v, 'client')
  const clock = own(v, 'clock')
  return isUint(client) && isUint(clock) ? { client, clock } : null
}

/** A y-prosemirror relative position (Y.relativePositionToJSON) rebuilt as a plain object, or null when it is not one. */
export function cleanRelativePosition(v: unknown): Record<string, unknown> | null {
  if (!isObject(v)) return null
  const out: Record<string, unknown> = {}
  const type = own(v, 'type')
  const tname = own(v, 'tname')
  const item = own(v, 'item')
  const assoc = own(v, 'assoc')
  if (type !== undefined && type !== null) {
    const t = cleanId(type)
    if (!t) return null
    out.type = t
  }
  if (tname !== undefined && tname !== null) {
    if (typeof tname !== 'string' || tname.length > 200) return null
    out.tname = tname
  }
  if (item !== undefined && item !== null) {
    const i = cleanId(item)
    if (!i) return null
    out.item = i
  }
  if (assoc !== undefined && assoc !== null) {
    if (typeof assoc !== 'number' || !Number.isSafeInteger(assoc)) return null
    out.assoc = assoc
  }
  if (out.type === undefined && out.tname === undefined && out.item === undefined) return null
  return out
}

/** `{ anchor, head }` rebuilt from relative positions, or null (no cursor, or not a valid one). */
export function cleanCursor(v: unknown): { anchor: Record<string, unknown>; head: Record<string, unknown> } | null {
  if (!isObject(v)) return null
  const anchor = cleanRelativePosition(own(v, 'anchor'))
  const head = cleanRelativePosition(own(v, 'head'))
  return anchor && head ? { anchor, head } : null
}

/**
 * The state the server keeps for a client's state `parsed` (already JSON-parsed, an object):
 * `user` from the connection, `cursor` rebuilt when the client sent one, `viewport` (shared/viewport.ts)
 * rebuilt when the secretariat or the chair sent one, nothing else.
 */
export function cleanState(parsed: Record<string, unknown>, user: PresenceUser): Record<string, unknown> {
  const state: Record<string, unknown> = { user: { ...user } }
  if (Object.prototype.hasOwnProperty.call(parsed, 'cursor')) state.cursor = cleanCursor(parsed.cursor)
  // What the pen's screen shows (the podium screen follows it): the secretariat's and the chair's
  // only, and only exactly a viewport; anything else is null.
  if (Object.prototype.hasOwnProperty.call(parsed, 'viewport') && (user.role === 'secretariat' || user.role === 'chair')) state.viewport = cleanViewport(parsed.viewport)
  return state
}

interface Entry { clientID: number; clock: number; json: string; bytes: number }

// Reads a y-protocols awareness update; throws on truncated or trailing bytes.
function decodeEntries(update: Uint8Array): Entry[] {
  const decoder = decoding.createDecoder(update)
  const count = decoding.readVarUint(decoder)
  const entries: Entry[] = []
  for (let i = 0; i < count; i++) {
    const clientID = decoding.readVarUint(decoder)
    const clock = decoding.readVarUint(decoder)
    const before = decoder.pos
    const json = decoding.readVarString(decoder)
    entries.push({ clientID, clock, json, bytes: decoder.pos - before })
  }
  if (decoding.hasContent(decoder)) throw new Error('trailing bytes after the awareness update')
  return entries
}

function encodeEntries(entries: { clientID: number; clock: number; json: string }[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientID)
    encoding.writeVarUint(encoder, e.clock)
    encoding.writeVarString(encoder, e.json)
  }
  return encoding.toUint8Array(encoder)
}

/**
 * Handles one awareness message from `peer` in `room`: drops what breaks the rules (closing the
 * connection 1008 after repeated breaches, 1002 for bytes that are not an awareness update) and
 * applies the cleaned rest through y-protocols with the peer as origin. Returns what was dropped.
 *
 * y-websocket's client sends back every awareness change it receives (its update handler does not
 * look at the origin), so honest clients echo the others' entries all the time. An entry for
 * another client at a clock the room already has is such an echo: ignored, not counted against the
 * rate, never a breach. Only entries that would change the room's presence count.
 */
export function receiveAwareness(room: GuardedRoom, peer: Peer, update: Uint8Array, deps: GuardDeps): AwarenessDrop[] {
  let entries: Entry[]
  try {
    entries = decodeEntries(update)
  } catch (err) {
    deps.log.warn({ doc: room.name, peer: peer.id, err: (err as Error).message }, 'malformed awareness update')
    peer.close(CloseCode.protocolError, 'malformed awareness update')
    return []
  }
  const now = (deps.now ?? (() => performance.now()))()
  const s = stateOf(peer, now)
  // Echoes of what the room already has (y-protocols would ignore them too): dropped before any counting.
  const fresh = entries.filter((e) => {
    if (e.clientID === s.bound) return true
    const meta = room.awareness.meta.get(e.clientID)
    return meta === undefined || e.clock > meta.clock
  })
  const dropped: AwarenessDrop[] = []
  if (fresh.length === 0) return dropped
  const breach = (why: AwarenessDrop): boolean => {
    dropped.push(why)
    if (strike(s, now, why === 'rate' ? RATE_STRIKE : 1)) {
      deps.log.warn({ doc: room.name, peer: peer.id, why }, 'awareness abuse: closed')
      peer.close(CloseCode.policyViolation, `presence refused (${why}) too often`)
      return true
    }
    return false
  }
  if (!takeToken(s, now)) {
    breach('rate')
    return dropped
  }
  const map = ownersOf(room)
  const clean: { clientID: number; clock: number; json: string }[] = []
  for (const e of fresh) {
    if (e.clientID === room.awareness.clientID) {
      if (breach('server-client')) return dropped
      continue
    }
    if (e.bytes > AWARENESS_MAX_BYTES) {
      if (breach('too-large')) return dropped
      continue
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(e.json)
    } catch {
      if (breach('bad-json')) return dropped
      continue
    }
    if (parsed === null) {
      // A removal: only of this connection's own entry (removing what nobody set changes nothing).
      if (s.bound === e.clientID) clean.push({ clientID: e.clientID, clock: e.clock, json: 'null' })
      else if (s.bound !== null || isLiveOwner(room, map.get(e.clientID), peer)) {
        if (breach('foreign-client')) return dropped
      }
      continue
    }
    if (s.bound !== null ? e.clientID !== s.bound : isLiveOwner(room, map.get(e.clientID), peer)) {
      if (breach('foreign-client')) return dropped
      continue
    }
    if (!isObject(parsed)) {
      if (breach('not-an-object')) return dropped
      continue
    }
    if (s.bound === null) {
      s.bound = e.clientID
      map.set(e.clientID, peer)
      if (map.size > 2 * room.peers.size + 16) {
        for (const [id, p] of map) if (room.peers.get(p.id) !== p) map.delete(id)
      }
    }
    s.user ??= presenceUserOf(peer.principal, deps.roster ?? DEFAULT_ROSTER)
    clean.push({ clientID: e.clientID, clock: e.clock, json: JSON.stringify(cleanState(parsed, s.user)) })
  }
  if (clean.length > 0) awarenessProtocol.applyAwarenessUpdate(room.awareness, encodeEntries(clean), peer)
  return dropped
}

// Whether `owner` is another peer still in the room (its client ID is taken).
function isLiveOwner(room: GuardedRoom, owner: Peer | undefined, peer: Peer): boolean {
  return owner !== undefined && owner !== peer && room.peers.get(owner.id) === owner
}
