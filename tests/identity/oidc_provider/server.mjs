// A real OpenID provider for Burgh's sign-in tests, on a free port of 127.0.0.1.
//
// It is panva's oidc-provider (OpenID Certified) with one confidential client, whose redirect URI
// is Burgh's test server(s), the accounts in accounts.json, and a plain login and consent page of
// our own, so that an account can report how it signed in (`amr`). Configuration comes from the
// environment; once it listens it prints one JSON line, {"issuer": "..."}, for the test fixture.
//
//   BURGH_TEST_OIDC_REDIRECT_URI   Burgh's callback address(es), comma-separated
//   BURGH_TEST_OIDC_CLIENT_ID      the client Burgh signs in as
//   BURGH_TEST_OIDC_CLIENT_SECRET  its secret, made up by the test run

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const env = process.env;
for (const name of [
  'BURGH_TEST_OIDC_REDIRECT_URI',
  'BURGH_TEST_OIDC_CLIENT_ID',
  'BURGH_TEST_OIDC_CLIENT_SECRET',
]) {
  if (!env[name]) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
}

const accounts = JSON.parse(readFileSync(new URL('./accounts.json', import.meta.url), 'utf8'));
const bySubject = new Map(Object.values(accounts).map((account) => [account.sub, account]));

// A fresh signing key each run: Burgh must find it through discovery and the JWKS endpoint.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: `test-${Date.now()}`, use: 'sig', alg: 'RS256' };

function configuration() {
  return {
    clients: [
      {
        client_id: env.BURGH_TEST_OIDC_CLIENT_ID,
        client_secret: env.BURGH_TEST_OIDC_CLIENT_SECRET,
        redirect_uris: env.BURGH_TEST_OIDC_REDIRECT_URI.split(','),
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: {
      // amr with the openid scope: in every ID token, as Keycloak's AMR mapper does.
      openid: ['sub', 'amr'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    // Burgh must send PKCE even as a confidential client.
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    async findAccount(_ctx, sub) {
      const account = bySubject.get(sub);
      if (!account) {
        return undefined;
      }
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            name: account.name,
            email: account.email,
            email_verified: account.email_verified,
          };
        },
      };
    },
  };
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res, status, title, body) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`);
}

function loginPage(res, uid, error = '') {
  const message = error ? `<p role="alert">${escape(error)}</p>` : '';
  page(res, error ? 400 : 200, 'Kinloch Council sign-in', `${message}
<form method="post" action="/interaction/${escape(uid)}/login">
  <label for="username">Username</label> <input id="username" name="username" autocomplete="username">
  <label for="password">Password</label> <input id="password" name="password" type="password">
  <button type="submit">Sign in</button>
</form>`);
}

function consentPage(res, uid, details) {
  const scopes = (details.missingOIDCScope || []).map((scope) => `<li>${escape(scope)}</li>`).join('');
  page(res, 200, 'Share your details with Burgh?', `<ul>${scopes}</ul>
<form method="post" action="/interaction/${escape(uid)}/consent"><button type="submit">Continue</button></form>`);
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) {
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function interaction(provider, req, res, uid, step) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session, grantId } = details;
  if (req.method === 'GET' && !step) {
    if (prompt.name === 'login') {
      return loginPage(res, uid);
    }
    return consentPage(res, uid, prompt.details);
  }
  if (req.method === 'POST' && step === 'login' && prompt.name === 'login') {
    const form = await readForm(req);
    const account = accounts[form.get('username') || ''];
    if (!account || account.password !== form.get('password')) {
      return loginPage(res, uid, 'Enter a correct username and password');
    }
    return provider.interactionFinished(
      req,
      res,
      { login: { accountId: account.sub, amr: account.amr } },
      { mergeWithLastSubmission: false },
    );
  }
  if (req.method === 'POST' && step === 'consent' && prompt.name === 'consent') {
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) {
      grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    }
    if (prompt.details.missingOIDCClaims) {
      grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    }
    const result = { consent: { grantId: await grant.save() } };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
  }
  return page(res, 400, 'That did not work', '<p>Start signing in again from Burgh.</p>');
}

const INTERACTION = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|consent))?$/;
let provider;
let handleProtocol;

const server = createServer(async (req, res) => {
  const match = INTERACTION.exec(new URL(req.url, 'http://127.0.0.1').pathname);
  if (!match) {
    return handleProtocol(req, res);
  }
  try {
    await interaction(provider, req, res, match[1], match[2]);
  } catch (error) {
    console.error(error);
    page(res, 400, 'Sign-in session not found', `<p>${escape(error.message)}</p>`);
  }
  return undefined;
});

server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  provider = new Provider(issuer, configuration());
  handleProtocol = provider.callback();
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
