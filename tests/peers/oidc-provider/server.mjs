// node oidc-provider as an upstream OpenID Provider for the proxy's tests, on 127.0.0.1 only.
// Started and stopped by tests/peers/oidc-provider.sh; everything it needs comes from the environment:
//   OP_PORT            the port (the issuer is http://127.0.0.1:OP_PORT)
//   OP_CLIENT_ID       the one registered client (the proxy)
//   OP_CLIENT_SECRET   its secret (client_secret_basic or client_secret_post)
//   OP_CALLBACK_BASE   the proxy's scheme base URL: BASE/callback and BASE/signed-out are registered
// devInteractions gives a login form (any login name, any password: the login name becomes `sub`) and a
// consent form. A login name starting with "deny" ends the interaction with error=access_denied; one
// starting with "mfa-" authenticates with acr https://refeds.org/profile/mfa, any other with .../sfa.
import Provider, { errors } from 'oidc-provider';

const port = Number(process.env.OP_PORT);
const issuer = `http://127.0.0.1:${port}`;
const base = process.env.OP_CALLBACK_BASE;
const MFA = 'https://refeds.org/profile/mfa';
const SFA = 'https://refeds.org/profile/sfa';

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OP_CLIENT_ID,
    client_secret: process.env.OP_CLIENT_SECRET,
    redirect_uris: [`${base}/callback`],
    post_logout_redirect_uris: [`${base}/signed-out`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  pkce: { required: () => true },
  acrValues: [SFA, MFA],
  features: { devInteractions: { enabled: true } },
  scopes: ['openid', 'email', 'profile'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name'] },
  async findAccount(ctx, sub) {
    if (sub.startsWith('deny')) {
      throw new errors.AccessDenied('the test user refused');
    }
    return {
      accountId: sub,
      async claims() {
        return { sub, email: `${sub}@op.example.org`, email_verified: true, name: `Test ${sub}`, given_name: 'Test', family_name: sub };
      },
    };
  },
});

// devInteractions logs a person in without an acr: the login name decides it (see above).
const loginAccount = provider.Session.prototype.loginAccount;
provider.Session.prototype.loginAccount = function (details) {
  return loginAccount.call(this, { ...details, acr: String(details.accountId).startsWith('mfa-') ? MFA : SFA });
};

// The proxy and the tests talk plain HTTP on loopback.
provider.proxy = false;
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening at ${issuer}`));
