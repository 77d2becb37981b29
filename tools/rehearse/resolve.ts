/**
 * CloudFormation's intrinsic functions, evaluated against the rehearsal's
 * local stand-ins instead of deployed resources: `Ref` and `Fn::GetAtt` of a
 * table give the local table's name and ARN, of a KMS key the stand-in's key
 * id and ARN, and so on. A custom resource is created for real: its handler
 * (for the CDK provider framework, the user's `onEvent` function) runs
 * locally with a `Create` event and its `Data` answers `Fn::GetAtt`. A
 * reference the rehearsal cannot resolve fails with a message naming it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CfnResource, type CfnTemplate, RehearsalError } from './template';

/** The local "account" the rehearsal deploys into. */
export const REHEARSAL_ENV = {
  region: 'us-east-1',
  accountId: '000000000000',
  partition: 'aws',
} as const;

export interface ResolverOptions {
  template: CfnTemplate;
  stackName: string;
  /** Names chosen for resources by logical id (tables, keys, functions): what `Ref` gives. */
  physicalIds: Record<string, string>;
  /** Invokes a function of the template by logical id (for custom resources). */
  invoke(logicalId: string, event: unknown): Promise<unknown>;
  /** What lies outside this template: other stacks' exports and SSM parameters. */
  assembly?: AssemblyLookup;
}

/** The values a stack reads from the rest of the assembly, as CloudFormation reads them from the account. */
export interface AssemblyLookup {
  /** The value of the `AWS::SSM::Parameter` named `name`, resolved in its own stack. */
  ssmParameter(name: string, where: string): Promise<string>;
  /** The value of the stack output exported as `name` (`Fn::ImportValue`). */
  importValue(name: string, where: string): Promise<unknown>;
}

/** `AWS::SSM::Parameter::Value<String>` and its kin: the parameter's default is a parameter *name*. */
export const isSsmParameterType = (type: string | undefined) =>
  type?.startsWith('AWS::SSM::Parameter::Value<') === true;

type Json = unknown;

const SERVICES: Record<string, string> = {
  'AWS::DynamoDB::Table': 'dynamodb',
  'AWS::DynamoDB::GlobalTable': 'dynamodb',
  'AWS::KMS::Key': 'kms',
  'AWS::Lambda::Function': 'lambda',
  'AWS::IAM::Role': 'iam',
  'AWS::SNS::Topic': 'sns',
  'AWS::SQS::Queue': 'sqs',
  'AWS::Logs::LogGroup': 'logs',
};

const isCustomResource = (type: string) =>
  type === 'AWS::CloudFormation::CustomResource' || type.startsWith('Custom::');

/** Resolves intrinsic functions in template values; custom resources are created once, on demand. */
export class TemplateResolver {
  private readonly custom = new Map<
    string,
    Promise<{ physicalId: string; data: Record<string, unknown> }>
  >();

  constructor(private readonly options: ResolverOptions) {}

  private resource(id: string, where: string): CfnResource {
    const resource = this.options.template.Resources[id];
    if (!resource) throw new RehearsalError(`${where}: no resource or parameter named ${id}.`);
    return resource;
  }

  /** What `Ref` of a resource gives: its physical id (a local name for the rehearsal). */
  physicalId(id: string): string {
    return this.options.physicalIds[id] ?? `${this.options.stackName}-${id}`;
  }

  /** The ARN a resource of `type` would have in the rehearsal's account. */
  arnOf(id: string, type: string): string {
    const { region, accountId, partition } = REHEARSAL_ENV;
    const name = this.physicalId(id);
    switch (type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return `arn:${partition}:dynamodb:${region}:${accountId}:table/${name}`;
      case 'AWS::KMS::Key':
        return `arn:${partition}:kms:${region}:${accountId}:key/${name}`;
      case 'AWS::Lambda::Function':
        return `arn:${partition}:lambda:${region}:${accountId}:function:${name}`;
      case 'AWS::IAM::Role':
        return `arn:${partition}:iam::${accountId}:role/${name}`;
      default: {
        const service = SERVICES[type] ?? type.split('::')[1]?.toLowerCase() ?? 'unknown';
        return `arn:${partition}:${service}:${region}:${accountId}:${name}`;
      }
    }
  }

  private pseudo(name: string): string | undefined {
    const { region, accountId, partition } = REHEARSAL_ENV;
    const values: Record<string, string> = {
      'AWS::Region': region,
      'AWS::AccountId': accountId,
      'AWS::Partition': partition,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': this.options.stackName,
      'AWS::StackId': `arn:${partition}:cloudformation:${region}:${accountId}:stack/${this.options.stackName}/rehearsal`,
    };
    return values[name];
  }

