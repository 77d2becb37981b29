import { ROUTES } from '../../lambdas/contract/routes';
import { KEY_ADMIN_ACTIONS } from '../../lib/signing-key';
import { actionsOf, roleStatements, type Statement, synthStack } from './stack';

interface KeyStatement extends Statement {
  Principal: { AWS: unknown };
  Condition?: Record<string, Record<string, unknown>>;
}

const ACCOUNT_ROOT = {
  'Fn::Join': [
    '',
    ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root'],
  ],
};

describe('KMS signing key', () => {
  const { template, stack, logicalId } = synthStack();
  const keys = Object.values(
    template.findResources('AWS::KMS::Key', { Properties: { KeySpec: 'ECC_NIST_P256' } }),
  );
  const statements = (keys[0]?.Properties.KeyPolicy.Statement ?? []) as KeyStatement[];
  const bySid = (sid: string) => statements.find((statement) => statement.Sid === sid);
  const allows = (action: string) =>
    statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => matches(a, action)));
  /** IAM-style wildcard match of one action pattern. */
  const matches = (pattern: string, action: string) =>
    new RegExp(`^${pattern.replace(/\*/g, '.*')}$`, 'i').test(action);
  const signerRoles = ROUTES.filter((route) => route.key.includes('kms:Sign')).map((route) => {
    const fn = stack.auth.authApi.functions[route.id];
    if (!fn) throw new Error(`no function ${route.id}`);
    return { 'Fn::GetAtt': [logicalId(fn.role), 'Arn'] };
  });

  it('is an ECC_NIST_P256 key for signing and verifying', () => {
    expect(keys).toHaveLength(1);
    expect(keys[0]?.Properties).toMatchObject({
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
    });
  });

  it('has an alias named after the stage', () => {
    template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/serverless-jwt-auth/prod',
    });
  });

  it('is retained on stack deletion by default', () => {
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('is scheduled for deletion with the stack when retain=false', () => {
    synthStack({ retain: 'false' }).template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Delete',
    });
  });

  it('has its public half read at deploy time by a custom resource, once the reader may', () => {
    const resource = template.toJSON().Resources[logicalId(stack.auth.signingPublicKey.resource)];

    expect(resource.Type).toBe('Custom::SigningPublicKey');
    expect(resource.Properties).toEqual({
      ServiceToken: {
        'Fn::GetAtt': [logicalId(stack.auth.signingPublicKey.reader.function), 'Arn'],
      },
      KeyId: { Ref: logicalId(stack.auth.signingKey.key) },
    });
    // CloudFormation must not call the reader before its GetPublicKey grant exists.
    const policy = logicalId(
      stack.auth.signingPublicKey.reader.role.node.tryFindChild('DefaultPolicy') as never,
    );
    expect(resource.DependsOn).toEqual(expect.arrayContaining([policy]));
  });

  describe('key policy', () => {
    it('issues tokens from login, refresh and the second factor’s verify and step-up only', () => {
      expect(ROUTES.filter((r) => r.key.includes('kms:Sign')).map((r) => r.id)).toEqual([
        'Login',
        'Refresh',
        'MfaVerify',
        'MfaStepUp',
      ]);
    });

    it('gives the account no kms:* (the CDK default) and no wildcard action at all', () => {
      for (const statement of statements) {
        for (const action of actionsOf(statement)) expect(action).not.toContain('*');
      }
    });

    it('lets only the token-issuing roles sign: one allow, conditioned on their ARNs', () => {
      const signing = allows('kms:Sign');
      expect(signing).toHaveLength(1);
      expect(signing[0]).toMatchObject({
        Sid: 'TokenIssuersSign',
        Principal: { AWS: ACCOUNT_ROOT },
        Action: 'kms:Sign',
        Condition: { ArnEquals: { 'aws:PrincipalArn': signerRoles } },
      });
    });

    it('denies kms:Sign to every other principal, whatever IAM or a grant says', () => {
      expect(bySid('DenySigningToEveryoneElse')).toEqual({
        Sid: 'DenySigningToEveryoneElse',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'kms:Sign',
        Resource: '*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': signerRoles } },
      });
    });

    it('keeps the key administrable by the account without Sign (no lock-out)', () => {
      const admin = bySid('AccountAdministersTheKeyWithoutSigning');
      expect(admin).toMatchObject({ Effect: 'Allow', Principal: { AWS: ACCOUNT_ROOT } });
      const actions = actionsOf(admin as Statement);
      expect(actions).toEqual([...KEY_ADMIN_ACTIONS]);
      // What CloudFormation and an administrator need to update, tag and delete it.
      for (const needed of [
        'kms:PutKeyPolicy',
        'kms:GetKeyPolicy',
        'kms:DescribeKey',
        'kms:ScheduleKeyDeletion',
        'kms:CancelKeyDeletion',
        'kms:EnableKey',
        'kms:DisableKey',
        'kms:TagResource',
        'kms:UntagResource',
        'kms:CreateAlias',
        'kms:DeleteAlias',
      ]) {
        expect(actions).toContain(needed);
      }
      for (const forbidden of ['kms:Sign', 'kms:Verify', 'kms:CreateGrant']) {
        expect(actions).not.toContain(forbidden);
      }
    });

    it('denies grants except those AWS services create (Control Tower CT.KMS.PR.3)', () => {
      expect(bySid('DenyGrantsNotForAwsResources')).toEqual({
        Sid: 'DenyGrantsNotForAwsResources',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: { Bool: { 'kms:GrantIsForAWSResource': 'false' } },
      });
      expect(allows('kms:CreateGrant')).toEqual([]);
    });

    it('lets the account hand out the public key through IAM', () => {
      expect(allows('kms:GetPublicKey').map((s) => s.Principal.AWS)).toEqual([ACCOUNT_ROOT]);
    });

    it('still gives each signer the IAM allow the account principal delegates to', () => {
      for (const route of ['Login', 'Refresh']) {
        const fn = stack.auth.authApi.functions[route];
        if (!fn) throw new Error(`no function ${route}`);
        const iam = roleStatements(template, logicalId(fn.role));
        expect(iam.some((s) => actionsOf(s).includes('kms:Sign'))).toBe(true);
      }
    });
  });
});
