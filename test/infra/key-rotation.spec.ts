/**
 * Signing key rotation from the stack (context `signingKeys`, current first):
 * each listed name is a KMS key with its own deploy-time public key reading,
 * every function trusts all of them and signs with the first. The default
 * keeps the logical ids of the key every stack had before rotation existed:
 * a deployment of this version replaces no key and logs nobody out.
 */
import { ENV } from '../../lambdas/config';
import { readStackConfig, StackConfigError } from '../../lib/config';
import { actionsOf, resourcesOf, roleStatements, type Synthesized, synthStack } from './stack';

/** The logical ids the single signing key had before rotation existed (unchanged since). */
const LEGACY_LOGICAL_IDS = {
  key: 'SigningKey49B95470',
  alias: 'SigningKeyAliasFA392759',
  publicKey: 'SigningPublicKey89B1E9A4',
  reader: 'SigningPublicKeyPublicKeyReaderFunction9B4FFD58',
};

/** The environment every API function gets (the key reader has none). */
function apiVariables({ apiTemplate }: Synthesized): Record<string, unknown>[] {
  return Object.values(apiTemplate.findResources('AWS::Lambda::Function')).map(
    (fn) => fn.Properties.Environment.Variables,
  );
}

const named = (s: Synthesized, name: string) => {
  const key = s.stack.auth.signingKey.keys.find((k) => k.name === name)?.key;
  const reading = s.stack.auth.signingPublicKey.keys.find((k) => k.name === name)?.resource;
  if (!key || !reading) throw new Error(`no key named ${name}`);
  return { key: s.logicalId(key), publicKey: s.logicalId(reading) };
};

/** Signing keys only: the refresh-token key is another KMS key of the stack. */
const ES256_KEY = { Properties: { KeySpec: 'ECC_NIST_P256' } };

const jwkOf = (publicKey: string) => ({ 'Fn::GetAtt': [publicKey, 'Jwk'] });
const kidOf = (publicKey: string) => ({ 'Fn::GetAtt': [publicKey, 'Kid'] });

describe('context signingKeys', () => {
  const read = (context: Record<string, unknown>) => readStackConfig((key) => context[key]);

  it('defaults to the one key every stack already has', () => {
    expect(read({}).signingKeys).toEqual(['k1']);
  });

  it('reads an ordered list, current first, from -c or cdk.json', () => {
    expect(read({ signingKeys: 'k2, k1' }).signingKeys).toEqual(['k2', 'k1']);
    expect(read({ signingKeys: ['k1', 'k2'] }).signingKeys).toEqual(['k1', 'k2']);
  });

  it.each([
    ['a name twice', 'k2,k2', /twice/],
    ['a name that is not letters and digits', 'k-2,k1', /letters and digits/],
    ['an empty name', 'k2,,k1', /letters and digits/],
    ['more than three keys', 'k4,k3,k2,k1', /at most 3/],
    ['a number', 7, /comma-separated/],
  ])('refuses %s, naming the key', (_, value, message) => {
    expect(() => read({ signingKeys: value })).toThrow(StackConfigError);
    expect(() => read({ signingKeys: value })).toThrow(/"signingKeys"/);
    expect(() => read({ signingKeys: value })).toThrow(message);
  });
});

