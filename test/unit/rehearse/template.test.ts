/**
 * The rehearsal reads what it serves from the template alone: routes from the
 * API Gateway resource tree, the authorizer's identity source, validation
 * expression and cache TTL, gateway responses, tables and keys; and resolves
 * function environments against local stand-ins, custom resources included.
 */
import { join } from 'node:path';
import { TemplateResolver } from '../../../tools/rehearse/resolve';
import { templateResponder } from '../../../tools/rehearse/responses';
import { readFunctions, readKeys, readRestApi, readTables } from '../../../tools/rehearse/template';
import { fixtureTemplate } from './fixture';

describe('reading the template', () => {
  it('rebuilds the routes from the resource tree and the methods, skipping what it cannot serve', () => {
    const api = readRestApi(fixtureTemplate());

    expect(api.routes).toEqual([
      { id: 'ListItems', method: 'GET', path: '/items', auth: 'none', entry: 'ListFn' },
      { id: 'PutItem', method: 'PUT', path: '/items/{item_id}', auth: 'bearer', entry: 'PutFn' },
    ]);
    expect(api.skipped).toEqual(['OPTIONS /items (MOCK integration)']);
    expect(api.authorizer).toEqual({
      id: 'TokenAuthorizer',
      entry: 'AuthorizerFn',
      identityHeader: 'X-Token',
      type: 'TOKEN',
      stageVariables: {},
      validationExpression: 'Bearer .+',
      resultTtlSeconds: 30,
    });
  });

  it('takes CloudFormation’s default cache TTL (300 s) when the authorizer names none', () => {
    const template = fixtureTemplate();
    delete template.Resources.TokenAuthorizer?.Properties?.AuthorizerResultTtlInSeconds;

    expect(readRestApi(template).authorizer?.resultTtlSeconds).toBe(300);
  });

  it('reads functions with their asset folders, tables with TTL, and keys with aliases', () => {
    const functions = readFunctions(fixtureTemplate(), '/assembly');
    expect(functions.find((fn) => fn.logicalId === 'ListFn')).toMatchObject({
      codeDir: join('/assembly', 'asset.list'),
      handler: 'index.handler',
      runtime: 'nodejs24.x',
      timeoutSeconds: 10,
    });
    expect(readTables(fixtureTemplate())).toEqual([
      {
        logicalId: 'ItemsTable',
        input: {
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        },
        ttlAttribute: 'expiresAt',
      },
    ]);
    expect(readKeys(fixtureTemplate())).toEqual([
      { logicalId: 'Key', spec: 'ECC_NIST_P256', aliases: ['KeyAlias'] },
    ]);
  });

  it('reads a TableV2 (AWS::DynamoDB::GlobalTable) as the one-region table it is', () => {
    // What CreateTable takes as it is; TTL and the replicas are read apart or dropped.
    const createTableInput = {
      KeySchema: [
        { AttributeName: 'owner', KeyType: 'HASH' },
        { AttributeName: 'id', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'owner', AttributeType: 'S' },
        { AttributeName: 'id', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byId',
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    };
    const template = fixtureTemplate();
    template.Resources.NotesTable = {
      Type: 'AWS::DynamoDB::GlobalTable',
      Properties: {
        ...createTableInput,
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        Replicas: [{ Region: { Ref: 'AWS::Region' } }],
      },
    };

    expect(readTables(template).find((table) => table.logicalId === 'NotesTable')).toEqual({
      logicalId: 'NotesTable',
      input: createTableInput,
      ttlAttribute: 'expiresAt',
    });
  });

  it('refuses a function without bundled asset metadata, naming it', () => {
    const template = fixtureTemplate();
    delete template.Resources.ListFn?.Metadata;

    expect(() => readFunctions(template, '/assembly')).toThrow(
      /ListFn has neither inline code nor aws:asset:path/,
    );
  });
});

describe('resolving references', () => {
  function resolver(invoke: (fn: string, event: unknown) => Promise<unknown> = async () => ({})) {
    return new TemplateResolver({
      template: fixtureTemplate(),
      stackName: 'Stack',
      physicalIds: { ItemsTable: 'Stack-ItemsTable', Key: 'key-id' },
      invoke,
    });
  }
  const envOf = (name: string) =>
    fixtureTemplate().Resources[name]?.Properties?.Environment as { Variables: object };

  it('resolves Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select and Fn::Split to local values', async () => {
    const resolved = await resolver().resolve(envOf('ListFn').Variables, 'ListFn');

    expect(resolved).toEqual({
      TABLE: 'Stack-ItemsTable',
      TABLE_ARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/Stack-ItemsTable',
      KEY_ID: 'key-id',
      PLAIN: 'text',
      SUBBED: `us-east-1/Stack-ItemsTable/arn:aws:dynamodb:us-east-1:000000000000:table/Stack-ItemsTable/$\{Literal}`,
      PICKED: 'b',
      STAGE: 'prod',
    });
  });

  it('creates a provider-framework custom resource by calling its onEvent function and reads its Data', async () => {
    const invoke = jest.fn(async (_fn: string, _event: unknown) => ({
      PhysicalResourceId: 'keys-1',
      Data: { Keys: '[{"kid":"k1"}]' },
    }));
    const r = resolver(invoke);

    expect(await r.resolve(envOf('PutFn').Variables, 'PutFn')).toEqual({
      PUBLIC_KEYS: '[{"kid":"k1"}]',
    });
    // Created once, with a Create event carrying the resolved properties.
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(invoke).toHaveBeenCalledWith(
      'OnEventFn',
      expect.objectContaining({
        RequestType: 'Create',
        LogicalResourceId: 'PublicKeys',
        ResourceProperties: expect.objectContaining({ KeyId: 'key-id' }),
      }),
    );
  });

  it('creates a raw custom resource through its ResponseURL', async () => {
    const template = fixtureTemplate();
    const publicKeys = template.Resources.PublicKeys;
    if (publicKeys?.Properties)
      publicKeys.Properties.ServiceToken = { 'Fn::GetAtt': ['OnEventFn', 'Arn'] };
    const r = new TemplateResolver({
      template,
      stackName: 'Stack',
      physicalIds: {},
      invoke: async (_fn, event) => {
        const { ResponseURL, RequestId } = event as { ResponseURL: string; RequestId: string };
        await fetch(ResponseURL, {
          method: 'PUT',
          body: JSON.stringify({ Status: 'SUCCESS', RequestId, Data: { Keys: 'from-url' } }),
        });
        return null;
      },
    });

    expect(await r.resolveString({ 'Fn::GetAtt': ['PublicKeys', 'Keys'] }, 'PutFn')).toBe(
      'from-url',
    );
  });

  it('names the reference it cannot resolve', async () => {
    const r = resolver(jest.fn(async () => ({ Data: { Other: 'x' } })));

    await expect(
      r.resolve(
        { 'Fn::GetAtt': ['PublicKeys', 'Keys'] },
        'function PutFn, environment variable PUBLIC_KEYS',
      ),
    ).rejects.toThrow(
      "function PutFn, environment variable PUBLIC_KEYS: Fn::GetAtt [PublicKeys, Keys]: the custom resource's handler returned no Data.Keys (it returned: Other).",
    );
    await expect(r.resolve({ 'Fn::GetAtt': ['Topic', 'TopicName'] }, 'X')).rejects.toThrow(
      'X: Fn::GetAtt [Topic, TopicName] (AWS::SNS::Topic) has no local value in the rehearsal.',
    );
    await expect(r.resolve({ Ref: 'Nowhere' }, 'X')).rejects.toThrow(
      'no resource or parameter named Nowhere',
    );
  });
});

describe('gateway responses from the template', () => {
  const respond = templateResponder(readRestApi(fixtureTemplate()).responses);

  it('answers with the template’s status, static and mapped headers and body', () => {
    const response = respond('UNAUTHORIZED', {
      requestId: 'req-1',
      headers: { origin: 'https://app.example' },
    });

    expect(response).toEqual({
      status: 401,
      headers: {
        'WWW-Authenticate': 'Bearer',
        'Access-Control-Allow-Origin': 'https://app.example',
        'Content-Type': 'application/json',
        'x-amzn-RequestId': 'req-1',
      },
      body: '{"error":"invalid_token","id":"req-1"}',
    });
  });

  it('falls back to DEFAULT_4XX with the type’s own status, then to API Gateway’s built-in answer', () => {
    expect(respond('MISSING_AUTHENTICATION_TOKEN')).toMatchObject({
      status: 403,
      body: '{"error":"invalid_request"}',
    });
    expect(respond('DEFAULT_5XX', { status: 502 })).toMatchObject({
      status: 502,
      body: '{"message":"Internal server error"}',
    });
  });
});
