/**
 * Deploy-time only: the CloudFormation custom resource that reads the signing
 * key's public half from KMS (`kms:GetPublicKey`) and returns it as a JWK
 * string, so the stack can hand it to the functions in their environment and
 * the authorizer never talks to KMS. CDK's `AwsCustomResource` cannot return
 * KMS's binary key (aws-cdk issue 19065), hence this function. It answers
 * CloudFormation itself (a PUT to the pre-signed `ResponseURL`), so no
 * provider framework function or wildcard invoke permission is needed, and it
 * answers FAILED rather than never: a silent custom resource holds a
 * deployment for an hour.
 */
import { createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { toPublicJwk } from './signer';

/** The fields of a CloudFormation custom resource request this function reads. */
export interface PublicKeyResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceProperties: { KeyId?: string };
}

/** What `Fn::GetAtt` reads from the resource. */
export interface PublicKeyResourceData {
  /** The public JWK (with its RFC 7638 `kid`), as a JSON string. */
  Jwk: string;
  Kid: string;
}

/** Bounded well below the function timeout, so a hung KMS still gets a FAILED answer out. */
const KMS_TIMEOUT_MS = 5000;

const kms = new KMSClient({ maxAttempts: 3 });

/** The key's public JWK, read from KMS. */
export async function readPublicJwk(client: KMSClient, keyId: string) {
  const { PublicKey: der } = await client.send(new GetPublicKeyCommand({ KeyId: keyId }), {
    abortSignal: AbortSignal.timeout(KMS_TIMEOUT_MS),
  });
  if (!der) throw new Error('KMS GetPublicKey returned no key.');
  const jwk = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' }).export({
    format: 'jwk',
  });
  return toPublicJwk(jwk);
}

/** Answers CloudFormation at the request's pre-signed URL. */
export async function respond(
  event: Pick<
    PublicKeyResourceEvent,
    'ResponseURL' | 'StackId' | 'RequestId' | 'LogicalResourceId'
  >,
  answer:
    | { Status: 'SUCCESS'; PhysicalResourceId: string; Data?: Record<string, string> }
    | { Status: 'FAILED'; PhysicalResourceId: string; Reason: string },
): Promise<void> {
  const body = JSON.stringify({
    ...answer,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  // The pre-signed URL was signed without a Content-Type: send none.
  const response = await fetch(event.ResponseURL, {
    method: 'PUT',
    body,
    headers: { 'content-type': '' },
    signal: AbortSignal.timeout(KMS_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`CloudFormation refused the answer: ${response.status}`);
}

/** Handles one custom resource request, with `client` as the KMS client. */
export async function handlePublicKeyResource(
  event: PublicKeyResourceEvent,
  client: KMSClient = kms,
): Promise<void> {
  const physicalId = event.PhysicalResourceId ?? `${event.LogicalResourceId}-${event.RequestId}`;
  if (event.RequestType === 'Delete') {
    // Nothing was created: the key belongs to the stack, not to this resource.
    return respond(event, { Status: 'SUCCESS', PhysicalResourceId: physicalId });
  }
  try {
    const keyId = event.ResourceProperties.KeyId;
    if (!keyId) throw new Error('The KeyId property is required.');
    const jwk = await readPublicJwk(client, keyId);
    // The kid names the key: a new key is a new resource, and the old one is deleted (a no-op).
    await respond(event, {
      Status: 'SUCCESS',
      PhysicalResourceId: jwk.kid,
      Data: { Jwk: JSON.stringify(jwk), Kid: jwk.kid },
    });
  } catch (error) {
    console.error(
      JSON.stringify({ level: 'error', message: 'public key read failed', error: String(error) }),
    );
    await respond(event, {
      Status: 'FAILED',
      PhysicalResourceId: physicalId,
      Reason: `Could not read the signing key's public key: ${String(error)}`.slice(0, 400),
    });
  }
}

export const handler = (event: PublicKeyResourceEvent) => handlePublicKeyResource(event);
