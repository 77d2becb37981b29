/**
 * Envelope signing mode in the template (context `signingMode=envelope`): a
 * symmetric key with rotation, a key pair KMS generates at deploy time by a
 * custom resource, only its ciphertext and public key in the environment, and
 * `kms:Decrypt` for login and refresh alone.
 */
import { ENV } from '../../lambdas/config';
import { actionsOf, DEFAULT_ROUTES, roleStatements, type Statement, synthStack } from './stack';

interface KeyStatement extends Statement {
  Condition?: Record<string, Record<string, unknown>>;
}

describe('envelope signing mode', () => {
  const { template, stack, logicalId } = synthStack({ signingMode: 'envelope' });
  const envelope = stack.auth.envelopeKey;
  const resources = template.toJSON().Resources;

  it('has a symmetric key with rotation on, and a key pair made by a custom resource', () => {
    expect(envelope).toBeDefined();
    const key = resources[logicalId(envelope?.key as never)];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.Properties.KeySpec ?? 'SYMMETRIC_DEFAULT').toBe('SYMMETRIC_DEFAULT');
    const pair = resources[logicalId(envelope?.resource as never)];
    expect(pair.Type).toBe('Custom::EnvelopeSigningKeyPair');
    expect(pair.Properties.KeyId).toEqual({ Ref: logicalId(envelope?.key as never) });
  });

  it('hands the functions the ciphertext and the public key, the pair current, the KMS keys still trusted', () => {
    const login = stack.auth.authApi.functions.Login?.function;
    const variables = resources[logicalId(login as never)].Properties.Environment.Variables;
    const pair = logicalId(envelope?.resource as never);
    expect(variables[ENV.privateKeyCiphertext]).toEqual({ 'Fn::GetAtt': [pair, 'Ciphertext'] });
    expect(variables[ENV.currentKid]).toEqual({ 'Fn::GetAtt': [pair, 'Kid'] });
    expect(JSON.stringify(variables[ENV.publicKeys])).toContain(`"${pair}","Jwk"`);
    expect(JSON.stringify(variables[ENV.publicKeys])).toContain('SigningPublicKey');
    expect(variables[ENV.envelopeKeyId]).toEqual({ Ref: logicalId(envelope?.key as never) });
  });

  it('lets only the token issuers (login, refresh, MFA verify and step-up) decrypt, and only the creator generate the pair', () => {
    // On the envelope key (the TOTP secrets' key has decrypters of its own).
    const envelopeKeyArn = JSON.stringify({
      'Fn::GetAtt': [logicalId(envelope?.key as never), 'Arn'],
    });
    const decrypters = DEFAULT_ROUTES.filter((route) =>
      roleStatements(template, logicalId(stack.auth.authApi.functions[route.id]?.role as never))
        .filter((statement) => JSON.stringify(statement).includes(envelopeKeyArn))
        .flatMap(actionsOf)
        .includes('kms:Decrypt'),
    ).map((route) => route.id);
    expect(decrypters.sort()).toEqual(['Login', 'MfaStepUp', 'MfaVerify', 'Refresh']);

    const statements = resources[logicalId(envelope?.key as never)].Properties.KeyPolicy
      .Statement as KeyStatement[];
    expect(statements.find((s) => s.Sid === 'DenyDecryptToEveryoneElse')).toMatchObject({
      Effect: 'Deny',
      Action: 'kms:Decrypt',
    });
    expect(statements.find((s) => s.Sid === 'DenyGeneratingPairsToEveryoneElse')).toMatchObject({
      Effect: 'Deny',
      Action: 'kms:GenerateDataKeyPairWithoutPlaintext',
      Condition: {
        ArnNotEquals: {
          'aws:PrincipalArn': [
            { 'Fn::GetAtt': [logicalId(envelope?.creator.role as never), 'Arn'] },
          ],
        },
      },
    });
  });

  it('adds nothing to the default (kms) stack', () => {
    const byDefault = synthStack();
    expect(byDefault.stack.auth.envelopeKey).toBeUndefined();
    expect(Object.keys(byDefault.template.findResources('Custom::EnvelopeSigningKeyPair'))).toEqual(
      [],
    );
  });
});
