/**
 * examples/notes-api, a CDK app of its own that imports this package by its
 * name: it synthesizes offline, both of its APIs are guarded by the shared
 * authorizer (created in the notes stack, by the ARN in SSM), its handlers
 * bundle `identityOf` without aws-cdk-lib, and they answer the documented
 * bodies behind a REST API and an HTTP API alike.
 */
import * as path from 'node:path';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { build } from 'esbuild';
import { notesApp } from '../../examples/notes-api/lib/app';
import { readRequirements } from '../../lambdas/contract/route-requirements';
import { PARAMETERS, parameterPrefix } from '../../lib/parameters';
import { testApp } from '../infra/stack';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'notes-api');

describe('examples/notes-api', () => {
  const app = testApp();
  const { authStack, notesStack } = notesApp(app);
  const notes = Template.fromStack(notesStack);

  it('keeps the notes in a table keyed by the owner (sub) and the note id', () => {
    notes.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'owner', KeyType: 'HASH' },
        { AttributeName: 'id', KeyType: 'RANGE' },
      ],
    });
  });

  it('guards its routes of the REST API with the REQUEST authorizer (route requirements)', () => {
    const authorizers = notes.findResources('AWS::ApiGateway::Authorizer');
    expect(Object.values(authorizers).map((a) => a.Properties.Type)).toEqual(['REQUEST']);
    const methods = Object.values(notes.findResources('AWS::ApiGateway::Method'));
    expect(methods.map((m) => m.Properties.HttpMethod).sort()).toEqual(['DELETE', 'GET', 'POST']);
    for (const method of methods) {
      expect(method.Properties).toMatchObject({
        AuthorizationType: 'CUSTOM',
        AuthorizerId: { Ref: Object.keys(authorizers)[0] },
      });
    }
  });

  it('requires notes:write for POST /notes and a second factor for DELETE /notes/{id} on both APIs, and nothing more for GET', () => {
    const [restStage] = Object.values(notes.findResources('AWS::ApiGateway::Stage'));
    const [httpStage] = Object.values(notes.findResources('AWS::ApiGatewayV2::Stage'));
    const expected = {
      'POST /notes': { scopes: ['notes:write'] },
      'DELETE /notes/{id}': { mfa: true },
    };

    expect(readRequirements(restStage?.Properties.Variables)).toEqual(expected);
    expect(readRequirements(httpStage?.Properties.StageVariables)).toEqual(expected);
  });

  it('guards its routes of the HTTP API with one payload 2.0 authorizer', () => {
    const authorizers = notes.findResources('AWS::ApiGatewayV2::Authorizer');
    expect(Object.values(authorizers).map((a) => a.Properties)).toEqual([
      expect.objectContaining({
        AuthorizerPayloadFormatVersion: '2.0',
        EnableSimpleResponses: true,
        AuthorizerResultTtlInSeconds: 0,
      }),
    ]);
    const routes = Object.values(notes.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual([
      'DELETE /notes/{id}',
      'GET /notes',
      'POST /notes',
    ]);
    for (const route of routes) {
      expect(route.Properties).toMatchObject({
        AuthorizationType: 'CUSTOM',
        AuthorizerId: { Ref: Object.keys(authorizers)[0] },
      });
    }
  });

  it('finds the authorizer by its SSM parameter: no export, deployed after the auth stack', () => {
    const name = `${parameterPrefix('NotesAuth', 'dev')}${PARAMETERS.authorizerFunctionArn}`;
    expect(JSON.stringify(notes.toJSON().Parameters)).toContain(name);
    expect(JSON.stringify(notes.toJSON())).not.toContain('Fn::ImportValue');
    expect(notesStack.dependencies).toContain(authStack);
  });

  it.each(['list-notes.ts', 'create-note.ts', 'delete-note.ts'])(
    'bundles %s with identityOf and without aws-cdk-lib',
    async (file) => {
      const result = await build({
        entryPoints: [path.join(EXAMPLE, 'handlers', file)],
        bundle: true,
        platform: 'node',
        format: 'esm',
        write: false,
        metafile: true,
        outdir: path.join(EXAMPLE, 'cdk.out'),
        logLevel: 'silent',
      });
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.some((input) => input.endsWith('lambdas/identity.ts'))).toBe(true);
      expect(inputs.filter((input) => input.includes('node_modules/aws-cdk-lib'))).toEqual([]);
    },
  );
});

describe('the notes handlers', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  process.env.NOTES_TABLE = 'Notes';
  const { handler: list } = require('../../examples/notes-api/handlers/list-notes') as {
    handler: (event: unknown) => Promise<{ statusCode: number; body: string }>;
  };
  const { handler: create } = require('../../examples/notes-api/handlers/create-note') as {
    handler: (event: unknown) => Promise<{ statusCode: number; body: string }>;
  };
  const context = { sub: 'user-1', sid: 's', jti: 'j', username: 'alice', exp: '4102444800' };
  /** The same caller behind a REST API (payload 1.0) and an HTTP API (payload 2.0). */
  const shapes = [
    ['REST', { requestContext: { authorizer: context } }],
    ['HTTP 2.0', { requestContext: { authorizer: { lambda: context } } }],
  ] as const;

  beforeEach(() => dynamo.reset());

  it.each(shapes)("GET /notes answers 200 with the caller's notes (%s)", async (_, event) => {
    dynamo.on(QueryCommand).resolves({ Items: [{ id: 'n1', text: 'hi', owner: 'user-1' }] });
    const response = await list(event);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      notes: [{ id: 'n1', text: 'hi', owner: 'user-1' }],
    });
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      TableName: 'Notes',
      ExpressionAttributeValues: { ':owner': 'user-1' },
    });
  });

  it.each(shapes)(
    'POST /notes answers 201 with the note, owned by the sub (%s)',
    async (_, event) => {
      dynamo.on(PutCommand).resolves({});
      const response = await create({ ...event, body: JSON.stringify({ text: 'buy milk' }) });
      expect(response.statusCode).toBe(201);
      const note = JSON.parse(response.body);
      expect(note).toEqual({ id: expect.any(String), text: 'buy milk', owner: 'user-1' });
      expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input.Item).toEqual(note);
    },
  );

  it.each(shapes)(
    "DELETE /notes/{id} answers 204 and deletes the caller's note only (%s)",
    async (_, event) => {
      const { handler: remove } = require('../../examples/notes-api/handlers/delete-note') as {
        handler: (event: unknown) => Promise<{ statusCode: number; body: string }>;
      };
      dynamo.on(DeleteCommand).resolves({});
      const response = await remove({ ...event, pathParameters: { id: 'n1' } });
      expect(response.statusCode).toBe(204);
      expect(dynamo.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({
        TableName: 'Notes',
        Key: { owner: 'user-1', id: 'n1' },
      });
    },
  );

  it('refuses a body without text with 400 and stores nothing', async () => {
    const response = await create({ ...shapes[0][1], body: '{"title":"x"}' });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).error).toBe('invalid_request');
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('refuses to run without the authorizer context, rather than serve anyone', async () => {
    await expect(list({ requestContext: {} })).rejects.toThrow(/authorizer/);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });
});
