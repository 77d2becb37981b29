/**
 * The user's own service: `GET /notes`, `POST /notes` and `DELETE /notes/{id}`, served by a REST
 * API and by an HTTP API, both behind the serverless-jwt-auth authorizer.
 * A note belongs to the caller's `sub`, which the handlers read with
 * `identityOf` (handlers/). Writing a note requires the scope `notes:write`
 * (the role `editor` grants it, lib/app.ts); deleting one requires a second
 * factor; reading needs only a login.
 */
import * as path from 'node:path';
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { LambdaIntegration, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import type { IJwtAuth, RouteRequirements } from 'serverless-jwt-auth';

/** What the routes require beyond a login, the same on both APIs. */
export const NOTES_REQUIREMENTS: RouteRequirements = {
  'POST /notes': { scopes: ['notes:write'] },
  // A login with a TOTP code, or a step-up (POST /auth/mfa/step-up), before a note is deleted.
  'DELETE /notes/{id}': { mfa: true },
};

export interface NotesStackProps extends StackProps {
  /** The deployment whose tokens guard the notes: a `JwtAuth`, or `JwtAuth.fromParameters`. */
  auth: IJwtAuth;
}

export class NotesStack extends Stack {
  readonly table: TableV2;
  readonly restApi: RestApi;
  readonly httpApi: HttpApi;

  constructor(scope: Construct, id: string, props: NotesStackProps) {
    super(scope, id, props);

    // One partition per user: a note is only ever read by its owner's sub.
    this.table = new TableV2(this, 'Notes', {
      partitionKey: { name: 'owner', type: AttributeType.STRING },
      sortKey: { name: 'id', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const list = this.handler('ListNotes', 'list-notes.ts');
    const create = this.handler('CreateNote', 'create-note.ts');
    const remove = this.handler('DeleteNote', 'delete-note.ts');
    this.table.grantReadData(list);
    this.table.grantWriteData(create);
    this.table.grantWriteData(remove);

    // A REST API: the authorizer also installs the JSON 401 and 503 answers.
    this.restApi = new RestApi(this, 'NotesRestApi', { deployOptions: { stageName: 'dev' } });
    const restAuthorizer = props.auth.restAuthorizer(this.restApi, {
      requirements: NOTES_REQUIREMENTS,
    });
    const notes = this.restApi.root.addResource('notes');
    notes.addMethod('GET', new LambdaIntegration(list), { authorizer: restAuthorizer });
    notes.addMethod('POST', new LambdaIntegration(create), { authorizer: restAuthorizer });
    notes
      .addResource('{id}')
      .addMethod('DELETE', new LambdaIntegration(remove), { authorizer: restAuthorizer });

    // An HTTP API: the same authorizer function, payload 2.0 with simple responses.
    this.httpApi = new HttpApi(this, 'NotesHttpApi');
    const httpAuthorizer = props.auth.httpAuthorizer({ requirements: NOTES_REQUIREMENTS });
    this.httpApi.addRoutes({
      path: '/notes',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('ListNotes', list),
      authorizer: httpAuthorizer,
    });
    this.httpApi.addRoutes({
      path: '/notes',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('CreateNote', create),
      authorizer: httpAuthorizer,
    });
    this.httpApi.addRoutes({
      path: '/notes/{id}',
      methods: [HttpMethod.DELETE],
      integration: new HttpLambdaIntegration('DeleteNote', remove),
      authorizer: httpAuthorizer,
    });

    new CfnOutput(this, 'NotesRestUrl', { value: this.restApi.url });
    new CfnOutput(this, 'NotesHttpUrl', { value: this.httpApi.apiEndpoint });
  }

  private handler(id: string, file: string): NodejsFunction {
    return new NodejsFunction(this, id, {
      entry: path.join(__dirname, '..', 'handlers', file),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      environment: { NOTES_TABLE: this.table.tableName },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        // A CommonJS dependency inside an ES module bundle may still call `require`.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        forceDockerBundling: false,
      },
    });
  }
}
