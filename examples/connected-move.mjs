// A connected move of one customer, from the partner's registration to the transition
// completed, against the Partner Center simulator. Partner Center carries out the transfer and
// reports the relationship, the MCA and the results; people send only the consent and the
// steps Partner Center has no API for. Run it as the README shows:
//
//   API=http://127.0.0.1:3000 ADMIN=ts_… SIM=http://127.0.0.1:4010 node examples/connected-move.mjs
//
// RECEIVER is Tiershift's address as Partner Center reaches it, when that is not API (with
// Docker Compose the simulator reaches it as http://app:3000).
//
// It uses nothing but Node's fetch, and prints each step as it goes.

const API = process.env.API ?? 'http://127.0.0.1:3000';
const SIM = process.env.SIM ?? 'http://127.0.0.1:4010';
const RECEIVER = process.env.RECEIVER ?? API;
const ADMIN = process.env.ADMIN;
if (!ADMIN) throw new Error('Set ADMIN to the admin token Tiershift printed at its first start.');

const uuid = () => crypto.randomUUID();
const tag = uuid().slice(0, 6);
const log = (...parts) => console.log(...parts);

async function call(method, url, token, body) {
  const res = await fetch(url, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return json;
}
const api = (method, path, token, body) => call(method, `${API}${path}`, token, body);
const sim = (path, body) => call('POST', `${SIM}/_sim${path}`, undefined, body);
const send = async (token, id, event) => {
  const workflow = await api('POST', `/v1/workflows/${id}/events`, token, event);
  log(`  ${event.type} -> ${workflow.state}`);
  return workflow;
};
const child = async (token, parent, machine, customerId = '') =>
  (
    await api(
      'GET',
      `/v1/workflows?parentId=${parent}&machine=${machine}&customerId=${customerId}`,
      token,
    )
  ).items[0];

/** Waits, as an operator would watch the console, for Partner Center to move a workflow. */
async function until(token, id, state, seconds = 120) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const workflow = await api('GET', `/v1/workflows/${id}`, token);
    if (workflow.state === state) return workflow;
    if (Date.now() > deadline) throw new Error(`${id} is ${workflow.state}, not ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// 1. Partner Center knows the partner, the provider and the customer (the simulator's seed).
const partner = {
  tenantId: uuid(),
  name: `Contoso IT ${tag}`,
  mpnId: String(4_000_000 + Math.floor(Math.random() * 999_999)),
  clientId: uuid(),
  clientSecret: `contoso-secret-${tag}`,
  refreshToken: `contoso-refresh-${tag}`,
};
const provider = {
  tenantId: uuid(),
  name: `Northwind ${tag}`,
  mpnId: String(5_000_000 + Math.floor(Math.random() * 999_999)),
  clientId: uuid(),
  clientSecret: `northwind-secret-${tag}`,
  refreshToken: `northwind-refresh-${tag}`,
};
const customer = { tenantId: uuid(), name: `Fabrikam ${tag}`, email: `it-${tag}@fabrikam.example` };
await sim('/accounts', [
  { ...partner, kind: 'partner' },
  { ...provider, kind: 'provider' },
]);
await sim('/customers', {
  ...customer,
  partnerTenantId: partner.tenantId,
  subscriptions: [
    {
      id: `fab-e3-${tag}`,
      offerId: 'CFQ7TTC0LF8S',
      friendlyName: 'Microsoft 365 E3',
      quantity: 25,
      billingCycle: 'Annual',
    },
    {
      id: `fab-phone-${tag}`,
      offerId: 'CFQ7TTC0LH0R',
      friendlyName: 'Teams Phone',
      quantity: 25,
      billingCycle: 'Annual',
      baseSubscriptionId: `fab-e3-${tag}`,
    },
  ],
});
log('Partner Center (simulator): partner, provider and customer seeded');

// 2. Tiershift: the partner, its people, the provider, and both sides' credentials.
const partnerId = (
  await api('POST', '/v1/partners', ADMIN, {
    name: partner.name,
    mpnId: partner.mpnId,
    plaId: `PLA-${tag}`,
    plaRegion: 'DE',
    cspRegion: 'DE',
    tenantId: partner.tenantId,
    profile: {
      maicppMember: true,
      plaVerified: true,
      mfaEnforced: true,
      securityContact: { name: 'Sam Secure', email: 'sam@contoso-it.com' },
      businessEmail: 'ops.team@contoso-it.com',
      enrollingUser: {
        name: 'Gail',
        email: 'gail@contoso-it.com',
        globalAdmin: true,
        authorityToSign: true,
      },
    },
  })
).id;
const principal = async (body) => (await api('POST', '/v1/principals', ADMIN, body)).token;
const MANAGER = await principal({ name: 'Mia', role: 'manager', partnerId });
const GA = await principal({ name: 'Gail', role: 'global_admin', partnerId });
const providerId = (
  await api('POST', '/v1/providers', ADMIN, {
    name: provider.name,
    mpnId: provider.mpnId,
    region: 'DE',
  })
).id;
const PT = await principal({ name: 'Northwind ops', role: 'provider', providerId });
const credentials = (a) => ({
  tenantId: a.tenantId,
  clientId: a.clientId,
  clientSecret: a.clientSecret,
  refreshToken: a.refreshToken,
});
await api('PUT', `/v1/partners/${partnerId}/partner-center-connection`, GA, credentials(partner));
await api(
  'PUT',
  `/v1/providers/${providerId}/partner-center-connection`,
  PT,
  credentials(provider),
);
log('Tiershift: partner, people, provider; both connected to Partner Center');

// 3. Each account tells Partner Center where its webhooks go.
for (const account of [partner, provider]) {
  const token = await fetch(`${SIM}/${account.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: account.clientId,
      client_secret: account.clientSecret,
      refresh_token: account.refreshToken,
      scope: 'https://api.partnercenter.microsoft.com/user_impersonation',
    }),
  }).then((r) => r.json());
  await call('POST', `${SIM}/webhooks/v1/registration`, token.access_token, {
    WebhookUrl: `${RECEIVER}/partner-center/webhooks`,
    WebhookEvents: [
      'complete-transfer',
      'fail-transfer',
      'reseller-relationship-accepted-by-customer',
      'indirect-reseller-relationship-accepted-by-customer',
    ],
  });
}
log('Partner Center: webhooks registered for both accounts');

