// Loaded by mocha before any spec (see .mocharc.json). The @azure/functions-core stand-in must be in place
// before any module calls app.*: @azure/functions otherwise switches to its test mode for good.
import { FunctionsHarness } from 'kusto-functions-host/testing';

FunctionsHarness.install();

// No spec may reach a real identity service: @azure/identity and MSAL probe IMDS (169.254.169.254, or
// AZURE_POD_IDENTITY_AUTHORITY_HOST when set) and the Entra login host (AZURE_AUTHORITY_HOST) when no local identity
// endpoint is set. Port 9 (discard) on loopback refuses them at once.
process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = 'http://127.0.0.1:9';
process.env.AZURE_AUTHORITY_HOST = 'https://127.0.0.1:9';
