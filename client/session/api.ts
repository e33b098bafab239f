import type { Role } from '../../shared/protocol.ts'
import type { DocSummary, IssuedToken, Me, SnapshotInfo, TokenInfo } from './types.ts'

/** An error answer from the REST API, with its HTTP status and the server's reason. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
  }
}

/** The REST API under `/api`, called with the tab's bearer token. Every method rejects with ApiError on a non-2xx answer. */
export class Api {
  constructor(private readonly token: string, private readonly base = '') {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}/api${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' })
      },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    if (!res.ok) {
      let reason = res.statusText
      try {
        const j = (await res.json()) as { error?: string; message?: string }
        reason = j.error ?? j.message ?? reason
      } catch {
        // not JSON: keep the status text
      }
      throw new ApiError(res.status, reason)
    }
    if (res.status === 204) return undefined as T
    const type = res.headers.get('content-type') ?? ''
    return (type.includes('json') ? await res.json() : await res.text()) as T
  }

  /** Who the token belongs to, and the meeting. */
  me(): Promise<Me> { return this.call('GET', '/me') }
  /** The meeting's documents with status and who is connected. */
  docs(): Promise<DocSummary[]> { return this.call('GET', '/docs') }
  /** Creates a document, blank or from podium text (secretariat). */
  createDoc(name: string, title?: string, text?: string): Promise<unknown> { return this.call('POST', '/docs', { name, title, text }) }
  /** Renames a document's title (secretariat). */
  renameDoc(name: string, title: string): Promise<unknown> { return this.call('PATCH', `/docs/${encodeURIComponent(name)}`, { title }) }
  /** A document as podium text. */
  docText(name: string): Promise<string> { return this.call('GET', `/docs/${encodeURIComponent(name)}/text`) }
  /** A document's snapshots, oldest first. */
  snapshots(name: string): Promise<SnapshotInfo[]> { return this.call('GET', `/docs/${encodeURIComponent(name)}/snapshots`) }
  /** Every sign-in token of the meeting (secretariat). */
  tokens(): Promise<TokenInfo[]> { return this.call('GET', '/tokens') }
  /** Issues a sign-in link (secretariat). */
  issueToken(req: { role: Role; delegation?: string; label?: string; doc?: string }): Promise<IssuedToken> { return this.call('POST', '/tokens', req) }
  /** Revokes a sign-in link (secretariat). */
  revokeToken(id: string): Promise<void> { return this.call('DELETE', `/tokens/${encodeURIComponent(id)}`) }
}
