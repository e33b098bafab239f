// Escaping text for XML 1.0: element content and double-quoted attribute values.

// Characters XML 1.0 does not allow at all (C0 controls except tab, line feed, carriage return; U+FFFE/F).
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g

/** Escapes `s` for XML element content or a double-quoted attribute; drops characters XML 1.0 forbids. */
export function escapeXml(s: string): string {
  return s.replace(INVALID, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
}