  private async ref(name: string, where: string): Promise<Json> {
    const pseudo = this.pseudo(name);
    if (pseudo !== undefined) return pseudo;
    const parameter = this.options.template.Parameters?.[name];
    if (parameter) {
      if (parameter.Default === undefined) {
        throw new RehearsalError(`${where}: parameter ${name} has no default to rehearse with.`);
      }
      // CloudFormation passes the SSM parameter's value, never its name.
      if (isSsmParameterType(parameter.Type)) {
        if (!this.options.assembly) {
          throw new RehearsalError(
            `${where}: parameter ${name} reads SSM parameter ${String(parameter.Default)}, which only an assembly holds (use --app).`,
          );
        }
        return this.options.assembly.ssmParameter(String(parameter.Default), where);
      }
      return parameter.Default;
    }
    const resource = this.resource(name, where);
    if (isCustomResource(resource.Type)) return (await this.createCustom(name, where)).physicalId;
    // A stage's Ref is its name (part of the API's URL, which an issuer may be built from).
    if (
      resource.Type === 'AWS::ApiGateway::Stage' &&
      resource.Properties?.StageName !== undefined
    ) {
      return this.resolve(resource.Properties.StageName, where);
    }
    return this.physicalId(name);
  }

  private async getAtt(id: string, attribute: string, where: string): Promise<Json> {
    const resource = this.resource(id, where);
    if (isCustomResource(resource.Type)) {
      const { data } = await this.createCustom(id, where);
      if (!(attribute in data)) {
        throw new RehearsalError(
          `${where}: Fn::GetAtt [${id}, ${attribute}]: the custom resource's handler returned no Data.${attribute} (it returned: ${Object.keys(data).join(', ') || 'nothing'}).`,
        );
      }
      return data[attribute];
    }
    if (attribute === 'Arn') return this.arnOf(id, resource.Type);
    if (resource.Type === 'AWS::ApiGateway::RestApi' && attribute === 'RootResourceId')
      return 'root';
    throw new RehearsalError(
      `${where}: Fn::GetAtt [${id}, ${attribute}] (${resource.Type}) has no local value in the rehearsal.`,
    );
  }

