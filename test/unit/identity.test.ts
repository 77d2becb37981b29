/**
 * `identityOf(event)`: what a user's handler calls to learn who is calling,
 * behind a REST API or an HTTP API, and what it imports into that handler's
 * bundle (nothing).
 */
import { relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { identityOf, MissingIdentityError } from '../../lambdas/identity';

const ROOT = resolve(__dirname, '../..');
const CONTEXT = {
  sub: 'u-1',
  sid: 's-1',
  jti: 'j-1',
  username: 'alice',
  exp: '1767225600',
  scope: 'notes:read notes:write',
  roles: 'editor,reader',
  amr: 'pwd,otp,mfa',
};
const IDENTITY = {
  sub: 'u-1',
  sid: 's-1',
  jti: 'j-1',
  username: 'alice',
  exp: 1767225600,
  scope: ['notes:read', 'notes:write'],
  roles: ['editor', 'reader'],
  amr: ['pwd', 'otp', 'mfa'],
};

describe('identityOf', () => {
  it('reads a REST event, beside what API Gateway adds', () => {
    const event = {
      requestContext: { authorizer: { ...CONTEXT, principalId: 'u-1', integrationLatency: 3 } },
    };

    expect(identityOf(event)).toEqual(IDENTITY);
  });

  it('reads an HTTP API payload 2.0 event under authorizer.lambda', () => {
    expect(identityOf({ requestContext: { authorizer: { lambda: CONTEXT } } })).toEqual(IDENTITY);
  });

  it('reads a token without scopes as holding none', () => {
    const event = { requestContext: { authorizer: { ...CONTEXT, scope: '', roles: '' } } };

    expect(identityOf(event)).toEqual({ ...IDENTITY, scope: [], roles: [] });
  });

  it('reads the context of an authorizer older than scopes (no scope, no roles) as holding none', () => {
    const { scope: _scope, roles: _roles, amr: _amr, ...older } = CONTEXT;

    expect(identityOf({ requestContext: { authorizer: older } })).toEqual({
      ...IDENTITY,
      scope: [],
      roles: [],
      amr: [],
    });
  });

  it.each([
    ['a scope that is not a string', { requestContext: { authorizer: { ...CONTEXT, scope: 3 } } }],
    ['no requestContext', {}],
    ['no authorizer (a route deployed without it)', { requestContext: {} }],
    ['a null authorizer', { requestContext: { authorizer: null } }],
    ['a missing key', { requestContext: { authorizer: { ...CONTEXT, sid: undefined } } }],
    ['an empty value', { requestContext: { authorizer: { ...CONTEXT, sub: '' } } }],
    ['a value that is not a string', { requestContext: { authorizer: { ...CONTEXT, sub: 7 } } }],
    ['an exp that is not a time', { requestContext: { authorizer: { ...CONTEXT, exp: 'soon' } } }],
    ['a negative exp', { requestContext: { authorizer: { ...CONTEXT, exp: '-5' } } }],
  ])('throws MissingIdentityError for %s, never returns an anonymous caller', (_, event) => {
    expect(() => identityOf(event)).toThrow(MissingIdentityError);
  });

  it('bundles alone: a user handler that imports it pulls in no other module', async () => {
    const result = await build({
      stdin: {
        contents: "export { identityOf } from './lambdas/identity';",
        resolveDir: ROOT,
        loader: 'ts',
      },
      bundle: true,
      format: 'esm',
      platform: 'node',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });

    const inputs = Object.keys(result.metafile.inputs)
      .filter((input) => input !== '<stdin>')
      .map((input) => relative(ROOT, resolve(ROOT, input)));
    expect(inputs).toEqual(['lambdas/identity.ts']);
  });
});
