// What a room answers a sync step 1 from: the stored state not yet applied to its Y.Doc (a room
// opened from one compacted state), an answer shared by every fresh joiner, and the state a large
// document was loaded from — so that a reconnect storm does not encode the whole document per joiner.

import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { MessageType } from '../../shared/protocol.ts'
import type { Peer } from './peer.ts'
import { syncUpdateMessage } from './room-helpers.ts'

// A fresh joiner's shared answer is encoded again once the updates applied since it reach this share
// of its bytes (merging them for each joiner then costs about what encoding the document does).
const FRESH_TAIL_SHARE = 0.25

/** A shared answer (a y-websocket sync step 2) and the updates applied since it was encoded. */
interface Tailed {
  answer: Uint8Array
  since: Uint8Array[]
}

/** A room's sync answers and its pending stored state. Created by the room; not shared. */
export class RoomAnswers {
  // The stored state not yet applied to ydoc (a room opened from one compacted state): the first
  // joiner is answered straight from these bytes, and the Y.Doc is built on the next turn.
  private pendingState: Uint8Array | null
  private pendingVector: Uint8Array | null
  // The sync step 2 for a client with an empty state, shared by every fresh joiner, and the updates
  // applied since it was encoded (sent after it, merged): a reconnect storm under typing encodes the
  // whole document once, not once per joiner. Dropped when those reach FRESH_TAIL_SHARE of its bytes.
  private freshAnswer: (Tailed & { sinceBytes: number }) | null = null
  // A large document (loaded off the loop): the sync step 2 of the state it was loaded from, and the
  // updates applied since; a fresh joiner gets both instead of an encoding of the whole document.
  private base: Tailed | null = null

  /** With `storedState`, the room's Y.Doc starts empty and that state is applied on first need. Throws on a bad state. */
  constructor (storedState: Uint8Array | null) {
    this.pendingState = storedState
    // Decoding the state vector also checks the state's structure: a bad state throws here, before the room exists.
    this.pendingVector = storedState ? Y.encodeStateVectorFromUpdate(storedState) : null
  }

  /** True while the stored state is not yet applied to the Y.Doc. */
  get pending(): boolean {
    return this.pendingState !== null
  }

  /** True for a large document (loaded off the loop), answered from the state it was loaded from. */
  get large(): boolean {
    return this.base !== null
  }

  /** Takes the pending stored state, to be applied to the Y.Doc now; null when there is none. */
  take(): Uint8Array | null {
    const state = this.pendingState
    if (!state) return null
    this.pendingState = null
    this.pendingVector = null
    return state
  }

  /** Forgets every cached answer: the room adopted a new document; `answer` is the sync step 2 of the stored state a large one was built from. */
  reset(answer: Uint8Array | null): void {
    this.pendingState = this.pendingVector = this.freshAnswer = null
    this.base = answer ? { answer, since: [] } : null
  }

  /** An update the room's Y.Doc applied: kept as the tail of the shared answers. */
  updated(update: Uint8Array): void {
    const cached = this.freshAnswer
    if (cached) {
      cached.since.push(update)
      cached.sinceBytes += update.byteLength
      if (cached.sinceBytes > cached.answer.byteLength * FRESH_TAIL_SHARE) this.freshAnswer = null
    }
    this.base?.since.push(update)
  }

  /** Sync step 1 to `peer`: the state vector of `ydoc` (or of the pending state), so that the peer sends what we lack. */
  announce(peer: Peer, ydoc: Y.Doc): void {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.sync)
    if (this.pendingState) {
      encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep1)
      encoding.writeVarUint8Array(encoder, this.pendingVector!)
    } else {
      syncProtocol.writeSyncStep1(encoder, ydoc)
    }
    peer.send(encoding.toUint8Array(encoder))
  }

  /**
   * Answers `peer`'s sync step 1 (`stateVector`) with what `ydoc` holds that it lacks. From a
   * pending state, `build` is called on the next turn to apply it. The caller has flushed.
   */
  answer(peer: Peer, stateVector: Uint8Array, ydoc: Y.Doc, build: () => void): void {
    const fresh = stateVector.length === 1 && stateVector[0] === 0
    if (fresh && this.freshAnswer) return this.answerWithTail(peer, this.freshAnswer)
    if (fresh && this.base) return this.answerWithTail(peer, this.base)
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.sync)
    if (this.pendingState) {
      // Not built yet: the answer is computed from the stored bytes, as the built doc would give it.
      encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2)
      // A fresh joiner gets the stored bytes as they are (a diff against nothing re-encodes them all).
      encoding.writeVarUint8Array(encoder, fresh ? this.pendingState : Y.diffUpdate(this.pendingState, stateVector))
      // Build the Y.Doc once this answer is on its way (not before: the joiner is waiting for it).
      setImmediate(() => build())
    } else {
      syncProtocol.writeSyncStep2(encoder, ydoc, stateVector)
    }
    const answer = encoding.toUint8Array(encoder)
    // Clients that arrive with nothing (every fresh tab) share one encoded answer, then what changed since.
    if (fresh) this.freshAnswer = { answer, since: [], sinceBytes: 0 }
    peer.send(answer)
  }

  // A fresh joiner: a shared answer (the stored state a large document was loaded from, or the last
  // encoding of the whole document), as it is, then what changed since, merged once for every joiner.
  private answerWithTail(peer: Peer, base: Tailed): void {
    peer.send(base.answer)
    if (base.since.length > 1) base.since = [Y.mergeUpdates(base.since)]
    if (base.since.length === 1) peer.send(syncUpdateMessage(base.since[0]))
  }
}
