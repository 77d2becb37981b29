import { synthStack } from './stack';

describe('KMS signing key', () => {
  const { stack, template, logicalId } = synthStack();

  it('is an ECC_NIST_P256 key for signing and verifying', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', {
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
    const resource = template.toJSON().Resources[logicalId(stack.signingPublicKey.resource)];

    expect(resource.Type).toBe('Custom::SigningPublicKey');
    expect(resource.Properties).toEqual({
      ServiceToken: {
        'Fn::GetAtt': [logicalId(stack.signingPublicKey.reader.function), 'Arn'],
      },
      KeyId: { Ref: logicalId(stack.signingKey.key) },
    });
    // CloudFormation must not call the reader before its GetPublicKey grant exists.
    const policy = logicalId(
      stack.signingPublicKey.reader.role.node.tryFindChild('DefaultPolicy') as never,
    );
    expect(resource.DependsOn).toEqual(expect.arrayContaining([policy]));
  });
});
