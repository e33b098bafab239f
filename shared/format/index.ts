// The podium text format: read and write the plain-text form of a podium version.
export { parsePodium } from './parse.ts'
export type { ParseOptions, ParseResult, ParseWarning } from './parse.ts'
export { serializePodium, serializeInline, AGREED_AD_REF_LINE } from './serialize.ts'
export { normalisePodiumText } from './normalise.ts'
export { HEADING_PREFIX, looksLikeHeading } from './heading.ts'
