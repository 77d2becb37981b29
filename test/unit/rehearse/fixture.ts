/** A small hand-written template in the shape `cdk synth` writes, for the rehearsal's unit tests. */
import type { CfnTemplate } from '../../../tools/rehearse/template';

const api = { Ref: 'Api' };
const lambdaUri = (fn: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':apigateway:',
      { Ref: 'AWS::Region' },
      ':lambda:path/2015-03-31/functions/',
      { 'Fn::GetAtt': [fn, 'Arn'] },
      '/invocations',
    ],
  ],
});
const fn = (asset: string, environment: Record<string, unknown> = {}) => ({
  Type: 'AWS::Lambda::Function',
  Properties: {
    Handler: 'index.handler',
    Runtime: 'nodejs24.x',
    Timeout: 10,
    MemorySize: 256,
    Environment: { Variables: environment },
  },
  Metadata: { 'aws:asset:path': asset },
});

export function fixtureTemplate(): CfnTemplate {
  return {
    Parameters: { BootstrapVersion: { Type: 'String', Default: '/cdk-bootstrap/version' } },
    Resources: {
      Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'api' } },
      Items: {
        Type: 'AWS::ApiGateway::Resource',
        Properties: {
          ParentId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] },
          PathPart: 'items',
          RestApiId: api,
        },
      },
      Item: {
        Type: 'AWS::ApiGateway::Resource',
        Properties: { ParentId: { Ref: 'Items' }, PathPart: '{item_id}', RestApiId: api },
      },
      ListItems: {
        Type: 'AWS::ApiGateway::Method',
        Properties: {
          HttpMethod: 'GET',
          ResourceId: { Ref: 'Items' },
          RestApiId: api,
          AuthorizationType: 'NONE',
          Integration: { Type: 'AWS_PROXY', Uri: lambdaUri('ListFn') },
        },
      },
      PutItem: {
        Type: 'AWS::ApiGateway::Method',
        Properties: {
          HttpMethod: 'PUT',
          ResourceId: { Ref: 'Item' },
          RestApiId: api,
          AuthorizationType: 'CUSTOM',
          AuthorizerId: { Ref: 'TokenAuthorizer' },
          Integration: { Type: 'AWS_PROXY', Uri: lambdaUri('PutFn') },
        },
      },
      Preflight: {
        Type: 'AWS::ApiGateway::Method',
        Properties: {
          HttpMethod: 'OPTIONS',
          ResourceId: { Ref: 'Items' },
          RestApiId: api,
          AuthorizationType: 'NONE',
          Integration: { Type: 'MOCK' },
        },
      },
      TokenAuthorizer: {
        Type: 'AWS::ApiGateway::Authorizer',
        Properties: {
          Type: 'TOKEN',
          RestApiId: api,
          IdentitySource: 'method.request.header.X-Token',
          IdentityValidationExpression: 'Bearer .+',
          AuthorizerResultTtlInSeconds: 30,
          AuthorizerUri: lambdaUri('AuthorizerFn'),
        },
      },
      Unauthorized: {
        Type: 'AWS::ApiGateway::GatewayResponse',
        Properties: {
          RestApiId: api,
          ResponseType: 'UNAUTHORIZED',
          StatusCode: '401',
          ResponseParameters: {
            'gatewayresponse.header.WWW-Authenticate': "'Bearer'",
            'gatewayresponse.header.Access-Control-Allow-Origin': 'method.request.header.Origin',
          },
          ResponseTemplates: {
            'application/json': '{"error":"invalid_token","id":"$context.requestId"}',
          },
        },
      },
      Default4xx: {
        Type: 'AWS::ApiGateway::GatewayResponse',
        Properties: {
          RestApiId: api,
          ResponseType: 'DEFAULT_4XX',
          ResponseTemplates: { 'application/json': '{"error":"invalid_request"}' },
        },
      },
      ItemsTable: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        },
      },
      Key: {
        Type: 'AWS::KMS::Key',
        Properties: { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' },
      },
      KeyAlias: {
        Type: 'AWS::KMS::Alias',
        Properties: { AliasName: 'alias/items', TargetKeyId: { Ref: 'Key' } },
      },
      Topic: { Type: 'AWS::SNS::Topic' },
      Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: api, StageName: 'prod' } },
      ListFn: fn('asset.list', {
        TABLE: { Ref: 'ItemsTable' },
        TABLE_ARN: { 'Fn::GetAtt': ['ItemsTable', 'Arn'] },
        KEY_ID: { Ref: 'Key' },
        PLAIN: 'text',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
        SUBBED: { 'Fn::Sub': '${AWS::Region}/${ItemsTable}/${ItemsTable.Arn}/${!Literal}' },
        PICKED: { 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] },
        STAGE: { Ref: 'Stage' },
      }),
      PutFn: fn('asset.put', { PUBLIC_KEYS: { 'Fn::GetAtt': ['PublicKeys', 'Keys'] } }),
      AuthorizerFn: fn('asset.authorizer'),
      OnEventFn: fn('asset.on-event', { KEY_ID: { Ref: 'Key' } }),
      FrameworkFn: fn('asset.framework', {
        USER_ON_EVENT_FUNCTION_ARN: { 'Fn::GetAtt': ['OnEventFn', 'Arn'] },
      }),
      PublicKeys: {
        Type: 'Custom::PublicKeys',
        Properties: {
          ServiceToken: { 'Fn::GetAtt': ['FrameworkFn', 'Arn'] },
          KeyId: { Ref: 'Key' },
        },
      },
    },
  };
}
