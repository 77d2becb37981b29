/**
 * docs/snippets/attach-authorizer.json, the plain CloudFormation (and SAM)
 * resources that attach the authorizer by its ARN, says what `JwtAuth`
 * itself synthesizes for an API in another app: every property but the
 * API's id and the authorizer's name, and the same SSM parameter.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MockIntegration, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUrlIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { JwtAuth } from '../../lib/jwt-auth';
import { parameterPrefix } from '../../lib/parameters';
import { testApp } from './stack';

type Json = Record<string, unknown>;

const snippet = JSON.parse(
  fs.readFileSync(
    path.join(__dirname, '..', '..', 'docs', 'snippets', 'attach-authorizer.json'),
    'utf8',
  ),
) as {
  Parameters: Record<string, Json>;
  Resources: Record<string, { Type: string; Properties: Json }>;
};

/** What the snippet and the synthesized template may differ in: the user's API and the name. */
const THE_USERS = ['RestApiId', 'ApiId', 'Name'];

function comparable(properties: Json): Json {
  return Object.fromEntries(Object.entries(properties).filter(([key]) => !THE_USERS.includes(key)));
}

describe('the CloudFormation snippet that attaches the authorizer by ARN', () => {
  const stack = new Stack(testApp(), 'Orders');
  const auth = JwtAuth.fromParameters(stack, 'Auth', {
    prefix: parameterPrefix('ServerlessJwtAuth-prod', 'prod'),
  });
  const rest = new RestApi(stack, 'Rest');
  rest.root.addMethod('GET', new MockIntegration(), { authorizer: auth.restAuthorizer(rest) });
  new HttpApi(stack, 'Http').addRoutes({
    path: '/',
    methods: [HttpMethod.GET],
    integration: new HttpUrlIntegration('Url', 'https://example.com'),
    authorizer: auth.httpAuthorizer(),
  });
  const template = Template.fromStack(stack).toJSON() as {
    Parameters: Record<string, Json>;
    Resources: Record<string, { Type: string; Properties: Json }>;
  };

  /** The synthesized `Fn::Join` of an authorizer URI, written as the snippet's `Fn::Sub`. */
  function asSub(value: unknown): unknown {
    const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (!join) return value;
    const text = join[1]
      .map((part) => {
        if (typeof part === 'string') return part;
        // CDK takes the REST authorizer's partition and region from the function's ARN;
        // read from SSM in the API's own region, they are the stack's own.
        const select = (part as { 'Fn::Select'?: [number, unknown] })['Fn::Select'];
        if (select?.[0] === 1) return `\${AWS::Partition}`;
        if (select?.[0] === 3) return `\${AWS::Region}`;
        const ref = (part as { Ref?: string }).Ref ?? '';
        if (ref.startsWith('AWS::')) return `\${${ref}}`;
        const parameter = template.Parameters[ref];
        const [name, declared] = Object.entries(snippet.Parameters)[0] ?? [];
        // The same SSM parameter, under the snippet's name for it.
        return parameter && declared && parameter.Default === declared.Default
          ? `\${${name}}`
          : JSON.stringify(part);
      })
      .join('');
    return { 'Fn::Sub': text };
  }

  function synthesized(type: string): Json {
    const found = Object.values(template.Resources).filter((resource) => resource.Type === type);
    expect(found).toHaveLength(1);
    const properties = comparable((found[0] as { Properties: Json }).Properties);
    return { ...properties, AuthorizerUri: asSub(properties.AuthorizerUri) };
  }

  function documented(type: string): Json {
    const found = Object.values(snippet.Resources).filter((resource) => resource.Type === type);
    expect(found).toHaveLength(1);
    return comparable((found[0] as { Properties: Json }).Properties);
  }

  it('reads the same SSM parameter, of the same type', () => {
    const [declared] = Object.values(snippet.Parameters);
    expect(Object.values(template.Parameters)).toContainEqual(
      expect.objectContaining({ Type: declared?.Type, Default: declared?.Default }),
    );
  });

  it.each(['AWS::ApiGateway::Authorizer', 'AWS::ApiGatewayV2::Authorizer'])(
    'declares %s exactly as JwtAuth does',
    (type) => {
      expect(documented(type)).toEqual(synthesized(type));
    },
  );
});
