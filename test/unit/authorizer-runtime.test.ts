import { createAuthorizerRuntime } from '../../lambdas/authorizer-runtime';
import { ConfigError, ENV } from '../../lambdas/config';
import { tableEnvironment } from '../../lambdas/contract/tables';

const tables = tableEnvironment();

describe('createAuthorizerRuntime', () => {
  it('refuses to start with a KMS key but no public keys: it has no KMS access', () => {
    expect(() => createAuthorizerRuntime({ ...tables, [ENV.kmsKeyId]: 'alias/k' })).toThrow(
      ConfigError,
    );
    expect(() => createAuthorizerRuntime({ ...tables, [ENV.kmsKeyId]: 'alias/k' })).toThrow(
      /SIGNING_PUBLIC_KEYS is required/,
    );
  });
});
