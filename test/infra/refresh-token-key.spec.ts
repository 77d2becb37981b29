/**
 * The refresh-token key in the template: an HMAC_256 KMS key that only the
 * functions issuing or reading refresh tokens may MAC with, handed to every
 * function by id with the format to issue.
 */
import { ENV } from '../../lambdas/config';
import { AUTHORIZER, ROUTES } from '../../lambdas/contract/routes';
import { KEY_ADMIN_ACTIONS } from '../../lib/signing-key';
import { actionsOf, roleStatements, type Statement, synthStack } from './stack';

interface KeyStatement extends Statement {
  Condition?: Record<string, Record<string, unknown>>;
}

describe('refresh-token key', () => {
  const { template, stack, logicalId } = synthStack();
  const resource = template.toJSON().Resources[logicalId(stack.auth.refreshTokenKey.key)];
  const statements = resource.Properties.KeyPolicy.Statement as KeyStatement[];
  const macRoles = ROUTES.filter((route) => route.refreshKey?.includes('kms:GenerateMac')).map(
    (route) => ({
      'Fn::GetAtt': [logicalId(stack.auth.authApi.functions[route.id]?.role as never), 'Arn'],
    }),
  );

  it('is an HMAC_256 key for MACs, retained like the tables', () => {
    expect(resource.Properties).toMatchObject({
      KeySpec: 'HMAC_256',
      KeyUsage: 'GENERATE_VERIFY_MAC',
    });
    expect(resource.DeletionPolicy).toBe('Retain');
  });

  it('is MACed with by login, refresh, logout, RFC 7009 revocation and the MFA verify and step-up only', () => {
    const holders = [...ROUTES, AUTHORIZER]
      .filter((spec) =>
        roleStatements(
          template,
          logicalId(
            stack.auth.authApi.functions[spec.id]?.role ??
              stack.auth.authApi.authorizerFunction.role,
          ),
        )
          .flatMap(actionsOf)
          .includes('kms:GenerateMac'),
      )
      .map((spec) => spec.id);
    expect(holders.sort()).toEqual([
      'Login',
      'Logout',
      'MfaStepUp',
      'MfaVerify',
      'OAuthRevoke',
      'Refresh',
    ]);
  });

  it('lets only those roles MAC, and denies GenerateMac to every other principal', () => {
    expect(statements.find((s) => s.Sid === 'RefreshTokenFunctionsGenerateMac')).toMatchObject({
      Effect: 'Allow',
      Action: 'kms:GenerateMac',
      Condition: { ArnEquals: { 'aws:PrincipalArn': macRoles } },
    });
    expect(statements.find((s) => s.Sid === 'DenyGenerateMacToEveryoneElse')).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:GenerateMac',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': macRoles } },
    });
    const admin = statements.find((s) => s.Sid === 'AccountAdministersTheKeyWithoutSigning');
    expect(actionsOf(admin as Statement)).toEqual([...KEY_ADMIN_ACTIONS]);
  });

  it('reaches every function by id, with the format to issue', () => {
    for (const fn of [
      stack.auth.authApi.authorizerFunction,
      ...Object.values(stack.auth.authApi.functions),
    ]) {
      const variables =
        template.toJSON().Resources[logicalId(fn.function)].Properties.Environment.Variables;
      expect(variables[ENV.refreshTokenKeyId]).toEqual({
        Ref: logicalId(stack.auth.refreshTokenKey.key),
      });
      expect(variables[ENV.refreshTokenFormat]).toBe('opaque');
    }
  });

  it('is deployed to the functions that read refresh tokens before those that issue them', () => {
    const resources = template.toJSON().Resources;
    const fnId = (id: string) =>
      logicalId(stack.auth.authApi.functions[id]?.function.node.defaultChild as never);
    const dependsOn = (id: string) => (resources[fnId(id)].DependsOn ?? []) as string[];

    expect(dependsOn('Login')).toEqual(
      expect.arrayContaining([fnId('Refresh'), fnId('Logout'), fnId('OAuthRevoke')]),
    );
    expect(dependsOn('Refresh')).toEqual(
      expect.arrayContaining([fnId('Logout'), fnId('OAuthRevoke')]),
    );
    expect(dependsOn('Refresh')).not.toContain(fnId('Login'));
    for (const reader of ['Logout', 'OAuthRevoke']) {
      expect(dependsOn(reader)).not.toEqual(
        expect.arrayContaining([expect.stringMatching(/Login|Refresh/)]),
      );
    }
  });

  it('issues what context refreshTokenFormat says', () => {
    const jwt = synthStack({ refreshTokenFormat: 'jwt' });
    const login = jwt.stack.auth.authApi.functions.Login?.function;
    expect(
      jwt.template.toJSON().Resources[jwt.logicalId(login as never)].Properties.Environment
        .Variables[ENV.refreshTokenFormat],
    ).toBe('jwt');
    expect(() => synthStack({ refreshTokenFormat: 'paseto' })).toThrow(/refreshTokenFormat/);
  });
});
