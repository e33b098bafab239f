// Paragraph labels stay in the text where the drafters wrote them; this reads them back out.

const PATTERNS: RegExp[] = [
  // PP1, OP6bis, PP5e altern., OP 3; in Russian ПП4, ОП5, ПП5е альтерн.
  /^((?:PP|OP|ПП|ОП) ?\d+[a-zа-яё]*(?:\s+(?:altern|alt|альтерн|альт)\.)?)(?=[.\s:;,]|$)/u,
  // 13.  2.1.
  /^(\d+(?:\.\d+)*\.)(?=\s)/,
  // (1)  (a)  (iv)
  /^(\((?:\d+|[a-zа-яё]|[ivx]+)\))(?=\s)/u,
  // e)  - e)
  /^(?:- )?([a-zа-яё]\))(?=\s)/u
]

/** The label a paragraph's text starts with ("PP4", "PP5e altern.", "13.", "(1)", "e)"), or null. Leading brackets are ignored. */
export function labelOf(text: string): string | null {
  const t = text.trimStart()
  for (const re of PATTERNS) {
    const m = re.exec(t)
    if (m) return m[1]
  }
  return null
}

/** Whether a label is a sub-item ("(1)", "e)") that belongs to the last main label before it. */
export function isSubLabel(label: string): boolean {
  return /^\(|\)$/.test(label)
}
