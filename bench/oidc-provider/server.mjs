// node oidc-provider configured like the proxy's benchmark client, on 127.0.0.1 only (bench/parts).
//   OP_PORT           the port (issuer http://127.0.0.1:OP_PORT)
//   OP_CLIENT_ID      the one confidential client (client_secret_basic), grant client_credentials
//   OP_CLIENT_SECRET  its secret
//   OP_RESOURCE       the one resource indicator (the audience of every access token)
//   OP_RSA_BITS       the RS256 key size (bench/lib/oidc-provider.sh gives the proxy's default, 2048)
//   OP_ALG            RS256 (default) or ES256 (a P-256 key, as the proxy's Tokens:SigningAlgorithm=ES256)
//   OP_TOKEN_FORMAT   "jwt" (RS256 JWT access tokens, RFC 9068 as the proxy issues them) or "opaque"
//                     (stored tokens, the only kind oidc-provider introspects)
//   OP_MINT_REFRESH   with OP_MINT_FILE: also allow authorization_code + refresh_token (rotated on every use,
//                     like the proxy's) and write this many refresh tokens to OP_MINT_FILE, one a line, each of
//                     its own grant as a login with scope `openid offline_access eduperson_entitlement` leaves it
// Scope eduperson_entitlement, access tokens for 1 h: the proxy's configuration in the same part.
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const port = Number(process.env.OP_PORT);
const issuer = `http://127.0.0.1:${port}`;
const resource = process.env.OP_RESOURCE;
const format = process.env.OP_TOKEN_FORMAT ?? 'jwt';
const scope = 'eduperson_entitlement';
const mintRefresh = Number(process.env.OP_MINT_REFRESH ?? 0);
const redirectUri = 'http://127.0.0.1/bench/callback';

const alg = process.env.OP_ALG ?? 'RS256';
const { privateKey } = alg === 'ES256'
  ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
  : generateKeyPairSync('rsa', { modulusLength: Number(process.env.OP_RSA_BITS ?? 2048) });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: `bench-${alg.toLowerCase()}`, use: 'sig', alg };

// oidc-provider's default in-memory adapter is an LRU of 1,000 entries: under the refresh rows it evicts grants
// minted minutes earlier, so refreshes fail for a reason the proxy (a database) does not have. A plain Map keeps
// everything for the process's life, like a store would.
const stores = new Map();
class MapAdapter {
  constructor(name) { this.name = name; }
  key(id) { return `${this.name}:${id}`; }
  async upsert(id, payload) {
    stores.set(this.key(id), payload);
    if (payload.grantId) stores.set(`grant:${payload.grantId}:${this.key(id)}`, true);
    if (payload.uid) stores.set(`uid:${payload.uid}`, id);
    if (payload.userCode) stores.set(`userCode:${payload.userCode}`, id);
  }
  async find(id) { return stores.get(this.key(id)); }
  async findByUid(uid) { const id = stores.get(`uid:${uid}`); return id && this.find(id); }
  async findByUserCode(code) { const id = stores.get(`userCode:${code}`); return id && this.find(id); }
  async consume(id) { const payload = stores.get(this.key(id)); if (payload) payload.consumed = Math.floor(Date.now() / 1000); }
  async destroy(id) { stores.delete(this.key(id)); }
  async revokeByGrantId(grantId) {
    for (const key of stores.keys()) {
      if (key.startsWith(`grant:${grantId}:`)) { stores.delete(key.slice(`grant:${grantId}:`.length)); stores.delete(key); }
    }
  }
}

const provider = new Provider(issuer, {
  adapter: MapAdapter,
  clients: [{
    client_id: process.env.OP_CLIENT_ID,
    client_secret: process.env.OP_CLIENT_SECRET,
    grant_types: mintRefresh > 0 ? ['client_credentials', 'authorization_code', 'refresh_token'] : ['client_credentials'],
    response_types: mintRefresh > 0 ? ['code'] : [],
    redirect_uris: mintRefresh > 0 ? [redirectUri] : [],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: alg,
    scope: mintRefresh > 0 ? `openid offline_access ${scope}` : scope,
  }],
  jwks: { keys: [signingKey] },
  scopes: ['openid', 'offline_access', scope],
  // The proxy rotates every refresh token on use (and detects reuse): so does node here.
  rotateRefreshToken: true,
  findAccount: (ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  ttl: { AccessToken: 3600, ClientCredentials: 3600, IdToken: 3600, RefreshToken: 86400, Grant: 86400 },
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
        ...(format === 'jwt' ? { jwt: { sign: { alg } } } : {}),
      }),
    },
  },
});
provider.proxy = false;

// The state a login leaves behind (grant + refresh token), minted directly: the refresh rows measure the grant alone.
async function mintRefreshTokens(count, file) {
  const client = await provider.Client.find(process.env.OP_CLIENT_ID);
  const oidcScope = 'openid offline_access';
  const lines = [];
  for (let i = 0; i < count; i += 1) {
    const accountId = `bench-user-${i}`;
    const grant = new provider.Grant({ accountId, clientId: client.clientId });
    grant.addOIDCScope(oidcScope);
    grant.addResourceScope(resource, scope);
    const grantId = await grant.save();
    const refreshToken = new provider.RefreshToken({
      accountId, client, grantId, gty: 'authorization_code', authTime: Math.floor(Date.now() / 1000),
      scope: `${oidcScope} ${scope}`, resource,
    });
    lines.push(await refreshToken.save());
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

if (mintRefresh > 0) await mintRefreshTokens(mintRefresh, process.env.OP_MINT_FILE);
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider (bench, ${format}) at ${issuer}`));
