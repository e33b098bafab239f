import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The full CICA seed transmittal (podium versions in English, Russian and Kazakh pages). */
export const SEED = readFileSync(fileURLToPath(new URL('../../fixtures/seed.txt', import.meta.url)), 'utf8')

/** The Draft Astana Statement's podium version as of COB, 4 October 2022 (the demo document). */
export const ASTANA = readFileSync(fileURLToPath(new URL('../../fixtures/astana-statement.txt', import.meta.url)), 'utf8')
