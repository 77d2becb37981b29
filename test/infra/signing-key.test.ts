import { synthStack } from './stack';

describe('KMS signing key', () => {
  const { template } = synthStack();

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
});
