/**
 * The query page in a real browser: Debian's chromium driven by puppeteer-core (which downloads no browser), with
 * every host but 127.0.0.1 unresolvable, so the page can only work with what the emulator serves. Screenshots go to
 * packages/emulator/test-output/.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { type KustoEmulator, startEmulator } from '../../lib';

const OUTPUT = join(__dirname, '..', '..', '..', 'test-output');
const WAIT = { timeout: 30_000 };

/** Debian's chromium (or CHROMIUM_PATH); a clear failure when it is not installed. */
function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((path): path is string => !!path && existsSync(path));
  if (!found) {
    throw new Error(
      'The query page spec needs Chromium: install it with `apt-get install -y chromium` (as .ci/run does) or set ' +
        `CHROMIUM_PATH to a Chromium or Chrome executable. Looked at: ${candidates.filter(Boolean).join(', ')}.`,
    );
  }
  return found;
}

describe('emulator: the query page in Chromium', function () {
  this.timeout(120_000);
  let emulator: KustoEmulator;
  let browser: Browser;
  let page: Page;
  const foreignRequests: string[] = [];
  const failedRequests: string[] = [];

  before(async () => {
    const executablePath = chromiumPath();
    mkdirSync(OUTPUT, { recursive: true });
    emulator = await startEmulator({ databases: ['db'] });
    await emulator.runScript(
      'db',
      `.create table Events (Timestamp:datetime, Level:string, Count:long)

.ingest inline into table Events <| 2024-01-01T00:00:00Z,Info,3
2024-01-01T01:00:00Z,Warning,5
2024-01-01T02:00:00Z,Info,8
2024-01-01T03:00:00Z,Error,2`,
    );
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      timeout: 30_000,
      args: [
        // Only loopback: a CDN or any other host the page tried to reach would not resolve.
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
        '--disable-dev-shm-usage',
        '--window-size=1280,900',
      ],
      defaultViewport: { width: 1280, height: 900 },
    });
    page = await browser.newPage();
    const origin = new URL(emulator.url).origin;
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:'))
        foreignRequests.push(url);
    });
    page.on('requestfailed', (request) => failedRequests.push(request.url()));
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().includes('/rest/')) failedRequests.push(response.url());
    });
    await page.goto(emulator.url, { waitUntil: 'load', ...WAIT });
    await page.waitForSelector('.monaco-editor', WAIT);
    await page.waitForSelector('body[data-ready="true"]', WAIT);
  });

  after(async () => {
    await browser?.close();
    await emulator?.close();
  });

  /** Replaces the editor's text by typing `text`, then runs it and waits for the answer. */
  async function typeAndRun(query: string): Promise<void> {
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyA');
    await page.keyboard.up('Control');
    await page.keyboard.press('Backspace');
    // Line by line, closing the suggestions first: Enter would accept one.
    for (const [index, line] of query.split('\n').entries()) {
      if (index > 0) await page.keyboard.press('Enter');
      // One input event per line (as a paste would), so that longer queries do not cost a keystroke each.
      await page.keyboard.sendCharacter(line);
      await page.keyboard.press('Escape');
    }
    // Cleared first: two runs may end with the same status text ("3 rows in 1 table, 5 ms"), which a comparison with
    // the previous text would wait for in vain.
    await page.evaluate(`document.getElementById('status').textContent = ''`);
    await page.click('#run');
    await page.waitForFunction(
      `(() => { const s = document.getElementById('status').textContent; return s !== '' && s !== 'Running…'; })()`,
      WAIT,
    );
  }

  // Browser-side code as text: this package compiles without the DOM's types.
  async function cells(): Promise<string[][]> {
    return page.evaluate(
      `Array.from(document.querySelectorAll('#grid tbody tr'), (row) => Array.from(row.querySelectorAll('td'), (cell) => cell.textContent))`,
    ) as Promise<string[][]>;
  }

  /** How many pixels of the chart's canvas Chart.js painted. */
  async function paintedPixels(): Promise<number> {
    return page.evaluate(`(() => {
      const c = document.getElementById('chart-canvas');
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let count = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) count++;
      return count;
    })()`) as Promise<number>;
  }

  /** The text of the element `selector` names, or '' when it is hidden or absent. */
  async function text(selector: string): Promise<string> {
    return page.evaluate(
      `(() => { const e = document.querySelector(${JSON.stringify(selector)}); return e && !e.hidden ? e.textContent : ''; })()`,
    ) as Promise<string>;
  }

  async function texts(selector: string): Promise<string[]> {
    return page.evaluate(
      `Array.from(document.querySelectorAll(${JSON.stringify(selector)}), (e) => e.textContent)`,
    ) as Promise<string[]>;
  }

  it('is served whole by the emulator: editor, schema tree, no request elsewhere', async () => {
    const tree = await text('#schema');
    expect(tree).to.contain('db').and.to.contain('Events').and.to.contain('Timestamp');
    expect(foreignRequests).to.deep.equal([]);
    expect(failedRequests).to.deep.equal([]);
    const response = await fetch(`${emulator.url}/page/kusto.worker.js`, { method: 'HEAD' });
    expect(response.headers.get('content-security-policy')).to.contain("default-src 'self'");
  });

  it('offers the columns of the table in completion', async () => {
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyA');
    await page.keyboard.up('Control');
    await page.keyboard.type('Events | where ');
    await page.keyboard.down('Control');
    await page.keyboard.press('Space');
    await page.keyboard.up('Control');
    await page.waitForFunction(
      `Array.from(document.querySelectorAll('.suggest-widget .monaco-list-row'), (row) => row.textContent).some((t) => t.includes('Level'))`,
      WAIT,
    );
    // Kusto's colouring: the table, the operator and the keyword get classes of their own.
    await page.waitForFunction(
      `new Set(Array.from(document.querySelectorAll('.monaco-editor .view-line span span'), (s) => s.className)).size >= 3`,
      WAIT,
    );
    await page.screenshot({ path: join(OUTPUT, 'query-page-completion.png') });
    await page.keyboard.press('Escape');
  });

  it('runs a query and shows its rows in the grid, with column names and types and the elapsed time', async () => {
    await typeAndRun('Events | where Count > 2 | project Level, Count | order by Count asc');
    expect(await cells()).to.deep.equal([
      ['Info', '3'],
      ['Warning', '5'],
      ['Info', '8'],
    ]);
    const headers = await texts('#grid th');
    expect(headers).to.deep.equal(['Level (string)', 'Count (long)']);
    expect(await text('#status')).to.match(/^3 rows in 1 table, (\d+ ms|\d+\.\d\d s)$/);
    await page.screenshot({ path: join(OUTPUT, 'query-page-grid.png') });
  });

  it('draws a render timechart with Chart.js on its canvas', async () => {
    await typeAndRun('Events | summarize Total = sum(Count) by bin(Timestamp, 1h) | render timechart');
    await page.waitForSelector('#chart:not([hidden]) canvas', WAIT);
    expect(await paintedPixels(), 'painted pixels on the chart canvas').to.be.greaterThan(1000);
    // The table's columns open in the tree, for the screenshot the README shows.
    await page.click('#schema details.table summary');
    await page.screenshot({ path: join(OUTPUT, 'query-page-timechart.png') });
  });

  it('draws linechart, columnchart, barchart and piechart too', async () => {
    for (const kind of ['linechart', 'columnchart', 'barchart', 'piechart']) {
      await typeAndRun(`Events | summarize Total = sum(Count) by Level | render ${kind}`);
      await page.waitForSelector('#chart:not([hidden]) canvas', WAIT);
      expect(await paintedPixels(), `painted pixels of the ${kind}`).to.be.greaterThan(1000);
    }
  });

  it('shows several result tables as tabs, and says when results were truncated', async () => {
    await typeAndRun('print a = 1; print b = 2');
    expect(await texts('#tabs button')).to.deep.equal(['PrimaryResult 1', 'PrimaryResult 2']);
    await page.click('#tabs button:nth-child(2)');
    expect(await cells()).to.deep.equal([['2']]);
    await typeAndRun('set truncationmaxrecords = 2; Events');
    expect(await cells()).to.have.length(2);
    expect(await text('#notice')).to.match(/^Results truncated: .*record count limit 2/);
  });

  it('shows a broken query’s error with its line and position', async () => {
    await typeAndRun('Events\n| where Count >');
    const error = await text('#error');
    // Position 16 as typed; on a loaded machine the editor's completion may take a keystroke and shift it, so the
    // position is checked for its form, and the line for the broken one.
    expect(error).to.match(/^Line 2, position \d+: Syntax error/);
    // The editor's own diagnostics (the Kusto worker) mark it too.
    await page.waitForSelector('.monaco-editor .squiggly-error', WAIT);
    await page.screenshot({ path: join(OUTPUT, 'query-page-error.png') });
    expect(await page.$$('#grid table')).to.have.length(0);
  });
});
