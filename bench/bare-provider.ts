/**
 * The baseline of bench/delegated-login.ts: a bare oidc-provider (memory storage) whose
 * interaction finishes at once, in a process of its own. Prints "ready <port>" when listening.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import Provider from 'oidc-provider';

import { BARE_CLIENT } from './bare-provider-client.js';

const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const provider = new Provider(issuer, {
  clients: [{ client_id: BARE_CLIENT.id, client_secret: BARE_CLIENT.secret, redirect_uris: [process.argv[2]] }],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
});
const callback = provider.callback();
server.on('request', async (req, res) => {
  if (!req.url?.startsWith('/interaction/')) return callback(req, res);
  await provider.interactionDetails(req, res);
  const grant = new provider.Grant({ accountId: 'citizen', clientId: BARE_CLIENT.id });
  grant.addOIDCScope('openid');
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: 'citizen' }, consent: { grantId: await grant.save() } },
    { mergeWithLastSubmission: false },
  );
});
console.log(`ready ${issuer}`);
