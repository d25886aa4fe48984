import { expect } from 'chai';
import { HostStartError } from '../lib';
import { DEFAULT_FUNCTION_TIMEOUT_MS, formatTimespan, readHostJson } from '../lib/hostJson';
import { tempAppDirs } from './support/hostFixture';

describe('host.json timeouts', () => {
  const app = tempAppDirs();
  const read = (hostJson: object) => readHostJson(app({ 'host.json': hostJson }));

  it('reads functionTimeout as a timespan; -1 means none, and none set means 30 minutes', () => {
    expect(read({ functionTimeout: '00:05:00' }).functionTimeoutMs).to.equal(300_000);
    expect(read({ functionTimeout: '1.02:03:04.5' }).functionTimeoutMs).to.equal(93_784_500);
    expect(read({ functionTimeout: '-1' }).functionTimeoutMs).to.equal(undefined);
    expect(read({}).functionTimeoutMs).to.equal(DEFAULT_FUNCTION_TIMEOUT_MS);
    expect(readHostJson(app({})).functionTimeoutMs).to.equal(30 * 60_000);
  });

  it('rejects a functionTimeout that is no timespan, naming it and the file', () => {
    for (const value of ['5m', '00:61:00', '00:00:00', 300]) {
      expect(() => read({ functionTimeout: value }), String(value)).to.throw(
        HostStartError,
        /^"functionTimeout" in .*host\.json must be a timespan such as "00:05:00" \(hh:mm:ss, above zero and under 24 days\); got /,
      );
    }
  });

  it('reads kustoFunctions.timeouts into the engine timeouts, rejecting unknown ones', () => {
    expect(
      read({ kustoFunctions: { timeouts: { query: '00:00:30', command: '00:02:00', ingestion: '00:00:00.250' } } })
        .kustoTimeouts,
    ).to.deep.equal({ queryMs: 30_000, commandMs: 120_000, ingestMs: 250 });
    expect(read({}).kustoTimeouts).to.deep.equal({});
    expect(() => read({ kustoFunctions: { timeouts: { ingest: '00:01:00' } } })).to.throw(
      HostStartError,
      /"kustoFunctions\.timeouts\.ingest" in .* is not a known option \(query, command, ingestion\)\./,
    );
    expect(() => read({ kustoFunctions: { timeouts: { query: 'soon' } } })).to.throw(
      HostStartError,
      /"kustoFunctions\.timeouts\.query" in .* must be a timespan/,
    );
  });

  it('reads kustoFunctions.emulator.memoryLimitMb, a whole number of MB from 16', () => {
    expect(read({ kustoFunctions: { emulator: { memoryLimitMb: 512 } } }).emulator.memoryLimitMb).to.equal(512);
    expect(read({}).emulator.memoryLimitMb).to.equal(undefined);
    for (const value of [8, 100.5, '512']) {
      expect(() => read({ kustoFunctions: { emulator: { memoryLimitMb: value } } }), String(value)).to.throw(
        HostStartError,
        /"kustoFunctions\.emulator\.memoryLimitMb" in .*host\.json must be a whole number of MB, 16 or more; got /,
      );
    }
  });

  it('writes timespans back as host.json does', () => {
    expect(formatTimespan(2000)).to.equal('00:00:02');
    expect(formatTimespan(93_784_500)).to.equal('1.02:03:04.500');
  });
});
