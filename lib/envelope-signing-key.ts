/**
 * Envelope signing mode (context `signingMode=envelope`): a symmetric KMS key,
 * rotation on, under which KMS generates the ES256 key pair at deploy time
 * (`GenerateDataKeyPairWithoutPlaintext`, by a custom resource, once: see
 * `lambdas/signing/key-pair-resource.ts`). Only the private key's ciphertext
 * and the public key reach the template and the functions' environment; login
 * and refresh decrypt the private key once per instance (`kms:Decrypt`, they
 * alone, by the key policy) and sign in process: no KMS call per token.
 * The trade-off against the default is in docs/deploy.md.
 */
import { CustomResource } from 'aws-cdk-lib';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { KEY_PAIR_CREATOR } from '../lambdas/contract/routes';
import { AuthFunction } from './auth-function';
import type { GrantTargets } from './grants';
import { allowOnlyBy, restrictedKey } from './signing-key';

export interface EnvelopeSigningKeyProps {
  /** Keep the key when the stack is deleted (tokens signed with the pair stay verifiable). */
  retainData: boolean;
  /** The stack's grant targets; the creator's `envelopeKey` grant goes to this construct's key. */
  targets: GrantTargets;
  logRetention: RetentionDays;
  retainLogs: boolean;
  /**
   * The current name of `signingKeys`: the pair belongs to it, so a rotation
   * (a new name first) makes a new pair, as it makes a new KMS key by default.
   */
  name: string;
}

export class EnvelopeSigningKey extends Construct {
  /** The symmetric key the private key is encrypted under. */
  readonly key: Key;
  readonly creator: AuthFunction;
  readonly resource: CustomResource;
  /** The private key as KMS encrypted it (base64): what login and refresh decrypt. */
  readonly ciphertext: string;
  /** The public JWK (with its RFC 7638 `kid`) as a JSON string. */
  readonly jwk: string;
  readonly kid: string;

  constructor(scope: Construct, id: string, props: EnvelopeSigningKeyProps) {
    super(scope, id);
    this.key = restrictedKey(this, 'Key', {
      description: 'Encrypts the ES256 signing key of serverless-jwt-auth (envelope mode)',
      enableKeyRotation: true,
      retainData: props.retainData,
    });
    this.creator = new AuthFunction(this, KEY_PAIR_CREATOR.id, {
      spec: KEY_PAIR_CREATOR,
      environment: {},
      targets: { ...props.targets, envelopeKey: this.key },
      logRetention: props.logRetention,
      retainLogs: props.retainLogs,
    });
    allowOnlyBy(this.key, 'kms:GenerateDataKeyPairWithoutPlaintext', [this.creator.role], {
      allow: 'KeyPairCreatorGeneratesThePair',
      deny: 'DenyGeneratingPairsToEveryoneElse',
    });
    this.resource = new CustomResource(this, `Pair${props.name}`, {
      serviceToken: this.creator.function.functionArn,
      resourceType: 'Custom::EnvelopeSigningKeyPair',
      properties: { KeyId: this.key.keyId },
    });
    // The creator must hold its grant, and the key its policy, before CloudFormation invokes it.
    this.resource.node.addDependency(this.creator.role, this.key);
    this.ciphertext = this.resource.getAttString('Ciphertext');
    this.jwk = this.resource.getAttString('Jwk');
    this.kid = this.resource.getAttString('Kid');
  }

  /** `kms:Decrypt` for exactly these roles (login, refresh), denied to every other principal. */
  allowDecryptOnlyBy(roles: readonly IRole[]): void {
    allowOnlyBy(this.key, 'kms:Decrypt', roles, {
      allow: 'TokenIssuersDecryptTheSigningKey',
      deny: 'DenyDecryptToEveryoneElse',
    });
  }
}
