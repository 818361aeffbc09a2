import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { z } from 'zod';
import { partnerCenterWebhookEvents } from '../partner-center.ts';
import type { Core } from './core.ts';
import { fail } from './failures.ts';
import { defineOperation, parse } from './pipeline.ts';

/** Events this simulator raises, and the test event every registration may ask for. */
const supportedEvents = [...partnerCenterWebhookEvents, 'test-created'];

/**
 * "Partner Center webhooks": one registration per partner tenant, `{WebhookUrl, WebhookEvents}`,
 * created with POST, changed with PUT, read with GET, removed with DELETE.
 */
export function webhookRegistrationRoutes(router: Router, core: Core): void {
  const path = '/webhooks/v1/registration';
  const api = 'partnerCenter' as const;
  const schema = z.object({
    WebhookUrl: z
      .url()
      .max(2048)
      .refine(
        (url) => core.options.allowInsecureWebhooks || url.startsWith('https://'),
        'the webhook URL must use https',
      ),
    WebhookEvents: z.array(z.enum(supportedEvents)).min(1).max(supportedEvents.length),
  });

  defineOperation(
    router,
    core,
    { name: 'getWebhookEvents', method: 'get', path: `${path}/events`, api },
    () => ({
      status: 200,
      body: supportedEvents,
    }),
  );

  defineOperation(router, core, { name: 'registerWebhooks', method: 'post', path, api }, (call) => {
    const body = parse(schema, call.body);
    const me = call.account.tenantId;
    if (core.state.registrations.has(me)) {
      throw fail.conflict('This partner already has a registration; update it with PUT.');
    }
    const registration = {
      subscriberId: randomUUID(),
      url: body.WebhookUrl,
      events: [...new Set(body.WebhookEvents)],
    };
    core.state.registrations.set(me, registration);
    call.effect('registerWebhooks', null);
    return { status: 200, body: present(registration) };
  });

  defineOperation(router, core, { name: 'updateWebhooks', method: 'put', path, api }, (call) => {
    const body = parse(schema, call.body);
    const registration = core.state.registrations.get(call.account.tenantId);
    if (!registration) throw fail.notFound('A webhook registration for this partner');
    registration.url = body.WebhookUrl;
    registration.events = [...new Set(body.WebhookEvents)];
    call.effect('updateWebhooks', null);
    return { status: 200, body: present(registration) };
  });

  defineOperation(
    router,
    core,
    { name: 'getWebhookRegistration', method: 'get', path, api },
    (call) => {
      const registration = core.state.registrations.get(call.account.tenantId);
      if (!registration) throw fail.notFound('A webhook registration for this partner');
      return {
        status: 200,
        body: { WebhookUrl: registration.url, WebhookEvents: registration.events },
      };
    },
  );

  defineOperation(router, core, { name: 'deleteWebhooks', method: 'delete', path, api }, (call) => {
    if (!core.state.registrations.delete(call.account.tenantId)) {
      throw fail.notFound('A webhook registration for this partner');
    }
    call.effect('deleteWebhooks', null);
    return { status: 204 };
  });
}

function present(registration: { subscriberId: string; url: string; events: string[] }) {
  return {
    SubscriberId: registration.subscriberId,
    WebhookUrl: registration.url,
    WebhookEvents: registration.events,
  };
}
