// Loaded by mocha before any spec (see .mocharc.json). The @azure/functions-core stand-in must be in place
// before any module calls app.*: @azure/functions otherwise switches to its test mode for good.
import type { Context } from 'mocha';
import { FunctionsHarness, startWarmedEmulator } from '../../lib/testing';

FunctionsHarness.install();

// No spec may reach a real identity service: @azure/identity and MSAL probe IMDS (169.254.169.254, or
// AZURE_POD_IDENTITY_AUTHORITY_HOST when set) and the Entra login host (AZURE_AUTHORITY_HOST) when no local identity
// endpoint is set. Port 9 (discard) on loopback refuses them at once.
process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = 'http://127.0.0.1:9';
process.env.AZURE_AUTHORITY_HOST = 'https://127.0.0.1:9';

/**
 * Root hooks: the KQL parser and the Kusto client are warmed once, as the README's testing recipe does, so the
 * ~2 s is not paid inside whichever spec first starts an emulator (and its timeout).
 */
export const mochaHooks = {
  async beforeAll(this: Context): Promise<void> {
    // ~2 s on an idle machine; a loaded one (CI on 2 cores) may take several times that.
    this.timeout(30_000);
    await (await startWarmedEmulator()).close();
  },
};
