/**
 * The OAuth side of the template: introspection behind AWS_IAM and closed by
 * the API's resource policy to all but the configured principals, the other
 * routes left open by it, and the token issuer defaulting to the stage URL.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { ENV } from '../../lambdas/config';
import { readStackConfig } from '../../lib/config';
import { policyAllows } from '../../local/policy';
import { methodsByRoute, synthStack } from './stack';

const ROLE = 'arn:aws:iam::123456789012:role/resource-server';
const OTHER = 'arn:aws:iam::123456789012:user/auditor';
/** The Deny's resources: the route on every stage, and every path below it. */
const INTROSPECT_DENY = [
  'execute-api:/*/POST/oauth/introspect',
  'execute-api:/*/POST/oauth/introspect/*',
];

interface PolicyStatementJson {
  Sid?: string;
  Effect: string;
  Principal: unknown;
  Action: string;
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

function resourcePolicy(template: ReturnType<typeof synthStack>['template']) {
  const [api] = Object.values(template.findResources('AWS::ApiGateway::RestApi'));
  return api?.Properties.Policy as { Statement: PolicyStatementJson[] };
}

describe('OAuth routes in the template', () => {
  // One synth with principals, one without: each test reads what it needs.
  const open = synthStack({ introspectionPrincipals: `${ROLE},${OTHER}` });
  const closed = synthStack();

  it('protects POST /oauth/introspect with AWS_IAM and leaves revoke and metadata public', () => {
    const methods = methodsByRoute(open.template);
    expect(methods.get('POST /oauth/introspect')).toMatchObject({ AuthorizationType: 'AWS_IAM' });
    expect(methods.get('POST /oauth/revoke')).toMatchObject({ AuthorizationType: 'NONE' });
    expect(methods.get('GET /.well-known/oauth-authorization-server')).toMatchObject({
      AuthorizationType: 'NONE',
    });
  });

  it('allows invoking every route, then denies introspection to every principal not listed', () => {
    const { Statement } = resourcePolicy(open.template);
    expect(Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'execute-api:Invoke',
        Resource: 'execute-api:/*',
      }),
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'execute-api:Invoke',
        Resource: INTROSPECT_DENY,
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': [ROLE, OTHER] } },
      }),
    ]);
  });

  it('denies introspection to everybody, unconditionally, when no principal is configured', () => {
    const deny = resourcePolicy(closed.template).Statement.find((s) => s.Effect === 'Deny');
    expect(deny).toMatchObject({
      Principal: { AWS: '*' },
      Resource: INTROSPECT_DENY,
    });
    expect(deny?.Condition).toBeUndefined();
  });

  it('denies nothing but introspection: no Deny names another route', () => {
    for (const { template } of [open, closed]) {
      for (const statement of resourcePolicy(template).Statement) {
        if (statement.Effect !== 'Deny') continue;
        expect([statement.Resource].flat()).toEqual(INTROSPECT_DENY);
      }
    }
  });

  it('denies introspection on every stage and every sub-path, and no other route', () => {
    const policy = resourcePolicy(closed.template) as unknown as Parameters<typeof policyAllows>[0];
    for (const resource of [
      'execute-api:/prod/POST/oauth/introspect',
      'execute-api:/beta/POST/oauth/introspect',
      'execute-api:/prod/POST/oauth/introspect/x',
      'execute-api:/prod/POST/oauth/introspect/x/y',
    ]) {
      expect({ resource, allowed: policyAllows(policy, resource) }).toEqual({
        resource,
        allowed: false,
      });
    }
    for (const resource of [
      'execute-api:/prod/POST/oauth/revoke',
      'execute-api:/beta/POST/auth/login',
      'execute-api:/prod/GET/oauth/introspect',
    ]) {
      expect({ resource, allowed: policyAllows(policy, resource) }).toEqual({
        resource,
        allowed: true,
      });
    }
  });

  it('names the introspection principals in the stage deployment, so a change redeploys', () => {
    const ids = (s: typeof open) =>
      Object.keys(s.template.findResources('AWS::ApiGateway::Deployment'));
    expect(ids(open)).not.toEqual(ids(closed));
  });

  it('refuses an introspection principal that is not an IAM ARN', () => {
    expect(() => synthStack({ introspectionPrincipals: 'resource-server' })).toThrow(
      /introspectionPrincipals/,
    );
  });

  it('sets the token issuer to the stage URL built from the API id, without a cycle', () => {
    const apiId = closed.logicalId(closed.stack.auth.authApi.api);
    closed.apiTemplate.allResourcesProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [ENV.issuer]: {
            'Fn::Join': [
              '',
              [
                'https://',
                { Ref: apiId },
                '.execute-api.',
                { Ref: 'AWS::Region' },
                '.',
                { Ref: 'AWS::URLSuffix' },
                '/prod',
              ],
            ],
          },
          // Tokens issued under the old default stay valid after the upgrade.
          [ENV.acceptedIssuers]: 'serverless-jwt-auth',
        }),
      },
    });
  });

  it('accepts no earlier issuer once an issuer is configured, unless told', () => {
    const read = (context: Record<string, unknown>) => readStackConfig((key) => context[key]);
    expect(read({ issuer: 'https://auth.example.com' }).acceptedIssuers).toEqual([]);
    expect(read({}).acceptedIssuers).toEqual(['serverless-jwt-auth']);
    expect(read({ acceptedIssuers: '' }).acceptedIssuers).toEqual([]);
    expect(
      read({ issuer: 'https://auth.example.com', acceptedIssuers: 'a,b' }).acceptedIssuers,
    ).toEqual(['a', 'b']);
  });
});
