import type { Role } from '../../shared/protocol.ts'
import { SESSION_HEADER } from './token.ts'
import { setMeetingTimeZone } from './meeting-time.ts'
import type { RosterEntry } from '../../shared/roster.ts'
import type { Visibility } from '../../shared/visibility.ts'
import type { ComparisonInfo, RosterInfo, DocSummary, ImportPreview, ImportSource, IssuedToken, Me, SnapshotInfo, SnapshotWithDoc, TokenInfo } from './types.ts'

/** An error answer from the REST API, with its HTTP status and the server's reason. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
  }
}

// The server's refusal as an ApiError: its `message` (a sentence) when it gives one, else its `error`.
async function failure(res: Response): Promise<ApiError> {
  let reason = res.statusText
  try {
    const j = (await res.json()) as { error?: string; message?: string }
    reason = j.message ?? j.error ?? reason
  } catch {
    // not JSON: keep the status text
  }
  return new ApiError(res.status, reason)
}

function toBase64(bytes: Uint8Array): string {
  let s = ''
  // In chunks: String.fromCharCode with a whole file's bytes overflows the call stack.
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

/**
 * The REST API under `/api`, called with the tab's session: its id in a header, the token in the
 * httpOnly cookie the browser adds (see session/token.ts). Every method rejects with ApiError on a non-2xx answer.
 */