  /** Resolves every intrinsic function in `value`; `where` names the place for error messages. */
  async resolve(value: Json, where: string): Promise<Json> {
    if (Array.isArray(value)) return Promise.all(value.map((item) => this.resolve(item, where)));
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value);
    const [key, argument] = entries[0] ?? [];
    if (entries.length === 1 && key !== undefined && (key === 'Ref' || key.startsWith('Fn::'))) {
      return this.intrinsic(key, argument, where);
    }
    const resolved: Record<string, Json> = {};
    for (const [name, item] of entries) resolved[name] = await this.resolve(item, where);
    return resolved;
  }

  /** Resolves `value` and insists on a string (an environment variable's value). */
  async resolveString(value: Json, where: string): Promise<string> {
    const resolved = await this.resolve(value, where);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new RehearsalError(`${where}: resolves to ${JSON.stringify(resolved)}, not a string.`);
  }

  private async intrinsic(name: string, argument: Json, where: string): Promise<Json> {
    const args = async () => this.resolve(argument, where);
    switch (name) {
      case 'Ref':
        return this.ref(String(argument), where);
      case 'Fn::GetAtt': {
        const [id, attribute] = Array.isArray(argument)
          ? [String(argument[0]), String(await this.resolve(argument[1], where))]
          : String(argument).split(/\.(.*)/s);
        return this.getAtt(id ?? '', attribute ?? '', where);
      }
      case 'Fn::Join': {
        const [separator, list] = (await args()) as [string, Json[]];
        return list.map(String).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = (await args()) as [number | string, Json[]];
        return list[Number(index)];
      }
      case 'Fn::Split': {
        const [separator, text] = (await args()) as [string, string];
        return String(text).split(separator);
      }
      case 'Fn::Sub':
        return this.sub(argument, where);
      case 'Fn::ImportValue': {
        const exported = String(await args());
        if (!this.options.assembly) {
          throw new RehearsalError(
            `${where}: Fn::ImportValue ${exported} needs the whole assembly (use --app).`,
          );
        }
        return this.options.assembly.importValue(exported, where);
      }
      default:
        throw new RehearsalError(`${where}: ${name} is not supported by the rehearsal.`);
    }
  }

  private async sub(argument: Json, where: string): Promise<string> {
    const [text, variables] = Array.isArray(argument)
      ? [
          String(argument[0]),
          (await this.resolve(argument[1] ?? {}, where)) as Record<string, Json>,
        ]
      : [String(argument), {} as Record<string, Json>];
    const parts = text.split(/(\$\{[^}]*\})/);
    const out: string[] = [];
    for (const part of parts) {
      const name = /^\$\{([^}]*)\}$/.exec(part)?.[1];
      if (name === undefined) out.push(part);
      else if (name.startsWith('!')) out.push(`\${${name.slice(1)}}`);
      else if (name in variables) out.push(String(variables[name]));
      else if (name.includes('.') && !name.startsWith('AWS::')) {
        const [id = '', attribute = ''] = name.split(/\.(.*)/s);
        out.push(String(await this.getAtt(id, attribute, where)));
      } else out.push(String(await this.ref(name, where)));
    }
    return out.join('');
  }

  /** The logical id of the template function whose ARN is `arn`. */
  private functionByArn(arn: string, where: string): string {
    const found = Object.entries(this.options.template.Resources).find(
      ([id, resource]) =>
        resource.Type === 'AWS::Lambda::Function' && this.arnOf(id, resource.Type) === arn,
    );
    if (!found) throw new RehearsalError(`${where}: ${arn} is not a function of this template.`);
    return found[0];
  }

  private createCustom(id: string, where: string) {
    let created = this.custom.get(id);
    if (!created) {
      created = this.runCustom(id, where);
      this.custom.set(id, created);
    }
    return created;
  }

  /**
   * Creates custom resource `id` as CloudFormation would: a `Create` event to
   * its provider. A CDK provider framework's own Lambda would invoke the
   * user's `onEvent` (and `isComplete`) functions through the Lambda API and
   * answer CloudFormation through S3; the rehearsal calls those user
   * functions directly. Any other provider gets a `ResponseURL` on loopback
   * and answers there, as it would answer CloudFormation.
   */
  private async runCustom(id: string, where: string) {
    const resource = this.resource(id, where);
    const place = `custom resource ${id} (needed by ${where})`;
    const properties = (await this.resolve(resource.Properties ?? {}, place)) as Record<
      string,
      Json
    >;
    const serviceToken = String(properties.ServiceToken ?? '');
    const provider = this.functionByArn(serviceToken, place);
    const providerEnv =
      (
        this.options.template.Resources[provider]?.Properties?.Environment as
          | { Variables?: Record<string, Json> }
          | undefined
      )?.Variables ?? {};
    const { region, partition } = REHEARSAL_ENV;
    const event = {
      RequestType: 'Create',
      ServiceToken: serviceToken,
      StackId: this.pseudo('AWS::StackId') as string,
      RequestId: `rehearsal-${id}`,
      LogicalResourceId: id,
      ResourceType: resource.Type,
      ResourceProperties: properties,
    };
    try {
      if (providerEnv.USER_ON_EVENT_FUNCTION_ARN !== undefined) {
        const onEvent = this.functionByArn(
          await this.resolveString(providerEnv.USER_ON_EVENT_FUNCTION_ARN, place),
          place,
        );
        const result = ((await this.options.invoke(onEvent, {
          ...event,
          ResponseURL: 'http://127.0.0.1/',
        })) ?? {}) as { PhysicalResourceId?: string; Data?: Record<string, unknown> };
        let data = result.Data ?? {};
        if (providerEnv.USER_IS_COMPLETE_FUNCTION_ARN !== undefined) {
          const isComplete = this.functionByArn(
            await this.resolveString(providerEnv.USER_IS_COMPLETE_FUNCTION_ARN, place),
            place,
          );
          for (let attempt = 0; ; attempt += 1) {
            const done = (await this.options.invoke(isComplete, { ...event, ...result })) as {
              IsComplete?: boolean;
              Data?: Record<string, unknown>;
            };
            if (done?.IsComplete) {
              data = { ...data, ...(done.Data ?? {}) };
              break;
            }
            if (attempt >= 20)
              throw new RehearsalError(`${place}: isComplete never said complete.`);
            await new Promise((wait) => setTimeout(wait, 250));
          }
        }
        return { physicalId: result.PhysicalResourceId ?? event.RequestId, data };
      }
      return await respondedThroughUrl(
        event,
        (withUrl) => this.options.invoke(provider, withUrl),
        place,
      );
    } catch (error) {
      if (error instanceof RehearsalError) throw error;
      throw new RehearsalError(
        `${place}: its handler failed in ${partition}/${region}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/** Runs a raw custom resource handler, which answers with a PUT to the event's `ResponseURL`. */
async function respondedThroughUrl(
  event: Record<string, unknown>,
  invoke: (event: unknown) => Promise<unknown>,
  place: string,
): Promise<{ physicalId: string; data: Record<string, unknown> }> {
  let answer: (body: string) => void = () => undefined;
  const answered = new Promise<string>((resolve) => {
    answer = resolve;
  });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      response.end();
      answer(Buffer.concat(chunks).toString('utf8'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  try {
    const { port } = server.address() as AddressInfo;
    await invoke({ ...event, ResponseURL: `http://127.0.0.1:${port}/cloudformation-response` });
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new RehearsalError(`${place}: no answer at ResponseURL in 30 s.`)),
        30_000,
      ).unref(),
    );
    const body = JSON.parse(await Promise.race([answered, timeout])) as {
      Status?: string;
      Reason?: string;
      PhysicalResourceId?: string;
      Data?: Record<string, unknown>;
    };
    if (body.Status !== 'SUCCESS')
      throw new RehearsalError(`${place}: FAILED: ${body.Reason ?? 'no reason'}`);
    return {
      physicalId: body.PhysicalResourceId ?? String(event.RequestId),
      data: body.Data ?? {},
    };
  } finally {
    server.close();
  }
}
