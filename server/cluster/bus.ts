// The Redis side of the cluster: one connection to publish, one to subscribe (ioredis reconnects
// and resubscribes by itself). Channels carry lib0-encoded messages (wire.ts) under a prefix that
// is the cluster's own, so two clusters (or two test runs) on one Redis never hear each other.

import { Redis } from 'ioredis'
import type { Logger } from '../logger.ts'
import { decodeMessage, encodeMessage, type WireMessage } from './wire.ts'

/** What the bus reports to its owner. */
export interface BusHandlers {
  /** A well-formed message on `channel` (without the prefix). */
  message(channel: string, message: WireMessage): void
  /** The subscriber connection is back after a loss: messages may have been missed meanwhile. */
  reconnected(): void
}

/** Redis publish/subscribe for the cluster. */
export class Bus {
  private readonly pub: Redis
  private readonly sub: Redis
  private readonly channels = new Map<string, number>()
  private readies = 0
  private closed = false

  constructor (url: string, private readonly prefix: string, private readonly log: Logger, private readonly handlers: BusHandlers) {
    const common = {
      lazyConnect: true,
      // Back quickly after a Redis restart: every 50 ms at first, then every 500 ms.
      retryStrategy: (times: number) => Math.min(times * 50, 500),
      connectTimeout: 2000
    }
    // No offline queue when publishing: while Redis is down a publish fails at once (the update
    // stays pending at its origin server and is sent again), rather than piling up in memory.
    this.pub = new Redis(url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 0 })
    this.sub = new Redis(url, { ...common, maxRetriesPerRequest: null })
    for (const r of [this.pub, this.sub]) r.on('error', (err: Error) => this.log.warn({ err: err.message }, 'redis'))
    this.sub.on('ready', () => {
      if (++this.readies > 1) {
        this.log.warn('redis subscription back; catching up from storage')
        this.handlers.reconnected()
      }
    })
    this.sub.on('messageBuffer', (channel: Buffer, data: Buffer) => {
      const name = channel.toString('utf8').slice(this.prefix.length)
      const message = decodeMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
      if (!message) return this.log.warn({ channel: name, bytes: data.byteLength }, 'malformed cluster message dropped')
      try {
        this.handlers.message(name, message)
      } catch (err) {
        this.log.error({ channel: name, type: message.type, err: (err as Error).stack }, 'handling a cluster message failed')
      }
    })
  }

  /** Connects both connections; rejects with an error naming the URL when Redis does not answer within `timeoutMs`. */
  async start(timeoutMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs)
    })
    try {
      await Promise.race([Promise.all([this.pub.connect(), this.sub.connect()]), timeout])
    } catch (err) {
      this.pub.disconnect()
      this.sub.disconnect()
      throw err
    } finally {
      clearTimeout(timer)
    }
  }

  /** Whether the publishing connection is up. */
  get connected(): boolean {
    return this.pub.status === 'ready'
  }

  /** Subscribes to `channel` (counted: as many unsubscribes as subscribes end it). Resolves once Redis confirmed. */
  async subscribe(channel: string): Promise<void> {
    const n = this.channels.get(channel) ?? 0
    this.channels.set(channel, n + 1)
    if (n === 0) await this.sub.subscribe(this.prefix + channel)
  }

  /** Ends one subscription to `channel`. */
  unsubscribe(channel: string): void {
    const n = this.channels.get(channel) ?? 0
    if (n <= 1) {
      this.channels.delete(channel)
      if (n === 1 && !this.closed) this.sub.unsubscribe(this.prefix + channel).catch(() => {})
    } else {
      this.channels.set(channel, n - 1)
    }
  }

  /**
   * Publishes a message; resolves to how many subscribers received it, or -1 when Redis could not be
   * reached (the caller keeps what it must and sends it again).
   */
  async publish(channel: string, message: WireMessage): Promise<number> {
    if (this.closed) return -1
    try {
      return await this.pub.publish(this.prefix + channel, Buffer.from(encodeMessage(message)))
    } catch {
      return -1
    }
  }

  /** Closes both connections. */
  async close(): Promise<void> {
    this.closed = true
    await Promise.allSettled([this.pub.quit(), this.sub.quit()])
    this.pub.disconnect()
    this.sub.disconnect()
  }
}
