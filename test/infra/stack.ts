/**
 * Synthesizes the stack for template assertions. Bundling is skipped (the
 * `aws:cdk:bundling-stacks` context set to none: NodejsFunction then uses a
 * placeholder asset) and CloudFormation's schema validation is off, so these
 * tests take seconds; `bundling.test.ts` is the one that runs esbuild for real
 * and validates the template against CloudFormation's schemas.
 */
import { App, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { deployedRoutes } from '../../lib/auth-api';
import { AuthApiStack } from '../../lib/auth-api-stack';
import { readStackConfig } from '../../lib/config';

/** The routes of the default template: every route but the e-mail ones (no `emailFrom`). */
export const DEFAULT_ROUTES = deployedRoutes({ signupOpen: true });

/** The context that turns e-mail on. */
export const EMAIL_CONTEXT = {
  emailFrom: 'no-reply@example.com',
  emailLinkBaseUrl: 'https://app.example.com/account',
};

export interface Synthesized {
  stack: AuthApiStack;
  template: Template;
  /**
   * The template without the deploy-time public key reader: only the API's
   * functions (routes and authorizer) remain, for assertions over all of them.
   */
  apiTemplate: Template;
  /** The logical id of a construct's CloudFormation resource. */
  logicalId: (construct: IConstruct) => string;
}

/**
 * The app every template test builds on: no bundling, and no CloudFormation
 * schema validation, which costs 15–20 s a template (aws-cdk-lib turns it on
 * by default); bundling.test.ts is the one test that keeps it on.
 */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({
    context: { 'aws:cdk:bundling-stacks': [], ...context },
    builtinCloudFormationValidation: false,
    stackTraces: false,
    treeMetadata: false,
  });
}

/**
 * The stack built from these context values (as `-c key=value` would pass
 * them). Synthesis costs about a second, so a test file builds each context
 * once and its tests share the result: they only read it.
 */
export function synthStack(context: Record<string, unknown> = {}): Synthesized {
  const key = JSON.stringify(Object.entries(context).sort(([a], [b]) => a.localeCompare(b)));
  let synthesized = synthesizedByContext.get(key);
  if (!synthesized) {
    synthesized = synthesize(context);
    synthesizedByContext.set(key, synthesized);
  }
  return synthesized;
}

const synthesizedByContext = new Map<string, Synthesized>();

function synthesize(context: Record<string, unknown>): Synthesized {
  const app = testApp(context);
  const config = readStackConfig((key) => app.node.tryGetContext(key));
  const stack = new AuthApiStack(app, 'TestStack', { config });
  const template = Template.fromStack(stack);
  const logicalId = (construct: IConstruct) =>
    stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnResource);
  const json = template.toJSON();
  const { [logicalId(stack.auth.signingPublicKey.reader.function)]: _reader, ...apiResources } =
    json.Resources;
  const apiTemplate = Template.fromJSON(
    { ...json, Resources: apiResources },
    { skipCyclicalDependenciesCheck: true },
  );
  return { stack, template, apiTemplate, logicalId };
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Sid?: string;
}

/** Every statement of every inline policy attached to the role with this logical id. */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((policy) => {
    const roles: unknown[] = policy.Properties.Roles ?? [];
    const attached = roles.some((role) => (role as { Ref?: string }).Ref === roleLogicalId);
    return attached ? (policy.Properties.PolicyDocument.Statement as Statement[]) : [];
  });
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/**
 * The `METHOD path` of every API Gateway method in the template, rebuilt from
 * the resource tree (PathPart and ParentId), with its resource properties.
 */
export function methodsByRoute(template: Template): Map<string, Record<string, unknown>> {
  const resources = template.findResources('AWS::ApiGateway::Resource');
  const pathOf = (ref: unknown): string => {
    const id = (ref as { Ref?: string }).Ref;
    const resource = id ? resources[id] : undefined;
    if (!resource) return ''; // the root resource (Fn::GetAtt RootResourceId)
    return `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart}`;
  };
  const methods = template.findResources('AWS::ApiGateway::Method');
  const byRoute = new Map<string, Record<string, unknown>>();
  for (const method of Object.values(methods)) {
    const path = pathOf(method.Properties.ResourceId) || '/';
    byRoute.set(`${method.Properties.HttpMethod} ${path}`, method.Properties);
  }
  return byRoute;
}
