/** The RFC 8414 document as built from the issuer. */
import { authorizationServerMetadataBody } from '../../../lambdas/contract/bodies';
import { authorizationServerMetadata, isUrlIssuer } from '../../../lambdas/contract/oauth-metadata';

describe('authorizationServerMetadata', () => {
  it('puts every endpoint under the base URL, with no double slash', () => {
    const issuer = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod';
    const metadata = authorizationServerMetadata(issuer, `${issuer}/`, 'aws_sigv4');

    expect(authorizationServerMetadataBody.parse(metadata)).toMatchObject({
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      introspection_endpoint_auth_methods_supported: ['aws_sigv4'],
    });
  });

  it('names no authorization or token endpoint, and says so with empty lists', () => {
    const metadata = authorizationServerMetadata(
      'https://a.example',
      'https://a.example',
      'aws_sigv4',
    );

    expect(metadata).not.toHaveProperty('authorization_endpoint');
    expect(metadata).not.toHaveProperty('token_endpoint');
    expect(metadata.response_types_supported).toEqual([]);
    expect(metadata.grant_types_supported).toEqual([]);
  });

  it('lists scopes_supported only when a role mapping names scopes', () => {
    const base = 'https://a.example';

    expect(authorizationServerMetadata(base, base, 'aws_sigv4')).not.toHaveProperty(
      'scopes_supported',
    );
    expect(
      authorizationServerMetadataBody.parse(
        authorizationServerMetadata(base, base, 'aws_sigv4', ['notes:read', 'notes:write']),
      ).scopes_supported,
    ).toEqual(['notes:read', 'notes:write']);
  });
});

describe('isUrlIssuer', () => {
  it.each([
    ['https://auth.example.com', true],
    ['http://127.0.0.1:3000', true],
    ['serverless-jwt-auth', false],
    ['https://auth.example.com/?x=1', false],
    ['https://auth.example.com/#frag', false],
    ['ftp://auth.example.com', false],
  ])('%s → %p', (issuer, expected) => {
    expect(isUrlIssuer(issuer)).toBe(expected);
  });
});
