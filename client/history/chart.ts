import type { SnapshotInfo } from '../session/types.ts'
import { h } from '../ui/dom.ts'
import { shortDate } from './labels.ts'
import { meetingClock } from '../session/meeting-time.ts'

const SVG = 'http://www.w3.org/2000/svg'
const W = 320
const H = 150
const PAD = { left: 28, right: 10, top: 12, bottom: 34 }

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag)
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v))
  el.append(...children)
  return el
}

// The clock time in the meeting's zone (the chart's caption names the zone).
function timeOf(iso: string): string {
  return meetingClock(iso)
}

/** The two series the chart draws, with their colour and how a point is told apart without colour. */
const SERIES = [
  { key: 'brackets', name: 'Open brackets', colour: '#c77700', dash: '' },
  { key: 'agreed', name: 'Agreed paragraphs', colour: '#2e7d32', dash: '5 3' }
] as const

/**
 * The progress chart: open brackets and agreed paragraphs per COB snapshot (inline SVG, no library).
 * Without any COB snapshot yet it draws every snapshot and says so. The SVG has a title and a
 * description; the numbers are also in a table for screen readers and for reading exact values.
 */
export function progressChart(snapshots: readonly SnapshotInfo[]): HTMLElement {
  const cob = snapshots.filter((s) => s.cobDate)
  const points = cob.length ? cob : snapshots
  const caption = cob.length ? 'Progress per COB snapshot' : 'Progress per snapshot (no COB snapshot yet)'
  if (points.length === 0) return h('figure', { class: 'chart empty' }, h('figcaption', {}, 'Progress: no snapshot yet.'))
  const max = Math.max(1, ...points.flatMap((s) => [s.totals.brackets, s.totals.agreed]))
  const innerW = W - PAD.left - PAD.right
  const innerH = H - PAD.top - PAD.bottom
  const x = (i: number) => PAD.left + (points.length === 1 ? innerW / 2 : (i * innerW) / (points.length - 1))
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH
  const last = points[points.length - 1]
  const desc = `${points.length} snapshots. Latest (${last.label}): ${last.totals.brackets} open brackets, ${last.totals.agreed} agreed paragraphs.`
  const uid = `chart-${Math.random().toString(36).slice(2, 8)}`
  const grid = [0, Math.round(max / 2), max].filter((v, i, a) => a.indexOf(v) === i).map((v) => svg('g', { class: 'grid' },
    svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v) }),
    svg('text', { x: PAD.left - 4, y: y(v) + 3, 'text-anchor': 'end' }, String(v))))
  // At most ~8 axis labels, always the last one.
  const every = Math.ceil(points.length / 8)
  // Snapshots taken by hand on one day are told apart by their time.
  const tick = (s: SnapshotInfo, i: number) => (!s.cobDate && i > 0 && shortDate(points[i - 1]) === shortDate(s)) ? timeOf(s.createdAt) : shortDate(s)
  const anchor = (i: number) => points.length > 1 && i === 0 ? 'start' : points.length > 1 && i === points.length - 1 ? 'end' : 'middle'
  const axis = points.map((s, i) => (i % every === 0 || i === points.length - 1)
    ? svg('text', { class: 'axis', x: x(i), y: H - PAD.bottom + 14, 'text-anchor': anchor(i) }, tick(s, i)) : null).filter((n): n is SVGTextElement => n !== null)
  const series = SERIES.map((se) => svg('g', { class: `series series-${se.key}` },
    svg('polyline', { points: points.map((s, i) => `${x(i)},${y(s.totals[se.key])}`).join(' '), fill: 'none', stroke: se.colour, 'stroke-width': 2, 'stroke-dasharray': se.dash }),
    ...points.map((s, i) => se.key === 'brackets'
      ? svg('circle', { cx: x(i), cy: y(s.totals[se.key]), r: 3.5, fill: se.colour }, svg('title', {}, `${s.label}: ${s.totals[se.key]} ${se.name.toLowerCase()}`))
      : svg('rect', { x: x(i) - 3.5, y: y(s.totals[se.key]) - 3.5, width: 7, height: 7, fill: se.colour }, svg('title', {}, `${s.label}: ${s.totals[se.key]} ${se.name.toLowerCase()}`)))))
  const legend = SERIES.map((se, i) => svg('g', { class: 'legend', transform: `translate(${PAD.left + i * 140}, ${H - 8})` },
    svg('line', { x1: 0, x2: 18, y1: -4, y2: -4, stroke: se.colour, 'stroke-width': 2, 'stroke-dasharray': se.dash }),
    svg('text', { x: 22, y: 0 }, se.name)))
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${uid}-t ${uid}-d`, class: 'chart-svg' },
    svg('title', { id: `${uid}-t` }, caption), svg('desc', { id: `${uid}-d` }, desc), ...grid, ...axis, ...series, ...legend)
  const table = h('table', { class: 'chart-data' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Snapshot'), ...SERIES.map((se) => h('th', { scope: 'col' }, se.name)))),
    h('tbody', {}, ...points.map((s) => h('tr', {}, h('th', { scope: 'row' }, s.label), h('td', {}, String(s.totals.brackets)), h('td', {}, String(s.totals.agreed))))))
  return h('figure', { class: 'chart' }, h('figcaption', {}, caption), chart as unknown as Node, h('details', {}, h('summary', {}, 'Chart data'), table))
}
