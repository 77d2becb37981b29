import { Match } from 'aws-cdk-lib/assertions';
import { ENV } from '../../lambdas/config';
import { AUTHORIZER } from '../../lambdas/contract/routes';
import { mapTables, tableEnvironment } from '../../lambdas/contract/tables';
import { DEFAULT_MEMORY_MB, PASSWORD_HASHING_MEMORY_MB } from '../../lib/auth-function';
import { DEFAULT_ROUTES, synthStack } from './stack';

const ALL_SPECS = [...DEFAULT_ROUTES, AUTHORIZER];

describe('Lambda functions', () => {
  const { stack, template, apiTemplate, logicalId } = synthStack();
  const resources = template.toJSON().Resources;
  const fnOf = (id: string) => {
    const fn =
      id === AUTHORIZER.id
        ? stack.auth.authApi.authorizerFunction
        : stack.auth.authApi.functions[id];
    if (!fn) throw new Error(`no function for ${id}`);
    return fn;
  };
  const propsOf = (id: string) => resources[logicalId(fnOf(id).function)].Properties;

  it('creates one function per route plus the authorizer, and the deploy-time key reader', () => {
    template.resourceCountIs('AWS::Lambda::Function', DEFAULT_ROUTES.length + 2);
    apiTemplate.resourceCountIs('AWS::Lambda::Function', DEFAULT_ROUTES.length + 1);
  });

  it('runs every function on nodejs24.x and arm64', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
    });
  });

  it.each(ALL_SPECS.map((spec) => [spec.id, spec.hashesPasswords === true]))(
    'sizes %s for its work (hashes passwords: %s)',
    (id, hashes) => {
      expect(propsOf(id).MemorySize).toBe(hashes ? PASSWORD_HASHING_MEMORY_MB : DEFAULT_MEMORY_MB);
    },
  );

  it('gives the scrypt functions (login, register, password change) 1024 MB', () => {
    for (const id of ['Login', 'Register', 'ChangePassword']) {
      expect(propsOf(id).MemorySize).toBe(1024);
    }
  });

  it('bounds every timeout below the API Gateway integration limit', () => {
    template.allResourcesProperties('AWS::Lambda::Function', { Timeout: 10 });
  });

  it('gives every function the configuration loadConfig needs', () => {
    apiTemplate.allResourcesProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          ...tableEnvironment(mapTables(() => ({ Ref: Match.anyValue() }))),
          [ENV.kmsKeyId]: { Ref: Match.anyValue() },
          [ENV.issuer]: Match.anyValue(),
          [ENV.acceptedIssuers]: 'serverless-jwt-auth',
          [ENV.audience]: 'serverless-jwt-auth',
          [ENV.accessTokenTtlSeconds]: '900',
          [ENV.refreshTokenTtlSeconds]: '2592000',
          [ENV.refreshGraceSeconds]: '30',
          [ENV.signupOpen]: 'true',
          [ENV.maxSessionsPerUser]: '100',
          [ENV.loginLockoutThreshold]: '5',
          [ENV.loginLockoutMaxSeconds]: '900',
          NODE_OPTIONS: '--enable-source-maps',
        }),
      },
    });
  });

  it('passes configured issuer, audience, lifetimes, grace window and lockout through', () => {
    const custom = synthStack({
      issuer: 'https://auth.example.com',
      audience: 'api.example.com',
      accessTokenTtlSeconds: '300',
      refreshTokenTtlSeconds: '86400',
      refreshGraceSeconds: '0',
      loginLockoutThreshold: '10',
      loginLockoutMaxSeconds: '60',
    });
    custom.apiTemplate.allResourcesProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [ENV.issuer]: 'https://auth.example.com',
          [ENV.audience]: 'api.example.com',
          [ENV.accessTokenTtlSeconds]: '300',
          [ENV.refreshTokenTtlSeconds]: '86400',
          [ENV.refreshGraceSeconds]: '0',
          [ENV.loginLockoutThreshold]: '10',
          [ENV.loginLockoutMaxSeconds]: '60',
        }),
      },
    });
  });

  it('tells the handlers the CORS origins only when some are configured', () => {
    const withCors = synthStack({ corsOrigins: 'https://app.example.com,http://localhost:5173' });

    withCors.apiTemplate.allResourcesProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [ENV.corsOrigins]: 'https://app.example.com,http://localhost:5173',
        }),
      },
    });
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Environment.Variables).not.toHaveProperty(ENV.corsOrigins);
    }
  });

  it('puts no key material, local key folder or endpoint override in any environment', () => {
    const forbidden = [ENV.localKeyDir, ENV.dynamodbEndpoint, ENV.passwordHashCost];
    for (const fn of Object.values(apiTemplate.findResources('AWS::Lambda::Function'))) {
      const variables: Record<string, unknown> = fn.Properties.Environment.Variables;
      for (const name of forbidden) expect(variables).not.toHaveProperty(name);
      const text = JSON.stringify(variables);
      expect(text).not.toMatch(/PRIVATE KEY|"d":|BEGIN /);
      // The key is referenced by id (a Ref to the KMS key resource), never inlined.
      expect(variables[ENV.kmsKeyId]).toEqual({ Ref: expect.any(String) });
    }
  });

  it('points the key id variable at the signing key', () => {
    const keyId = logicalId(stack.auth.signingKey.key);
    apiTemplate.allResourcesProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [ENV.kmsKeyId]: { Ref: keyId } }) },
    });
  });

  it('hands every function the public key set read at deploy time, and the current kid', () => {
    const publicKey = logicalId(stack.auth.signingPublicKey.resource);
    apiTemplate.allResourcesProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [ENV.publicKeys]: {
            'Fn::Join': ['', ['[', { 'Fn::GetAtt': [publicKey, 'Jwk'] }, ']']],
          },
          [ENV.currentKid]: { 'Fn::GetAtt': [publicKey, 'Kid'] },
        }),
      },
    });
  });

  it('gives the key reader no configuration at all', () => {
    expect(
      resources[logicalId(stack.auth.signingPublicKey.reader.function)].Properties.Environment,
    ).toEqual({ Variables: { NODE_OPTIONS: '--enable-source-maps' } });
  });

  it('writes every function to its own log group with bounded retention', () => {
    template.resourcePropertiesCountIs(
      'AWS::Logs::LogGroup',
      { RetentionInDays: 30 },
      // One per function (and the key reader), plus the API's access and execution logs.
      DEFAULT_ROUTES.length + 2 + 2,
    );
    for (const spec of ALL_SPECS) {
      const fn = fnOf(spec.id);
      expect(propsOf(spec.id).LoggingConfig).toEqual({ LogGroup: { Ref: logicalId(fn.logGroup) } });
    }
  });

  it('uses the configured log retention', () => {
    synthStack({ logRetentionDays: '7' }).template.allResourcesProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 7,
    });
  });

  it('gives functions their own roles without AWS managed policies', () => {
    for (const spec of ALL_SPECS) {
      const role = resources[logicalId(fnOf(spec.id).role)];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(propsOf(spec.id).Role).toEqual({
        'Fn::GetAtt': [logicalId(fnOf(spec.id).role), 'Arn'],
      });
    }
  });
});
