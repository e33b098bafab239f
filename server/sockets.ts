// Socket bounds of the one HTTP server: a connection must send its first request (or websocket
// upgrade) within firstRequestMs, and the open sockets stay within a budget below the process's
// descriptor limit. Near the budget, sockets that have sent nothing (then idle keep-alive ones) are
// shed oldest first, and only /healthz, /metrics, the secretariat and the chair, and websockets with
// a valid token are served, so an idle flood never keeps the people running the meeting out.

import type { IncomingMessage, Server } from 'node:http'
import type { Socket } from 'node:net'
import type { Logger } from './logger.ts'

/** Options of the socket guard. */
export interface SocketGuardOptions {
  /** Sockets allowed open at once. */
  maxSockets: number
  /** A socket that has sent no request this long after opening is closed, in ms. */
  firstRequestMs: number
  log: Logger
}

type State = 'new' | 'busy' | 'idle' | 'upgraded'

interface Tracked {
  state: State
  timer: NodeJS.Timeout | null
}

/** Tracks every socket of `server`; see the file comment. */
export class SocketGuard {
  private readonly sockets = new Map<Socket, Tracked>()
  /** Sockets kept for /healthz and the people running the meeting when the budget is nearly spent. */
  readonly reserve: number
  /** Sockets shed since start (never sent a request, or idle, under pressure). */
  shed = 0

  constructor (server: Server, private readonly options: SocketGuardOptions) {
    this.reserve = Math.max(1, Math.min(64, Math.floor(options.maxSockets / 8)))
    server.on('connection', (socket: Socket) => this.onConnection(socket))
    server.on('request', (req: IncomingMessage, res) => {
      const t = this.sockets.get(req.socket)
      if (!t) return
      this.setState(req.socket, t, 'busy')
      res.once('finish', () => {
        if (this.sockets.get(req.socket) === t && t.state === 'busy') this.setState(req.socket, t, 'idle')
      })
    })
  }

  /** Open sockets. */
  get size(): number {
    return this.sockets.size
  }

  /** True when fewer than `reserve` sockets are left: only the essential get in (see admits). */
  get pressed(): boolean {
    return this.sockets.size > this.options.maxSockets - this.reserve
  }

  /** Marks a socket as carrying a websocket (never shed for being idle). */
  upgraded(socket: Socket): void {
    const t = this.sockets.get(socket)
    if (t) this.setState(socket, t, 'upgraded')
  }

  private setState(socket: Socket, t: Tracked, state: State): void {
    if (t.timer) clearTimeout(t.timer)
    t.timer = null
    t.state = state
    if (state === 'new') {
      t.timer = setTimeout(() => socket.destroy(), this.pressed ? Math.min(2000, this.options.firstRequestMs) : this.options.firstRequestMs)
      t.timer.unref()
    }
  }

  private onConnection(socket: Socket): void {
    const t: Tracked = { state: 'new', timer: null }
    this.sockets.set(socket, t)
    socket.once('close', () => {
      if (t.timer) clearTimeout(t.timer)
      this.sockets.delete(socket)
    })
    this.setState(socket, t, 'new')
    if (this.pressed) this.shedFor(socket)
    if (this.sockets.size > this.options.maxSockets) {
      // Nothing left to shed: everything open is working. This one cannot be served.
      socket.destroy()
    }
  }

  // Sheds the oldest sockets that have sent nothing, then idle keep-alive ones, until under pressure no more.
  private shedFor(newcomer: Socket): void {
    const target = this.options.maxSockets - this.reserve
    for (const state of ['new', 'idle'] as const) {
      for (const [s, t] of this.sockets) {
        if (this.sockets.size <= target) return
        if (s === newcomer || t.state !== state) continue
        this.shed++
        s.destroy()
        this.sockets.delete(s)
        if (t.timer) clearTimeout(t.timer)
      }
    }
  }
}
