import { expect } from 'chai';
import { request } from 'node:http';
import { useEmulator } from '../support/emulatorFixture';

describe('emulator: the query page files', () => {
  const fixture = useEmulator();

  it('answers GET / with the page, under a policy that allows only its own scripts and no framing', async () => {
    const response = await fetch(`${fixture.emulator.url}/`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).to.contain("default-src 'self'");
    expect(response.headers.get('content-security-policy')).to.contain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(await response.text()).to.contain('<script src="/page/main.js"></script>');
  });

  it('serves the script, the styles and both workers, and answers an unchanged file with 304', async () => {
    for (const [file, type] of [
      ['main.js', 'text/javascript; charset=utf-8'],
      ['main.css', 'text/css; charset=utf-8'],
      ['editor.worker.js', 'text/javascript; charset=utf-8'],
      ['kusto.worker.js', 'text/javascript; charset=utf-8'],
    ]) {
      const response = await fetch(`${fixture.emulator.url}/page/${file}`);
      expect(response.status, file).to.equal(200);
      expect(response.headers.get('content-type'), file).to.equal(type);
      expect((await response.arrayBuffer()).byteLength, file).to.be.greaterThan(1000);
      const etag = response.headers.get('etag');
      const again = await fetch(`${fixture.emulator.url}/page/${file}`, { headers: { 'If-None-Match': etag ?? '' } });
      expect(again.status, file).to.equal(304);
    }
  });

  it('answers other paths with Kusto’s 404, and the page to another site’s Host with 403', async () => {
    const missing = await fetch(`${fixture.emulator.url}/page/../lib/index.js`);
    expect(missing.status).to.equal(404);
    const other = await fetch(`${fixture.emulator.url}/page/secrets.json`);
    expect(other.status).to.equal(404);
    expect(((await other.json()) as { error: { code: string } }).error.code).to.equal('NotFound');
    const url = new URL(fixture.emulator.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: '/', headers: { Host: `attacker.example:${url.port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).to.equal(403);
  });
});
