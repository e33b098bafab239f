// Structured logs (pino). Quiet under tests unless PODIUM_LOG_LEVEL says otherwise.

import { pino, type Logger } from 'pino'

export type { Logger }

/** A pino logger at `level`, else PODIUM_LOG_LEVEL, else `silent` under vitest and `info` otherwise. */
export function createLogger(level?: string): Logger {
  const chosen = level ?? process.env.PODIUM_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info')
  return pino({ name: 'podium', level: chosen })
}
