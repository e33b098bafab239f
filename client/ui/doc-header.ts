// The header kept with an imported Word draft, shown beside its title.

/**
 * What to show of a document's header (its lines joined by "\n"): the version line when there is one
 * ("Version 14/11/2024 13:00"), else the lines joined by " · ". The whole header goes in the tooltip.
 */
export function headerSummary(header: string): string {
  const lines = header.split('\n').map((l) => l.trim()).filter(Boolean)
  return lines.find((l) => /\bversion\b/i.test(l)) ?? lines.join(' · ')
}
