// Loaded by mocha before any spec (see .mocharc.json). The @azure/functions-core stand-in must be in place
// before any module calls app.*: @azure/functions otherwise switches to its test mode for good.
import { FunctionsHarness } from '../../lib/testing';

FunctionsHarness.install();