// 4. The transition, up to its customers (as in the walkthroughs above).
const T = (
  await api('POST', '/v1/transitions', MANAGER, { partnerId, tenantStrategy: 'new_tenant' })
).id;
log(`Transition ${T}`);
await send(MANAGER, T, { type: 'CONFIRM_PROFILE' });
await send(GA, T, { type: 'NEW_TENANT_REGISTERED', tenantId: uuid() });
const E = (await child(MANAGER, T, 'enrollment')).id;
await send(GA, E, { type: 'SUBMIT' });
await send(ADMIN, E, { type: 'APPROVE' });
await send(GA, E, { type: 'ACCEPT_AGREEMENT', agreementVersion: 'MPA-2026' });
await api('POST', `/v1/partners/${partnerId}/customers`, MANAGER, {
  name: customer.name,
  tenantId: customer.tenantId,
  acquiredAs: 'direct_bill',
  mcaAcceptance: 'none',
  billTo: { companyName: `${customer.name} GmbH`, email: customer.email, country: 'DE' },
  subscriptions: [
    {
      id: `fab-e3-${tag}`,
      offer: 'Microsoft 365 E3',
      kind: 'nce_license',
      quantity: 25,
      billingCycle: 'annual',
    },
    {
      id: `fab-phone-${tag}`,
      offer: 'Teams Phone',
      kind: 'nce_license',
      quantity: 25,
      billingCycle: 'annual',
      baseSubscriptionId: `fab-e3-${tag}`,
    },
  ],
});
await send(MANAGER, T, { type: 'PARTNERSHIP_REQUESTED', providerId });
await send(PT, T, { type: 'PROVIDER_INVITATION_SENT', providerId });
await send(GA, T, { type: 'PROVIDER_INVITATION_ACCEPTED', providerId });
const automated = await api('GET', `/v1/transitions/${T}/partner-center`, MANAGER);
log(
  `Mode: ${automated.mode}; ${automated.steps.filter((s) => s.automated).length} customer steps carried out by Partner Center`,
);

// 5. The relationship: the extension, the customer's consent and the bill-to by hand; the
//    customer accepts in Partner Center, whose webhook brings the news.
const customerId = (await api('GET', `/v1/partners/${partnerId}/customers`, MANAGER)).items[0].id;
const R = (await child(MANAGER, T, 'resellerRelationship', customerId)).id;
await send(MANAGER, R, { type: 'USE_EXTENSION' });
await send(MANAGER, R, {
  type: 'CONSENT_GRANTED',
  grantedBy: { name: 'Carla Jung', email: 'carla@fabrikam.example' },
  method: 'signed_form',
  statementVersion: 'rre-consent-v1',
});
await send(GA, R, { type: 'BILL_TO_SHARING_CONFIRMED' });
await sim(`/customers/${customer.tenantId}/relationships`, {
  providerTenantId: provider.tenantId,
  resellerTenantId: partner.tenantId,
});
log(
  `  (the customer accepts in Partner Center) -> ${(await until(MANAGER, R, 'established')).state}`,
);

// 6. The MCA: the customer signs it itself; the reconciliation poll sees it.
const M = (await child(MANAGER, T, 'mcaReacceptance', customerId)).id;
await sim(`/customers/${customer.tenantId}/mca/sign`, {});
log(`  (the customer signs the MCA) -> ${(await until(MANAGER, M, 'accepted')).state}`);

// 7. The transfer: agreed and settled by hand; created, submitted and completed by Partner Center.
const X = (await child(MANAGER, T, 'subscriptionTransfer', customerId)).id;
await send(MANAGER, X, { type: 'CUSTOMER_AGREED' });
await send(PT, X, {
  type: 'DETAILS_CONFIRMED',
  subscriptionIds: [`fab-e3-${tag}`, `fab-phone-${tag}`],
});
log(
  `  (Partner Center creates, submits and completes it) -> ${(await until(MANAGER, X, 'completed')).state}`,
);
log(`Transition: ${(await until(MANAGER, T, 'completed')).state}`);

// 8. The transfer's history: who did what, and the Partner Center call behind each report.
for (const row of (await api('GET', `/v1/workflows/${X}/history`, MANAGER)).items) {
  const evidence = row.payload?.evidence?.partnerCenter;
  log(
    `  ${row.seq} ${row.type} by ${row.actor.role}${evidence ? ` (MS-RequestId ${evidence.requestId})` : ''}`,
  );
}
