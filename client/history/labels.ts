import type { SnapshotInfo } from '../session/types.ts'
import { meetingTime } from '../session/meeting-time.ts'
import { formatMeetingTime, isTimeZone, MONTH_NAMES } from '../../shared/time.ts'

const MONTHS = MONTH_NAMES

/** A time in the meeting's zone, written with it ("4 Oct 2022, 18:00 (Asia/Almaty)"); the ISO text when it cannot be read. */
export function when(iso: string): string {
  return meetingTime(iso)
}

/** Who took a snapshot: "COB (automatic)", or the name the server gives ("IND", "Chair (Mr Smith)"). */
export function takenBy(s: SnapshotInfo): string {
  if (s.takenBy === 'server') return 'COB (automatic)'
  return s.takenByName ?? s.takenBy
}

/** A snapshot's totals in one line: "12 paragraphs: 8 agreed, 4 open · 9 brackets · 5 positions · 2 notes". */
export function totalsLine(s: SnapshotInfo): string {
  const t = s.totals
  return `${t.paragraphs} paragraphs: ${t.agreed} agreed, ${t.open} open · ${t.brackets} brackets · ${t.positions} positions · ${t.notes} notes`
}

/** A short date for a chart axis ("4 Oct") from a COB date (YYYY-MM-DD) or an ISO time. */
export function shortDate(s: SnapshotInfo): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s.cobDate ?? s.createdAt)
  return m ? `${Number(m[3])} ${MONTHS[Number(m[2]) - 1].slice(0, 3)}` : s.label
}

/**
 * The label the server would give a snapshot taken now ("Podium version as of 4 October 2022, 17:42 (Asia/Almaty)"),
 * in the meeting's time zone; offered as the default in the Take snapshot dialog.
 */
export function defaultSnapshotLabel(timeZone: string, now = new Date()): string {
  // An unknown time zone: the browser's own.
  return `Podium version as of ${formatMeetingTime(now, isTimeZone(timeZone) ? timeZone : Intl.DateTimeFormat().resolvedOptions().timeZone)}`
}
