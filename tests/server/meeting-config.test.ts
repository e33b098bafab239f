import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_MEETING, loadMeeting, validateMeeting } from '../../server/config.ts'
import { DEFAULT_ROSTER } from '../../shared/roster.ts'
import { cleanupDirs, start, tempDir, token } from './helpers.ts'

afterEach(cleanupDirs)

describe('the meeting config', () => {
  it('defaults to Asia/Almaty, COB 18:00 and the default roster when no file exists', () => {
    const m = loadMeeting(undefined, tempDir())
    expect(m).toBe(DEFAULT_MEETING)
    expect(m.timeZone).toBe('Asia/Almaty')
    expect(m.cobTime).toBe('18:00')
    expect(m.roster).toBe(DEFAULT_ROSTER)
  })

  it('reads podium.config.json from the working directory, or --config', async () => {
    const dir = tempDir()
    const roster = [{ code: 'KAZ', name: 'Kazakhstan', colour: '#00afca' }, { code: 'CHAIR', name: 'Chair', colour: '#555555' }]
    writeFileSync(join(dir, 'podium.config.json'), JSON.stringify({ name: 'SWG', dates: '4 October 2022', timeZone: 'Europe/Vienna', cobTime: '17:30', roster }))
    const m = loadMeeting(undefined, dir)
    expect(m).toEqual({ name: 'SWG', dates: '4 October 2022', timeZone: 'Europe/Vienna', cobTime: '17:30', roster })
    expect(loadMeeting(join(dir, 'podium.config.json'))).toEqual(m)
    const server = await start({ meeting: m })
    expect(server.demoLinks!.filter((l) => l.role === 'delegation').map((l) => l.delegation)).toEqual(['KAZ'])
    const me = await (await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token(server, 'delegation', 'KAZ')}` } })).json()
    expect(me.meeting).toEqual({ name: 'SWG', dates: '4 October 2022', timeZone: 'Europe/Vienna', cobTime: '17:30' })
    expect(me.roster).toEqual(roster)
    expect(() => token(server, 'delegation', 'IND')).toThrow(RangeError)
    await server.close()
  })

  it('throws a RangeError naming a bad value', () => {
    expect(() => validateMeeting({ timeZone: 'Mars/Olympus' })).toThrow(/Mars\/Olympus/)
    expect(() => validateMeeting({ cobTime: '6pm' })).toThrow(/6pm/)
    expect(() => validateMeeting({ roster: [{ code: 'x' }] })).toThrow(RangeError)
    expect(() => validateMeeting([])).toThrow(RangeError)
    const dir = tempDir()
    writeFileSync(join(dir, 'bad.json'), '{oops')
    expect(() => loadMeeting('bad.json', dir)).toThrow(/not valid JSON/)
    expect(() => loadMeeting('missing.json', dir)).toThrow(/does not exist/)
  })
})
