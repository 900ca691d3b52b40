// node oidc-provider configured like the proxy's benchmark client, on 127.0.0.1 only (bench/parts).
//   OP_PORT           the port (issuer http://127.0.0.1:OP_PORT)
//   OP_CLIENT_ID      the one confidential client (client_secret_basic), grant client_credentials
//   OP_CLIENT_SECRET  its secret
//   OP_RESOURCE       the one resource indicator (the audience of every access token)
//   OP_RSA_BITS       the RS256 key size (the proxy generates 3072-bit keys)
//   OP_TOKEN_FORMAT   "jwt" (RS256 JWT access tokens, RFC 9068 as the proxy issues them) or "opaque"
//                     (stored tokens, the only kind oidc-provider introspects)
// Scope eduperson_entitlement, access tokens for 1 h: the proxy's configuration in the same part.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.OP_PORT);
const issuer = `http://127.0.0.1:${port}`;
const resource = process.env.OP_RESOURCE;
const format = process.env.OP_TOKEN_FORMAT ?? 'jwt';
const scope = 'eduperson_entitlement';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: Number(process.env.OP_RSA_BITS ?? 2048) });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'bench-rs256', use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OP_CLIENT_ID,
    client_secret: process.env.OP_CLIENT_SECRET,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
    scope,
  }],
  jwks: { keys: [signingKey] },
  scopes: [scope],
  ttl: { AccessToken: 3600, ClientCredentials: 3600 },
  features: {
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope,
        audience: resource,
        accessTokenTTL: 3600,
        accessTokenFormat: format,
        ...(format === 'jwt' ? { jwt: { sign: { alg: 'RS256' } } } : {}),
      }),
    },
  },
});
provider.proxy = false;
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider (bench, ${format}) at ${issuer}`));
