// One transaction on a pooled connection: BEGIN, the work, COMMIT (or ROLLBACK and rethrow). A
// connection that failed is destroyed rather than returned to the pool.

import type pg from 'pg'

/** Runs `work` in a transaction on a connection of `pool`; `mode` is e.g. `REPEATABLE READ READ ONLY`. */
export async function inTransaction<T> (pool: pg.Pool, work: (c: pg.PoolClient) => Promise<T>, mode = ''): Promise<T> {
  const c = await pool.connect()
  let broken: Error | undefined
  // A connection lost while checked out emits 'error' on it: recorded (the query fails by itself), not thrown.
  const lost = (err: Error) => { broken = err }
  c.on('error', lost)
  try {
    await c.query(mode ? `BEGIN ISOLATION LEVEL ${mode}` : 'BEGIN')
    const result = await work(c)
    await c.query('COMMIT')
    return result
  } catch (err) {
    try {
      await c.query('ROLLBACK')
    } catch (e) {
      broken = e as Error
    }
    throw err
  } finally {
    c.off('error', lost)
    c.release(broken)
  }
}