export class Api {
  constructor(private readonly session: string, private readonly base = '') {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}/api${path}`, {
      method,
      credentials: 'same-origin',
      headers: {
        [SESSION_HEADER]: this.session,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' })
      },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    if (!res.ok) throw await failure(res)
    if (res.status === 204) return undefined as T
    const type = res.headers.get('content-type') ?? ''
    return (type.includes('json') ? await res.json() : await res.text()) as T
  }

  /** Who the token belongs to, and the meeting. */
  me(): Promise<Me> { return this.call<Me>('GET', '/me').then((m) => { setMeetingTimeZone(m.meeting.timeZone); return m }) }
  /** The meeting's documents with status and who is connected. */
  docs(): Promise<DocSummary[]> { return this.call('GET', '/docs') }
  /** Creates a document, blank or from podium text (secretariat). */
  createDoc(name: string, title?: string, text?: string, doc?: unknown, visibility?: Visibility): Promise<unknown> { return this.call('POST', '/docs', doc !== undefined ? { name, title, doc, visibility } : { name, title, text, visibility }) }
  /** Renames a document's title (secretariat). */
  /** Sets the draft's header and version line kept with a document (lines joined by a line break). */
  setDocHeader(name: string, header: string | null): Promise<unknown> { return this.call('PATCH', `/docs/${encodeURIComponent(name)}`, { header }) }
  renameDoc(name: string, title: string): Promise<unknown> { return this.call('PATCH', `/docs/${encodeURIComponent(name)}`, { title }) }
  /** Changes who may open a document, or archives / unarchives it (secretariat). */
  setDocMeta(name: string, meta: { visibility?: Visibility; archived?: boolean }): Promise<{ name: string; visibility: Visibility; archivedAt: string | null }> { return this.call('PATCH', `/docs/${encodeURIComponent(name)}`, meta) }
  /** The roster as it is now, with its revision. */
  roster(): Promise<RosterInfo> { return this.call('GET', '/roster') }
  /** Adds a delegation to the roster (secretariat). */
  addDelegation(entry: RosterEntry): Promise<{ revision: number; entry: RosterEntry }> { return this.call('POST', '/roster', entry) }
  /** Changes a delegation's name, colour or aliases (secretariat); its code stays. */
  editDelegation(code: string, patch: { name?: string; colour?: string; aliases?: string[] }): Promise<{ revision: number; entry: RosterEntry }> { return this.call('PATCH', `/roster/${encodeURIComponent(code)}`, patch) }
  /** A document as podium text. */
  docText(name: string): Promise<string> { return this.call('GET', `/docs/${encodeURIComponent(name)}/text`) }
  /** A document's snapshots, oldest first. */
  snapshots(name: string): Promise<SnapshotInfo[]> { return this.call('GET', `/docs/${encodeURIComponent(name)}/snapshots`) }
  /** Takes a snapshot now (secretariat, chair); without a label the server makes "Podium version as of HH:MM, D Month YYYY". */
  takeSnapshot(name: string, label?: string): Promise<SnapshotInfo> { return this.call('POST', `/docs/${encodeURIComponent(name)}/snapshots`, label ? { label } : {}) }
  /** One snapshot with its document as ProseMirror JSON. */
  snapshot(name: string, id: number): Promise<SnapshotWithDoc> { return this.call('GET', `/docs/${encodeURIComponent(name)}/snapshots/${id}?format=json`) }
  /** Compares `from` (a snapshot id, `last-cob` or `latest`) with `to` (a snapshot id or `live`). */
  compare(name: string, from: number | 'last-cob' | 'latest', to: number | 'live'): Promise<ComparisonInfo> {
    return this.call('GET', `/docs/${encodeURIComponent(name)}/compare?from=${from}&to=${to}&format=json`)
  }
  /** The redline of a comparison as a Word document with tracked changes (w:ins/w:del, author and date). */
  compareDocx(name: string, from: number, to: number | 'live'): Promise<{ blob: Blob; filename: string }> {
    return this.download(`/api/docs/${encodeURIComponent(name)}/compare?from=${from}&to=${to}&format=docx`, `${name}-redline.docx`)
  }
  /** The redline of a comparison as a PDF (insertions, deletions and proposed deletions drawn apart, with who and when). */
  comparePdf(name: string, from: number, to: number | 'live'): Promise<{ blob: Blob; filename: string }> {
    return this.download(`/api/docs/${encodeURIComponent(name)}/compare?from=${from}&to=${to}&format=pdf`, `${name}-redline.pdf`)
  }
  private async download(path: string, fallback: string): Promise<{ blob: Blob; filename: string }> {
    const res = await fetch(`${this.base}${path}`, { credentials: 'same-origin', headers: { [SESSION_HEADER]: this.session } })
    if (!res.ok) throw await failure(res)
    const disposition = res.headers.get('content-disposition') ?? ''
    const m = /filename\*=UTF-8''([^;]+)/i.exec(disposition) ?? /filename="?([^";]+)"?/i.exec(disposition)
    return { blob: await res.blob(), filename: m ? decodeURIComponent(m[1]) : fallback }
  }
  /** Makes a snapshot's text the live text (secretariat, chair); the server snapshots the current text first. */
  restore(name: string, snapshot: number): Promise<{ ok: true; before: SnapshotInfo }> { return this.call('POST', `/docs/${encodeURIComponent(name)}/restore`, { snapshot }) }
  /** What importing `source` would bring in (secretariat, chair); nothing is written. */
  previewImport(source: ImportSource): Promise<ImportPreview> {
    return this.call('POST', '/import/preview', 'text' in source ? source : { filename: source.filename, data: toBase64(source.data) })
  }
  /** Replaces a document's live text with podium text (secretariat); the server snapshots the current text first. */
  replaceText(name: string, text: string, doc?: unknown): Promise<{ before: SnapshotInfo; warnings: unknown[] }> { return this.call('POST', `/docs/${encodeURIComponent(name)}/replace`, doc !== undefined ? { doc } : { text }) }
  /**
   * Downloads an export (`format` text, docx, html, pdf or akn; of a snapshot when `snapshot` is given)
   * as a Blob with the server's file name. Rejects with ApiError carrying the server's message.
   */
  async exportFile(name: string, format: string, snapshot?: number): Promise<{ blob: Blob; filename: string }> {
    const q = new URLSearchParams({ format })
    if (snapshot !== undefined) q.set('snapshot', String(snapshot))
    const res = await fetch(`${this.base}/api/docs/${encodeURIComponent(name)}/export?${q}`, { credentials: 'same-origin', headers: { [SESSION_HEADER]: this.session } })
    if (!res.ok) throw await failure(res)
    const disposition = res.headers.get('content-disposition') ?? ''
    const m = /filename\*=UTF-8''([^;]+)/i.exec(disposition) ?? /filename="?([^";]+)"?/i.exec(disposition)
    const filename = m ? decodeURIComponent(m[1]) : `${name}.${format}`
    return { blob: await res.blob(), filename }
  }
  /** Every sign-in token of the meeting (secretariat). */
  tokens(): Promise<TokenInfo[]> { return this.call('GET', '/tokens') }
  /** Issues a sign-in link (secretariat). */
  issueToken(req: { role: Role; delegation?: string; label?: string; doc?: string; expires?: string }): Promise<IssuedToken> { return this.call('POST', '/tokens', req) }
  /** Revokes a sign-in link (secretariat). */
  revokeToken(id: string): Promise<void> { return this.call('DELETE', `/tokens/${encodeURIComponent(id)}`) }
}
