import { mkdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cleanupDirs, start, tempDir } from './helpers.ts'

afterEach(cleanupDirs)

describe('the built client', () => {
  it('is served at / and /d/<doc> (index.html), with assets, 404 for missing files and no escape from the folder', async () => {
    const root = tempDir()
    const clientDir = join(root, 'client')
    mkdirSync(clientDir)
    writeFileSync(join(root, 'secret.txt'), 'SECRET')
    writeFileSync(join(clientDir, 'index.html'), '<!doctype html><title>Podium app</title>')
    mkdirSync(join(clientDir, 'assets'))
    writeFileSync(join(clientDir, 'assets', 'app-1234.js'), 'console.log(1)')
    const server = await start({ clientDir })
    for (const path of ['/', '/d/astana-statement?token=abc']) {
      const res = await fetch(server.url + path)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('content-type')).toContain('text/html')
      expect(await res.text()).toContain('Podium app')
    }
    const js = await fetch(`${server.url}/assets/app-1234.js`)
    expect(js.headers.get('content-type')).toContain('javascript')
    expect(js.headers.get('cache-control')).toContain('immutable')
    expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(404)
    // A raw request line (fetch would normalise the dots away) must not reach outside the folder.
    const raw = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/assets/%2e%2e/%2e%2e/secret.txt' }, (res) => {
        let body = ''
        res.on('data', (d) => { body += d })
        res.on('end', () => resolve(`${res.statusCode} ${body}`))
      })
      req.on('error', reject)
      req.end()
    })
    expect(raw).toMatch(/^404 /)
    expect(raw).not.toContain('SECRET')
    await server.close()
  })

  it('gives a clear 503 page when dist/client is missing', async () => {
    const server = await start({ clientDir: join(tempDir(), 'nothing-here') })
    const res = await fetch(`${server.url}/d/astana-statement`)
    expect(res.status).toBe(503)
    expect(await res.text()).toContain('npm run build')
    await server.close()
  })
})