describe('signing key set in the template', () => {
  const byDefault = synthStack();
  const rotating = synthStack({ signingKeys: 'k2,k1' });
  const prepublished = synthStack({ signingKeys: 'k1,k2' });
  const dropped = synthStack({ signingKeys: 'k2' });

  describe('by default (one key)', () => {
    it('keeps the logical ids of the key, its alias, its public key reading and the reader', () => {
      const { template, stack, logicalId } = byDefault;
      expect(Object.keys(template.findResources('AWS::KMS::Key', ES256_KEY))).toEqual([
        LEGACY_LOGICAL_IDS.key,
      ]);
      expect(logicalId(stack.auth.signingKey.key)).toBe(LEGACY_LOGICAL_IDS.key);
      expect(logicalId(stack.auth.signingKey.alias)).toBe(LEGACY_LOGICAL_IDS.alias);
      expect(Object.keys(template.findResources('Custom::SigningPublicKey'))).toEqual([
        LEGACY_LOGICAL_IDS.publicKey,
      ]);
      expect(logicalId(stack.auth.signingPublicKey.reader.function)).toBe(
        LEGACY_LOGICAL_IDS.reader,
      );
    });

    it('hands over a set of that one key, and no key list output', () => {
      for (const variables of apiVariables(byDefault)) {
        expect(variables[ENV.publicKeys]).toEqual({
          'Fn::Join': ['', ['[', jwkOf(LEGACY_LOGICAL_IDS.publicKey), ']']],
        });
        expect(variables[ENV.currentKid]).toEqual(kidOf(LEGACY_LOGICAL_IDS.publicKey));
        expect(variables[ENV.kmsKeyId]).toEqual({ Ref: LEGACY_LOGICAL_IDS.key });
      }
      expect(byDefault.template.toJSON().Outputs).not.toHaveProperty('SigningKeys');
    });
  });

  describe('signingKeys=k2,k1 (rotating: k2 signs, k1 still trusted)', () => {
    const k1 = named(rotating, 'k1');
    const k2 = named(rotating, 'k2');

    it('keeps k1 exactly where it was and adds k2 as a second ES256 key', () => {
      expect(k1.key).toBe(LEGACY_LOGICAL_IDS.key);
      expect(k1.publicKey).toBe(LEGACY_LOGICAL_IDS.publicKey);
      const keys = rotating.template.findResources('AWS::KMS::Key', ES256_KEY);
      expect(Object.keys(keys).sort()).toEqual([k1.key, k2.key].sort());
      for (const key of Object.values(keys)) {
        expect(key.Properties).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
        expect(key.DeletionPolicy).toBe('Retain');
      }
    });

    it('gives every key the same key policy (only login and refresh may sign)', () => {
      const keys = Object.values(rotating.template.findResources('AWS::KMS::Key', ES256_KEY));
      const [first, second] = keys.map((key) => key.Properties.KeyPolicy);
      expect(second).toEqual(first);
      const legacy = byDefault.template.findResources('AWS::KMS::Key', ES256_KEY)[
        LEGACY_LOGICAL_IDS.key
      ];
      expect(first).toEqual(legacy?.Properties.KeyPolicy);
    });

    it('reads each public key with its own custom resource, through one reader', () => {
      const readings = rotating.template.findResources('Custom::SigningPublicKey');
      expect(Object.keys(readings).sort()).toEqual([k1.publicKey, k2.publicKey].sort());
      const reader = rotating.logicalId(rotating.stack.auth.signingPublicKey.reader.function);
      expect(readings[k1.publicKey]?.Properties).toEqual({
        ServiceToken: { 'Fn::GetAtt': [reader, 'Arn'] },
        KeyId: { Ref: k1.key },
      });
      expect(readings[k2.publicKey]?.Properties).toEqual({
        ServiceToken: { 'Fn::GetAtt': [reader, 'Arn'] },
        KeyId: { Ref: k2.key },
      });
      // No second reader function: the same one reads every key.
      rotating.template.resourceCountIs(
        'AWS::Lambda::Function',
        Object.keys(byDefault.template.findResources('AWS::Lambda::Function')).length,
      );
      const policy = rotating.logicalId(
        rotating.stack.auth.signingPublicKey.reader.role.node.tryFindChild(
          'DefaultPolicy',
        ) as never,
      );
      for (const reading of Object.values(readings)) {
        expect(reading.DependsOn).toEqual(expect.arrayContaining([policy]));
      }
    });

    it('lets the reader read both public keys and nothing else', () => {
      const role = rotating.logicalId(rotating.stack.auth.signingPublicKey.reader.role);
      const kms = roleStatements(rotating.template, role).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('kms:')),
      );
      expect(kms).toHaveLength(1);
      expect(actionsOf(kms[0] as never)).toEqual(['kms:GetPublicKey']);
      expect(resourcesOf(kms[0] as never)).toEqual([
        { 'Fn::GetAtt': [k2.key, 'Arn'] },
        { 'Fn::GetAtt': [k1.key, 'Arn'] },
      ]);
    });

    it('hands every function both public keys, current first, the current kid and key id', () => {
      for (const variables of apiVariables(rotating)) {
        expect(variables[ENV.publicKeys]).toEqual({
          'Fn::Join': ['', ['[', jwkOf(k2.publicKey), ',', jwkOf(k1.publicKey), ']']],
        });
        expect(variables[ENV.currentKid]).toEqual(kidOf(k2.publicKey));
        expect(variables[ENV.kmsKeyId]).toEqual({ Ref: k2.key });
      }
    });

    it('points the alias and the SigningKeyId output at the current key, and lists both', () => {
      rotating.template.hasResourceProperties('AWS::KMS::Alias', {
        AliasName: 'alias/serverless-jwt-auth/prod',
        TargetKeyId: { 'Fn::GetAtt': [k2.key, 'Arn'] },
      });
      expect(rotating.logicalId(rotating.stack.auth.signingKey.alias)).toBe(
        LEGACY_LOGICAL_IDS.alias,
      );
      const outputs = rotating.template.toJSON().Outputs;
      expect(outputs.SigningKeyId.Value).toEqual({ Ref: k2.key });
      expect(outputs.SigningKeys.Value).toEqual({
        'Fn::Join': [
          ',',
          [
            { 'Fn::Join': ['=', ['k2', { Ref: k2.key }]] },
            { 'Fn::Join': ['=', ['k1', { Ref: k1.key }]] },
          ],
        ],
      });
    });

    it('lets login and refresh sign with either listed key (a switch never strands an instance)', () => {
      for (const route of ['Login', 'Refresh']) {
        const fn = rotating.stack.auth.authApi.functions[route];
        if (!fn) throw new Error(`no function ${route}`);
        const signing = roleStatements(rotating.template, rotating.logicalId(fn.role)).filter((s) =>
          actionsOf(s).includes('kms:Sign'),
        );
        expect(signing.flatMap(resourcesOf)).toEqual([
          { 'Fn::GetAtt': [k2.key, 'Arn'] },
          { 'Fn::GetAtt': [k1.key, 'Arn'] },
        ]);
      }
      // The authorizer can touch no key at all.
      const authorizer = rotating.logicalId(rotating.stack.auth.authApi.authorizerFunction.role);
      expect(
        roleStatements(rotating.template, authorizer)
          .flatMap(actionsOf)
          .filter((a) => a.startsWith('kms:')),
      ).toEqual([]);
    });
  });

  describe('signingKeys=k1,k2 (the new key published before it signs)', () => {
    const k1 = named(prepublished, 'k1');
    const k2 = named(prepublished, 'k2');

    it('still signs with k1 but already hands out both public keys', () => {
      expect(k1.key).toBe(LEGACY_LOGICAL_IDS.key);
      for (const variables of apiVariables(prepublished)) {
        expect(variables[ENV.kmsKeyId]).toEqual({ Ref: k1.key });
        expect(variables[ENV.currentKid]).toEqual(kidOf(k1.publicKey));
        expect(variables[ENV.publicKeys]).toEqual({
          'Fn::Join': ['', ['[', jwkOf(k1.publicKey), ',', jwkOf(k2.publicKey), ']']],
        });
      }
    });

    it('gives k2 the logical ids the switch to k2,k1 keeps (nothing is replaced by it)', () => {
      expect(k2).toEqual(named(rotating, 'k2'));
    });
  });

  describe('signingKeys=k2 (k1 dropped)', () => {
    const k2 = named(dropped, 'k2');

    it('keeps k2 as it was and leaves k1 out of the stack and of the key set', () => {
      expect(k2).toEqual(named(rotating, 'k2'));
      expect(Object.keys(dropped.template.findResources('AWS::KMS::Key', ES256_KEY))).toEqual([
        k2.key,
      ]);
      expect(Object.keys(dropped.template.findResources('Custom::SigningPublicKey'))).toEqual([
        k2.publicKey,
      ]);
      for (const variables of apiVariables(dropped)) {
        expect(variables[ENV.publicKeys]).toEqual({
          'Fn::Join': ['', ['[', jwkOf(k2.publicKey), ']']],
        });
        expect(variables[ENV.currentKid]).toEqual(kidOf(k2.publicKey));
        expect(variables[ENV.kmsKeyId]).toEqual({ Ref: k2.key });
      }
      dropped.template.hasResourceProperties('AWS::KMS::Alias', {
        TargetKeyId: { 'Fn::GetAtt': [k2.key, 'Arn'] },
      });
    });
  });
});
