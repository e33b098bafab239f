// GET /api/me: who the token belongs to, and the meeting it is for.

import type { Route } from '../context.ts'

/** The /api/me route. */
export const meRoutes: Route[] = [{
  method: 'GET',
  pattern: /^\/me$/,
  roles: 'any',
  handle: ({ principal }, { meeting }) => ({
    status: 200,
    json: {
      role: principal.role,
      delegation: principal.delegation,
      label: principal.label,
      meeting: { name: meeting.name, dates: meeting.dates, timeZone: meeting.timeZone, cobTime: meeting.cobTime },
      // The live roster, aliases included (as GET /api/roster gives it, so an editor starts with what it polls).
      roster: meeting.roster.map(({ code, name, colour, aliases }) => (aliases?.length ? { code, name, colour, aliases } : { code, name, colour }))
    }
  })
}]
