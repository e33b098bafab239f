/**
 * Saves a Blob as a download named `filename`, through a temporary Blob URL (the bearer token lives in
 * the tab, not in cookies, so a plain link to the export route could not authenticate).
 */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.hidden = true
  document.body.append(a)
  a.click()
  a.remove()
  // The download has started reading the URL by now; a minute covers slow disks.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
