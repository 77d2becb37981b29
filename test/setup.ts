import { failOnViolations, installNetworkGuard } from './support/network-guard';

// No test may reach AWS: fixed dummy credentials and region, and no instance
// metadata lookups (which would leave loopback).
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;
// The SDK warns once per process that Node 20 will lose support in 2027; known, and noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Powertools Logger and Metrics write through the global console (which tests
// can spy on) instead of their own stdout stream; metrics stay off unless a
// test turns them on with POWERTOOLS_METRICS_DISABLED=false.
process.env.POWERTOOLS_DEV = 'true';
// The logger calls console.<level>; route the levels to the two streams as
// Node's Console does (debug and info to stdout, warn to stderr), so a spy on
// console.log or console.error sees every line bound for that stream.
console.debug = (...args: unknown[]) => console.log(...args);
console.info = (...args: unknown[]) => console.log(...args);
console.warn = (...args: unknown[]) => console.error(...args);

// No test may open a connection outside loopback (support/network-guard.ts):
// the attempt is refused, and the test that made it fails.
installNetworkGuard();
afterEach(failOnViolations);
afterAll(failOnViolations);
