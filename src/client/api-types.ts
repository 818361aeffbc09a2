/**
 * Types of the Tiershift API, generated from its OpenAPI document by openapi-typescript.
 * Do not edit: run `npm run client` after changing a route or a schema.
 */
/* eslint-disable */

export interface paths {
    "/partner-center/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Receives a signed Partner Center webhook for a connected transition
         * @description Register this address with Partner Center (`/webhooks/v1/registration`). The body is checked against `Authorization: Signature …`, `X-MS-Signature-Algorithm: rsa-sha256` and the certificate at `X-MS-Certificate-Url`, which must be one of `PARTNER_CENTER_WEBHOOK_CERT_URLS`.
         *
         *     Who: Partner Center (signed; no token).
         */
        post: operations["receivePartnerCenterWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness: the process answers
         * @description Who: anyone, no token.
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: the database answers and its migrations are applied; 503 while stopping
         * @description Who: anyone, no token.
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This document
         * @description Who: anyone, no token.
         */
        get: operations["getOpenApiDocument"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This document, to read in a browser
         * @description Who: anyone, no token.
         */
        get: operations["getDocs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Metrics in the Prometheus text format: requests, events, timers, database pool, process. Also served without a token on METRICS_PORT when set
         * @description Who: admin, auditor.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The principal this token signs in as; never the token itself
         * @description Who: any authenticated principal.
         */
        get: operations["getCaller"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/principals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Lists principals, oldest first; tokens and their hashes are never shown
         * @description Who: admin.
         */
        get: operations["listPrincipals"];
        put?: never;
        /**
         * Creates a principal and shows its token once
         * @description Who: admin.
         */
        post: operations["createPrincipal"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/principals/{id}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revokes a principal: its tokens answer 401 at once, in every instance; revoking again changes nothing
         * @description Who: admin.
         */
        post: operations["revokePrincipal"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/principals/{id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Gives a principal a new token, shown once; the tokens it replaces work until the overlap ends
         * @description Who: admin.
         */
        post: operations["rotatePrincipal"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Lists indirect providers
         * @description Who: any authenticated principal.
         */
        get: operations["listProviders"];
        put?: never;
        /**
         * Registers an indirect provider
         * @description Who: admin.
         */
        post: operations["createProvider"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/providers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One indirect provider
         * @description Who: any authenticated principal.
         */
        get: operations["getProvider"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/partners": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Lists the partners the caller may see
         * @description Who: admin, auditor; manager and global_admin see their own.
         */
        get: operations["listPartners"];
        put?: never;
        /**
         * Registers a direct-bill partner that will transition
         * @description Who: admin.
         */
        post: operations["createPartner"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/partners/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One partner
         * @description Who: admin, auditor; manager and global_admin of that partner.
         */
        get: operations["getPartner"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Corrects a partner's fields
         * @description Who: admin.
         */
        patch: operations["updatePartner"];
        trace?: never;
    };
    "/v1/partners/{id}/customers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Lists a partner's customers in import order
         * @description Who: admin, auditor; manager and global_admin of that partner.
         */
        get: operations["listCustomers"];
        put?: never;
        /**
         * Imports one customer or many, with their subscriptions, all or nothing
         * @description Who: manager, global_admin of that partner.
         */
        post: operations["importCustomers"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/partners/{id}/partner-center-connection": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Whether a partner registered Partner Center credentials, and who did; never the secrets
         * @description Who: admin; global_admin of that partner.
         */
        get: operations["getPartnerPartnerCenterConnection"];
        /**
         * Registers the App+User credentials Tiershift calls Partner Center with for a partner, or replaces them
         * @description The client secret and the refresh token are stored sealed (AES-256-GCM under `SECRETS_KEY`) and never shown again; the answer says only whose credentials they are. 201 when none were registered before, 200 when they replace others.
         *
         *     Who: admin; global_admin of that partner.
         */
        put: operations["putPartnerPartnerCenterConnection"];
        post?: never;
        /**
         * Forgets the Partner Center credentials of a partner; calls on its behalf stop
         * @description Who: admin; global_admin of that partner.
         */
        delete: operations["deletePartnerPartnerCenterConnection"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/providers/{id}/partner-center-connection": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Whether a provider registered Partner Center credentials, and who did; never the secrets
         * @description Who: admin; provider (its own).
         */
        get: operations["getProviderPartnerCenterConnection"];
        /**
         * Registers the App+User credentials Tiershift calls Partner Center with for a provider, or replaces them
         * @description The client secret and the refresh token are stored sealed (AES-256-GCM under `SECRETS_KEY`) and never shown again; the answer says only whose credentials they are. 201 when none were registered before, 200 when they replace others.
         *
         *     Who: admin; provider (its own).
         */
        put: operations["putProviderPartnerCenterConnection"];
        post?: never;
        /**
         * Forgets the Partner Center credentials of a provider; calls on its behalf stop
         * @description Who: admin; provider (its own).
         */
        delete: operations["deleteProviderPartnerCenterConnection"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/consent-statements/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The text of a consent statement and its hash
         * @description Who: any authenticated principal.
         */
        get: operations["getConsentStatement"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workflows/{id}/history/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Checks the workflow's hash chain, its states, its replay, its access fields and consents; lists each problem
         * @description Who: auditor, admin.
         */
        get: operations["verifyHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workflows/{id}/history/{seq}/state": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The workflow as it was right after history row seq, rebuilt by replay
         * @description Who: whoever may read the workflow history.
         */
        get: operations["getStateAfter"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/digest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every workflow's head hash, length and access fields, and one digest over them all
         * @description Who: auditor, admin.
         */
        get: operations["getAuditDigest"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/digest/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Whether today’s history extends a saved digest; names the workflows that diverge
         * @description Who: auditor, admin.
         */
        post: operations["verifyAuditDigest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * History across workflows, in append order, as NDJSON or CSV (Accept)
         * @description Who: auditor, admin; a partner's manager or global_admin for their own partner.
         */
        get: operations["exportHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workflows/{id}/consent-requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A relationship's consent links, with their status (the tokens are never shown again)
         * @description Who: admin, auditor; manager and global_admin of the partner.
         */
        get: operations["listConsentRequests"];
        put?: never;
        /**
         * A one-time consent link for the customer of a relationship awaiting consent
         * @description Who: manager, global_admin of the partner.
         */
        post: operations["createConsentRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workflows/{id}/consent-requests/{requestId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revokes a consent link that was not used; revoking one already closed changes nothing
         * @description Who: manager, global_admin of the partner.
         */
        delete: operations["revokeConsentRequest"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/consents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Consent decisions with their evidence
         * @description Who: auditor, admin; a partner's manager or global_admin for their own partner.
         */
        get: operations["listConsents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/consent/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The customer's consent page: who asks, for what, and the statement to consent to
         * @description Who: the customer, through the link; the token is the credential.
         */
        get: operations["getConsentPage"];
        put?: never;
        /**
         * The customer's answer, from the page's form
         * @description Who: the customer, through the link; the token is the credential.
         */
        post: operations["answerConsentPage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workflows/events:batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Applies one event to every workflow that matches a filter
         * @description Each matching workflow the caller may see gets the event as if it had been sent alone to `POST /v1/workflows/{id}/events`: in a transaction of its own, with the same rules, and recorded in its history, refused or applied. The answer has a result per workflow. Each carries the version it had when this call chose it as `If-Match`: one that moved meanwhile is refused with 412, not acted on. At most `limit` workflows are taken per call; send `nextCursor` back to go on. An event no workflow could take (unknown, not the caller's to send, a payload that does not fit) is refused whole, before any is touched. With an `Idempotency-Key`, a repeated call applies nothing twice.
         *
         *     Who: by event (see /v1/machines), within the caller’s scope.
         */
        post: operations["sendEventToEach"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/transitions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Transitions the caller may see, oldest first, with their progress at a glance
         * @description Each row counts the customers moved, in progress (neither moved nor excluded) and excluded, the subscription transfers completed, and gives the enrollment’s state, every partnership asked and the last activity of the transition or any of its children. `flag` filters on the flags as a read of the transition gives them now.
         *
         *     Who: any, scoped.
         */
        get: operations["listTransitions"];
        put?: never;
        /**
         * Starts a partner's transition from direct bill to indirect reseller
         * @description Who: manager, global_admin of that partner.
         */
        post: operations["startTransition"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workflows": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Lists workflows the caller may see, filters ANDed, oldest first
         * @description Who: any, scoped.
         */
        get: operations["listWorkflows"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workflows/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One workflow, with its version as ETag
         * @description Who: any, scoped.
         */
        get: operations["getWorkflow"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workflows/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Applies one event to a workflow
         * @description The body is one of the events of the workflow’s machine; `GET /v1/machines/{name}` lists them with the states that take them. A refusal is recorded in the history too.
         *
         *     Who: by event (see /v1/machines).
         */
        post: operations["sendEvent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workflows/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The history of a workflow, applied and rejected events, oldest first
         * @description Who: any, scoped.
         */
        get: operations["listHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workflows/{id}/customers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A transition's customers, each with the state of its three workflows
         * @description One row per customer planned in the transition, with its outcome and the newest reseller relationship, MCA re-acceptance and subscription transfer: id, state, status and `since` (the workflow's last change). Filter by `machine` and `state` (who waits in `awaitingConsent`), `outcome`, `search`; sort by `name`, `since` or a machine's state, ties in import order; `total` counts every match. Bill-to details never appear here. A workflow of another machine answers 422 `not_a_transition`.
         *
         *     Who: any, scoped: a provider sees the customers whose workflows it serves.
         */
        get: operations["listTransitionCustomers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/transitions/{id}/preflight": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Everything that would stop or slow each customer’s transfer, found before it starts
         * @description For every direct-bill customer still to move (neither moved nor excluded) and for the partner, the findings: `blocker` (a transfer would be refused as the data stands), `action` (a step to take by hand) or `info`, each with a plain `detail` and the subscription it is about. Works out the rules from what is stored and from where the customer’s workflows stand, in any state of the transition, final ones included. JSON by default; `Accept: text/csv` gives one row per finding (the partner’s with empty customer cells). A provider is not told a customer’s bill-to country before its bill-to was shared.
         *
         *     Who: the partner's manager and global_admin, the transition's chosen provider, auditor, admin; another provider that may read the transition gets 403.
         */
        get: operations["getTransitionPreflight"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/transitions/{id}/partner-center": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Which of a transition's customer steps Partner Center carries out
         * @description Every event of a customer's reseller relationship, MCA re-acceptance and subscription transfer that a person or Partner Center sends, and how it comes about for this transition. Connected (the partner and the chosen provider both registered their Partner Center credentials), Tiershift makes some steps itself in Partner Center and records the answer (`call`), Partner Center reports others (`report`), and the rest are sent by hand. Not connected, every step is sent by hand; a request lapsing, which only its timer then sends, is left out. Another workflow than a transition answers 404.
         *
         *     Who: any, scoped: whoever may read the transition.
         */
        get: operations["getTransitionPartnerCenter"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/machines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every workflow definition: states, events, transitions, roles
         * @description Who: any authenticated principal.
         */
        get: operations["listMachines"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/machines/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One workflow definition
         * @description Who: any authenticated principal.
         */
        get: operations["getMachine"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/timers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Lists timers of every workflow: pending ones in the order they will be tried, failed ones in the order they were given up
         * @description Who: admin, auditor.
         */
        get: operations["listTimers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workflows/{id}/timers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A workflow's timers: what it waits for, and when it fires, soonest first
         * @description Timers that fired are gone; one whose attempts failed stays, with how often it failed. Why the last attempt failed is shown to admins and auditors only: it is the server’s own error.
         *
         *     Who: any, scoped.
         */
        get: operations["listWorkflowTimers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/timers/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Puts a failed timer back in line: due now, its attempts counted afresh; 409 when it has not failed
         * @description Who: admin.
         */
        post: operations["retryTimer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Lists the subscriptions the caller may see, oldest id first; secrets never shown
         * @description Who: provider, manager, global_admin (their own scope’s), admin, auditor (all).
         */
        get: operations["listWebhooks"];
        put?: never;
        /**
         * Subscribes a URL to events, and shows its signing secret once
         * @description Each event reaches the subscription only for workflows its owner may read, shown as the API shows them to that owner (bill-to withheld from a provider until it was shared). The URL must be https and resolve to public addresses; it is checked again at every delivery.
         *
         *     Who: provider (what it may see), manager or global_admin (their partner’s workflows), admin (every workflow).
         */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One subscription: where it goes, what it hears, whether and why it was disabled
         * @description Who: provider, manager, global_admin of its owner’s scope; admin; auditor.
         */
        get: operations["getWebhook"];
        put?: never;
        post?: never;
        /**
         * Deletes a subscription with its delivery log; nothing more is sent to it
         * @description Who: provider, manager, global_admin of its owner’s scope; admin.
         */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        /**
         * Changes the URL, the events or the description; disables or enables it again
         * @description Enabling a subscription clears why it was disabled and its count of failed messages; deliveries that waited while it was disabled go out again.
         *
         *     Who: provider, manager, global_admin of its owner’s scope; admin.
         */
        patch: operations["updateWebhook"];
        trace?: never;
    };
    "/v1/webhooks/{id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Gives a subscription a new signing secret, shown once; the old one signs beside it until the overlap ends
         * @description During the overlap every delivery carries two signatures in `webhook-signature`, one per secret, so a receiver verifies with whichever it holds while it switches.
         *
         *     Who: provider, manager, global_admin of its owner’s scope; admin.
         */
        post: operations["rotateWebhookSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The delivery log, newest first: each message, its status, attempts, last response and next attempt
         * @description Delivered and failed messages are kept 30 days.
         *
         *     Who: provider, manager, global_admin of its owner’s scope; admin; auditor.
         */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sends a delivery again now, with the same event id and body, and a fresh window of retries
         * @description Who: provider, manager, global_admin of its owner’s scope; admin.
         */
        post: operations["redeliverWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    "workflow.state_changed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * any workflow moved to another state
         * @description Sent to every active subscription that asked for it and whose owner may read the workflow. Signed by the Standard Webhooks scheme; delivered at least once, so deduplicate on `webhook-id`.
         */
        post: operations["webhook_workflow_state_changed"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "partnership.requested": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * a partner asked a provider to partner with it (PARTNERSHIP_REQUESTED)
         * @description Sent to every active subscription that asked for it and whose owner may read the workflow. Signed by the Standard Webhooks scheme; delivered at least once, so deduplicate on `webhook-id`.
         */
        post: operations["webhook_partnership_requested"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "partnership.invitation_accepted": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * the partner accepted a provider's invitation; customers are being moved
         * @description Sent to every active subscription that asked for it and whose owner may read the workflow. Signed by the Standard Webhooks scheme; delivered at least once, so deduplicate on `webhook-id`.
         */
        post: operations["webhook_partnership_invitation_accepted"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "mca.acceptance_requested": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * a customer was asked to accept the MCA; its provider records the acceptance
         * @description Sent to every active subscription that asked for it and whose owner may read the workflow. Signed by the Standard Webhooks scheme; delivered at least once, so deduplicate on `webhook-id`.
         */
        post: operations["webhook_mca_acceptance_requested"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "consent.granted": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * a customer consented to the reseller relationship
         * @description Sent to every active subscription that asked for it and whose owner may read the workflow. Signed by the Standard Webhooks scheme; delivered at least once, so deduplicate on `webhook-id`.
         */
        post: operations["webhook_consent_granted"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "consent.declined": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * a customer declined the reseller relationship
         * @description Sent to every active subscription that asked for it and whose owner may read the workflow. Signed by the Standard Webhooks scheme; delivered at least once, so deduplicate on `webhook-id`.
         */
        post: operations["webhook_consent_declined"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "consent.revoked": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * a customer withdrew its consent
         * @description Sent to every active subscription that asked for it and whose owner may read the workflow. Signed by the Standard Webhooks scheme; delivered at least once, so deduplicate on `webhook-id`.
         */
        post: operations["webhook_consent_revoked"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "transfer.request_needed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * a customer's subscriptions are confirmed and wait for the provider's transfer request
         * @description Sent to every active subscription that asked for it and whose owner may read the workflow. Signed by the Standard Webhooks scheme; delivered at least once, so deduplicate on `webhook-id`.
         */
        post: operations["webhook_transfer_request_needed"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "transfer.submitted": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * the partner submitted a transfer request
         * @description Sent to every active subscription that asked for it and whose owner may read the workflow. Signed by the Standard Webhooks scheme; delivered at least once, so deduplicate on `webhook-id`.
         */
        post: operations["webhook_transfer_submitted"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "transfer.completed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * every subscription of a customer's transfer moved
         * @description Sent to every active subscription that asked for it and whose owner may read the workflow. Signed by the Standard Webhooks scheme; delivered at least once, so deduplicate on `webhook-id`.
         */
        post: operations["webhook_transfer_completed"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "transfer.partially_failed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * a transfer settled with some subscriptions failed
         * @description Sent to every active subscription that asked for it and whose owner may read the workflow. Signed by the Standard Webhooks scheme; delivered at least once, so deduplicate on `webhook-id`.
         */
        post: operations["webhook_transfer_partially_failed"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "enrollment.overdue": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * an enrollment has waited for approval more than 5 business days
         * @description Sent to every active subscription that asked for it and whose owner may read the workflow. Signed by the Standard Webhooks scheme; delivered at least once, so deduplicate on `webhook-id`.
         */
        post: operations["webhook_enrollment_overdue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "transition.completed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * a transition finished: every customer moved or excluded
         * @description Sent to every active subscription that asked for it and whose owner may read the workflow. Signed by the Standard Webhooks scheme; delivered at least once, so deduplicate on `webhook-id`.
         */
        post: operations["webhook_transition_completed"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "transition.cancelled": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * a transition was cancelled, with its open workflows
         * @description Sent to every active subscription that asked for it and whose owner may read the workflow. Signed by the Standard Webhooks scheme; delivered at least once, so deduplicate on `webhook-id`.
         */
        post: operations["webhook_transition_cancelled"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: {
        AnswerConsentPageForm: {
            /** @enum {string} */
            decision: "consent" | "decline";
            /** @default  */
            name?: string;
            /** @default  */
            email?: string;
            /** @default  */
            reason?: string;
        };
        AuditDigest: {
            generatedAt: string;
            partnerId: string | null;
            workflows: {
                id: string;
                length: number;
                headHash: string;
                partnerId?: string;
                parentId?: string | null;
                customerId?: string | null;
                providerId?: string | null;
            }[];
            /** @description SHA-256 over the entries, as `POST /v1/audit/digest/verify` checks it */
            digest: string;
        };
        BatchEventRequest: {
            /** @description Which workflows: those the caller may see that match every field given. */
            filter: {
                /** @description the machine whose event `event` is */
                machine: string;
                /** @description a state, or a parent state that takes in its nested ones */
                state?: string;
                partnerId?: string;
                customerId?: string;
                /** @description the transition the workflows belong to */
                parentId?: string;
                /** @description only these workflows: a selection made by hand */
                workflowIds?: string[];
            };
            /** @description One event of `filter.machine`, with its fields, exactly as `POST /v1/workflows/{id}/events` takes it. */
            event: {
                type: string;
            } & {
                [key: string]: unknown;
            };
            /**
             * @description How many matching workflows this call takes.
             * @default 100
             */
            limit?: number;
            /** @description `nextCursor` of the previous call, to go on */
            cursor?: string;
        };
        BatchEventResponse: {
            /** @description one per workflow taken, in creation order */
            items: components["schemas"]["BatchEventResult"][];
            applied: number;
            refused: number;
            /** @description matching workflows not yet taken; send `nextCursor` to take them */
            remaining: number;
            nextCursor: string | null;
        };
        BatchEventResult: {
            workflowId: string;
            customerId: string | null;
            /** @enum {string} */
            outcome: "applied" | "refused";
            /** @description what the single-event route would have answered */
            status: number;
            /** @description applied: the state it is in now */
            state?: string;
            /** @description applied: its version now */
            version?: number;
            /** @description refused: the problem code */
            code?: string;
            /** @description refused: why, in words */
            detail?: string;
            /** @description refused: the rest of the problem (reasons, errors, nextEvents, currentVersion) */
            problem?: {
                [key: string]: unknown;
            };
        };
        Caller: {
            id: string;
            name: string;
            /** @enum {string} */
            role: "admin" | "manager" | "global_admin" | "provider" | "auditor";
            /** @description the partner a manager or global_admin acts for */
            partnerId: string | null;
            /** @description the provider a provider principal acts for */
            providerId: string | null;
            /** @description when this token stops working: the principal's expiry or the end of a rotation's overlap, whichever comes first; null when neither is set */
            expiresAt: string | null;
        };
        Consent: {
            id: string;
            partnerId: string;
            customerId: string;
            providerId: string | null;
            workflowId: string;
            scope: string[];
            /**
             * @description a revoked consent keeps `granted`, with `revokedAt`
             * @enum {string}
             */
            decision: "granted" | "declined";
            statementVersion: string | null;
            /** @description SHA-256 of the statement the customer saw */
            statementHash: string | null;
            grantedBy: {
                name: string;
                email: string | null;
            } | null;
            method: string | null;
            evidenceRef: string | null;
            ip: string | null;
            userAgent: string | null;
            recordedBy: string;
            reason: string | null;
            decidedAt: string;
            revokedAt: string | null;
            revokedBy: string | null;
            revocationReason: string | null;
        };
        ConsentRequest: {
            id: string;
            workflowId: string;
            /** @enum {string} */
            status: "open" | "used" | "expired" | "revoked";
            createdBy: string;
            createdAt: string;
            expiresAt: string;
            usedAt: string | null;
            /** @description granted | declined, once used */
            answer: string | null;
            revokedAt: string | null;
            revokedBy: string | null;
            revocationReason: string | null;
        };
        ConsentRequestCreated: {
            id: string;
            workflowId: string;
            /** @description one-time link for the customer; shown once */
            url: string;
            expiresAt: string;
        };
        ConsentStatement: {
            version: string;
            text: string;
            /** @description sha256 of the text */
            hash: string;
        };
        CreateConsentRequestRequest: {
            /** @default 14 */
            expiresInDays?: number;
        };
        CreatePartnerRequest: {
            name: string;
            mpnId: string;
            plaId: string;
            plaRegion: string;
            cspRegion: string;
            /** Format: uuid */
            tenantId: string;
            profile?: components["schemas"]["EnrollmentProfile"];
        };
        CreatePrincipalRequest: {
            name: string;
            /** @enum {string} */
            role: "admin" | "manager" | "global_admin" | "provider" | "auditor";
            partnerId?: string;
            providerId?: string;
            /**
             * Format: date-time
             * @description in the future; no token of the principal works after it
             */
            expiresAt?: string;
        };
        CreateProviderRequest: {
            name: string;
            mpnId: string;
            region: string;
        };
        CreateWebhookRequest: {
            /** @description where to POST: https, a public address (http and loopback only when the server allows insecure targets) */
            url: string;
            /** @description the events to hear; see the `webhooks` section for what each carries */
            events: ("workflow.state_changed" | "partnership.requested" | "partnership.invitation_accepted" | "mca.acceptance_requested" | "consent.granted" | "consent.declined" | "consent.revoked" | "transfer.request_needed" | "transfer.submitted" | "transfer.completed" | "transfer.partially_failed" | "enrollment.overdue" | "transition.completed" | "transition.cancelled")[];
            description?: string;
        };
        Customer: {
            name: string;
            /** Format: uuid */
            tenantId: string;
            /** @enum {string} */
            acquiredAs: "direct_bill" | "indirect_reseller";
            /** @enum {string} */
            mcaAcceptance: "none" | "partner_attestation" | "admin_center";
            billTo: {
                companyName: string;
                /** Format: email */
                email: string;
                country: unknown;
                address?: string;
            };
            /** @default [] */
            subscriptions: components["schemas"]["Subscription"][];
            id: string;
            partnerId: string;
            providerNeedsAdmin: boolean;
            createdAt: string;
        };
        CustomerInput: {
            name: string;
            /** Format: uuid */
            tenantId: string;
            /** @enum {string} */
            acquiredAs: "direct_bill" | "indirect_reseller";
            /** @enum {string} */
            mcaAcceptance: "none" | "partner_attestation" | "admin_center";
            billTo: {
                companyName: string;
                /** Format: email */
                email: string;
                country: string;
                address?: string;
            };
            /** @default [] */
            subscriptions?: components["schemas"]["SubscriptionInput"][];
            providerNeedsAdmin?: boolean;
        };
        /** @description the newest workflow of this machine for the customer; null until there is one */
        CustomerWorkflow: {
            id: string;
            state: string;
            /** @enum {string} */
            status: "active" | "done" | "cancelled";
            /** @description the workflow's last change (its `updatedAt`): in this state since then */
            since: string;
        } | null;
        /** @description A Global admin accepts the Microsoft Partner Agreement. Sent by: global_admin. */
        EnrollmentAcceptAgreementEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "ACCEPT_AGREEMENT";
            agreementVersion: string;
        };
        /** @description Microsoft approved the enrollment. Sent by: admin. */
        EnrollmentApproveEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "APPROVE";
        };
        /** @description An indirect reseller enrollment as its machine keeps it. */
        EnrollmentContext: {
            profile: components["schemas"]["EnrollmentProfile"];
            plaRegion: string;
            cspRegion: string;
            /** @enum {string} */
            tenantStrategy: "existing_tenant" | "new_tenant";
            profileConfirmed: boolean;
            directBillRestricted: boolean;
            /** @description Times it was submitted; a rejected enrollment can be revised and submitted again. */
            submissions: number;
            /** @description Microsoft's reason for the latest rejection, kept after a revision. */
            rejectionReason: string | null;
            /** @description The Microsoft Partner Agreement version a Global admin accepted. */
            agreementVersion: string | null;
            /** @description Why the partner withdrew; null when it gave no reason or did not withdraw. */
            withdrawalReason: string | null;
        };
        /** @description An event a client may send to a enrollment workflow. */
        EnrollmentEvent: components["schemas"]["EnrollmentUpdateProfileEvent"] | components["schemas"]["EnrollmentSubmitEvent"] | components["schemas"]["EnrollmentApproveEvent"] | components["schemas"]["EnrollmentRejectEvent"] | components["schemas"]["EnrollmentReviseEvent"] | components["schemas"]["EnrollmentAcceptAgreementEvent"] | components["schemas"]["EnrollmentWithdrawEvent"];
        /** @description The accepted agreement version, or null when the enrollment was withdrawn. */
        EnrollmentOutput: {
            /** @description The Microsoft Partner Agreement version a Global admin accepted. */
            agreementVersion: string | null;
        };
        EnrollmentProfile: {
            maicppMember: boolean;
            plaVerified: boolean;
            mfaEnforced: boolean;
            securityContact: {
                name: string;
                /** Format: email */
                email: string;
            } | null;
            businessEmail: string;
            enrollingUser: {
                name: string;
                /** Format: email */
                email: string;
                globalAdmin: boolean;
                authorityToSign: boolean;
            };
        };
        /** @description Microsoft rejected the enrollment. Sent by: admin. */
        EnrollmentRejectEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "REJECT";
            reason: string;
        };
        /** @description Reopens a rejected enrollment for changes. Sent by: manager, global_admin. */
        EnrollmentReviseEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "REVISE";
        };
        /** @description Submits the enrollment; refused with every unmet requirement. Sent by: global_admin. */
        EnrollmentSubmitEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "SUBMIT";
        };
        /** @description Changes any subset of the enrollment profile. Sent by: manager, global_admin. */
        EnrollmentUpdateProfileEvent: {
            maicppMember?: boolean;
            plaVerified?: boolean;
            mfaEnforced?: boolean;
            securityContact?: {
                name: string;
                /** Format: email */
                email: string;
            } | null;
            businessEmail?: string;
            enrollingUser?: {
                name: string;
                /** Format: email */
                email: string;
                globalAdmin: boolean;
                authorityToSign: boolean;
            };
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "UPDATE_PROFILE";
        };
        /** @description Withdraws the enrollment; the transition is cancelled with it. Sent by: global_admin. */
        EnrollmentWithdrawEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "WITHDRAW";
            reason?: string;
        };
        EnrollmentWorkflow: {
            id: string;
            /** @constant */
            machine: "enrollment";
            machineVersion: number;
            parentId: string | null;
            partnerId: string;
            customerId?: string;
            providerId?: string;
            /** @description deepest contract state, dotted */
            state: string;
            /** @description XState's state value, nested for parallel or compound states */
            stateValue: unknown;
            /** @enum {string} */
            status: "active" | "done" | "cancelled";
            nextEvents: components["schemas"]["NextEvent"][];
            flags: string[];
            /** @description as the ETag and If-Match give it */
            version: number;
            createdAt: string;
            updatedAt: string;
            context: components["schemas"]["EnrollmentContext"];
            /** @description once the workflow is done */
            output?: components["schemas"]["EnrollmentOutput"];
        };
        FieldError: {
            /** @description dotted; empty for the whole body */
            path: string;
            message: string;
        };
        /** @description OpenAPI 3.1 */
        GetOpenApiDocumentResponse: {
            openapi: string;
        } & {
            [key: string]: unknown;
        };
        Health: {
            /** @constant */
            status: "ok";
        };
        HistoryEntry: {
            seq: number;
            type: string;
            payload: {
                [key: string]: unknown;
            };
            actor: {
                id: string;
                name: string;
                role: string;
            };
            requestId: string | null;
            from: string | null;
            to: string;
            /** @enum {string} */
            outcome: "applied" | "rejected";
            reason?: {
                [key: string]: unknown;
            };
            at: string;
            /** @description records outside the history this row vouches for; covered by its hash */
            bindings?: {
                subject?: {
                    partnerId: string;
                    parentId: string | null;
                    customerId: string | null;
                    providerId: string | null;
                };
                consent?: {
                    id: string;
                    sha256: string;
                };
            };
            hash: string;
            prevHash: string;
        };
        HistoryVerdict: {
            valid: boolean;
            checked: number;
            firstBrokenSeq?: number;
            problems: {
                /** @enum {string} */
                kind: "hash" | "continuity" | "snapshot" | "row_fields" | "consent";
                seq?: number;
                detail: string;
            }[];
            /** @description the head hash the workflow records: a valid history ends on it */
            headHash: string;
        };
        ImportCustomersRequest: components["schemas"]["CustomerInput"] | components["schemas"]["CustomerInput"][];
        ImportCustomersResponse: {
            items: components["schemas"]["Customer"][];
        };
        ListConsentRequestsResponse: {
            items: components["schemas"]["ConsentRequest"][];
        };
        ListConsentsResponse: {
            items: components["schemas"]["Consent"][];
        };
        ListCustomersResponse: {
            items: components["schemas"]["Customer"][];
            nextCursor: string | null;
        };
        ListHistoryResponse: {
            items: components["schemas"]["HistoryEntry"][];
            nextCursor: string | null;
        };
        ListMachinesResponse: {
            items: components["schemas"]["Machine"][];
        };
        ListPartnersResponse: {
            items: components["schemas"]["Partner"][];
        };
        ListPrincipalsResponse: {
            items: components["schemas"]["Principal"][];
            nextCursor: string | null;
        };
        ListProvidersResponse: {
            items: components["schemas"]["Provider"][];
        };
        ListTimersResponse: {
            items: components["schemas"]["Timer"][];
            nextCursor: string | null;
        };
        ListWebhookDeliveriesResponse: {
            items: components["schemas"]["WebhookDelivery"][];
            nextCursor: string | null;
        };
        ListWebhooksResponse: {
            items: components["schemas"]["Webhook"][];
            nextCursor: string | null;
        };
        ListWorkflowsResponse: {
            items: components["schemas"]["Workflow"][];
            nextCursor: string | null;
        };
        ListWorkflowTimersResponse: {
            items: components["schemas"]["Timer"][];
        };
        Machine: {
            name: string;
            version: number;
            description: string;
            initial: string | null;
            states: components["schemas"]["MachineState"][];
            events: {
                type: string;
                roles: ("admin" | "manager" | "global_admin" | "provider" | "auditor" | "customer" | "system" | "partner_center")[];
                description: string;
                /** @description JSON Schema of the event */
                schema: {
                    [key: string]: unknown;
                };
            }[];
        };
        MachineState: {
            /** @description dotted path; the root is "" */
            name: string;
            description: string | null;
            final: boolean;
            /** @description the child state entered first, if any */
            initial: string | null;
            transitions: {
                event: string;
                targets: string[];
            }[];
            states: components["schemas"]["MachineState"][];
        };
        /** @description The customer's provider records the acceptance, asked for or not; the partner cannot attest it. Sent by: provider, admin. */
        McaReacceptanceAcceptanceRecordedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "ACCEPTANCE_RECORDED";
            acceptedBy: {
                firstName: string;
                lastName: string;
                /** Format: email */
                email: string;
            };
            /** Format: date */
            dateAgreed: string;
        };
        /** @description The customer was asked to accept the agreement. Sent by: manager, global_admin. */
        McaReacceptanceAcceptanceRequestedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "ACCEPTANCE_REQUESTED";
        };
        /** @description The customer accepted the agreement itself in the Microsoft 365 admin center, on dateAgreed. Sent by: provider, admin. */
        McaReacceptanceAcceptedInAdminCenterEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "ACCEPTED_IN_ADMIN_CENTER";
            /** Format: date */
            dateAgreed: string;
        };
        /** @description One customer's Microsoft Customer Agreement re-acceptance as its machine keeps it. */
        McaReacceptanceContext: {
            customerId: string;
            providerId: string;
            /** @enum {string} */
            mcaAcceptance: "none" | "partner_attestation" | "admin_center";
            /** @description The earlier acceptance was the partner's attestation, which does not carry over. */
            attestationInvalidated: boolean;
            /** @description How, by whom and on which day the agreement was accepted during the move. */
            acceptance: {
                /**
                 * @description Recorded by the provider, or accepted by the customer in the admin center.
                 * @enum {string}
                 */
                channel: "provider" | "admin_center";
                /** @description Who accepted; null for an acceptance in the admin center. */
                acceptedBy: {
                    firstName: string;
                    lastName: string;
                    /** Format: email */
                    email: string;
                } | null;
                /** Format: date */
                dateAgreed: string;
            } | null;
            /** @description Reminders recorded while the acceptance was awaited, one every 7 days. */
            reminders: number;
        };
        /** @description An event a client may send to a mcaReacceptance workflow. */
        McaReacceptanceEvent: components["schemas"]["McaReacceptanceAcceptanceRequestedEvent"] | components["schemas"]["McaReacceptanceAcceptanceRecordedEvent"] | components["schemas"]["McaReacceptanceAcceptedInAdminCenterEvent"];
        /** @description How the customer came to hold a valid agreement. */
        McaReacceptanceOutput: {
            /** @description Accepted in the Microsoft 365 admin center before: nothing had to be done. */
            retained: boolean;
            /** @description The day the customer accepted during the move; null when retained. */
            dateAgreed: string | null;
        };
        McaReacceptanceWorkflow: {
            id: string;
            /** @constant */
            machine: "mcaReacceptance";
            machineVersion: number;
            parentId: string | null;
            partnerId: string;
            customerId?: string;
            providerId?: string;
            /** @description deepest contract state, dotted */
            state: string;
            /** @description XState's state value, nested for parallel or compound states */
            stateValue: unknown;
            /** @enum {string} */
            status: "active" | "done" | "cancelled";
            nextEvents: components["schemas"]["NextEvent"][];
            flags: string[];
            /** @description as the ETag and If-Match give it */
            version: number;
            createdAt: string;
            updatedAt: string;
            context: components["schemas"]["McaReacceptanceContext"];
            /** @description once the workflow is done */
            output?: components["schemas"]["McaReacceptanceOutput"];
        };
        NextEvent: {
            type: string;
            /** @description who may send it now */
            roles: string[];
        };
        Partner: {
            id: string;
            name: string;
            mpnId: string;
            plaId: string;
            plaRegion: string;
            cspRegion: string;
            tenantId: string;
            profile: components["schemas"]["EnrollmentProfile"];
            createdAt: string;
            updatedAt: string;
        };
        PartnerCenterConnection: {
            owner: {
                /** @enum {string} */
                kind: "partner" | "provider";
                id: string;
            };
            tenantId: string;
            clientId: string;
            /**
             * @description credentials are registered; they are never shown
             * @constant
             */
            connected: true;
            /** Format: date-time */
            updatedAt: string;
            /** @description the principal that registered them */
            updatedBy: {
                id: string;
                name: string;
                role: string;
            };
        };
        PartnerCenterCredentials: {
            /**
             * Format: uuid
             * @description the Entra tenant of the partner or provider (its directory id)
             */
            tenantId: string;
            /**
             * Format: uuid
             * @description the application (client) id of the Entra app registered for Partner Center
             */
            clientId: string;
            /** @description the app's client secret; stored sealed, never shown again */
            clientSecret: string;
            /** @description a refresh token from an App+User sign-in; stored sealed, never shown again */
            refreshToken: string;
        };
        /** @description One event of a customer's workflows, and who brings it about. */
        PartnerCenterStep: {
            /** @enum {string} */
            machine: "resellerRelationship" | "mcaReacceptance" | "subscriptionTransfer";
            event: string;
            description: string;
            /** @description Partner Center carries it out or reports it: nobody needs to send it */
            automated: boolean;
            /**
             * @description `call`: Tiershift calls Partner Center and records its answer; `report`: Partner Center reports it when it happens; `hand`: someone sends it
             * @enum {string}
             */
            how: "call" | "report" | "hand";
            /** @description sent by hand, and then written to Partner Center as well */
            alsoRecordedInPartnerCenter: boolean;
        };
        PartnerCenterWebhook: {
            EventName: string;
            ResourceUri: string;
            ResourceName?: string;
            AuditUri?: string | null;
            ResourceChangeUtcDate?: string;
        };
        PastVersionWorkflow: {
            id: string;
            machine: string;
            machineVersion: number;
            parentId: string | null;
            partnerId: string;
            customerId?: string;
            providerId?: string;
            /** @description deepest contract state, dotted */
            state: string;
            /** @description XState's state value, nested for parallel or compound states */
            stateValue: unknown;
            /** @enum {string} */
            status: "active" | "done" | "cancelled";
            nextEvents: components["schemas"]["NextEvent"][];
            flags: string[];
            /** @description as the ETag and If-Match give it */
            version: number;
            createdAt: string;
            updatedAt: string;
            /** @description as `machineVersion` of the machine kept it; bill-to withheld as everywhere */
            context: {
                [key: string]: unknown;
            };
            /** @description once the workflow is done */
            output?: unknown;
        };
        Preflight: {
            transitionId: string;
            partnerId: string;
            /** @description the transition's state when the report was made */
            state: string;
            /** @description the provider chosen, once there is one */
            providerId: string | null;
            /**
             * Format: date
             * @description the UTC date days are counted from (`term_ending_soon`)
             */
            asOf: string;
            /** @description where the customers must be billed to move */
            region: {
                /** @description ISO 3166-1 alpha-2 */
                code: string;
                /**
                 * @description the chosen provider's region, or before one is chosen the partner's CSP region
                 * @enum {string}
                 */
                source: "provider" | "partner";
            };
            /** @description about the partner: whether it can be the partner of record on the transfers */
            partnerFindings: components["schemas"]["PreflightFinding"][];
            /** @description every direct-bill customer still to move (neither moved nor excluded), in import order, with its findings (possibly none) */
            customers: {
                customerId: string;
                name: string;
                tenantId: string;
                findings: components["schemas"]["PreflightFinding"][];
            }[];
            totals: {
                /** @description customers still to move */
                customers: number;
                /** @description of them, those with at least one blocker of their own */
                customersBlocked: number;
                /** @description every finding, the partner’s included */
                bySeverity: {
                    blocker: number;
                    action: number;
                    info: number;
                };
                /** @description every code, 0 when not found */
                byCode: {
                    partner_of_record_not_ready: number;
                    customer_region_mismatch: number;
                    legacy_azure_blocks_transfer: number;
                    legacy_subscription_requires_migration: number;
                    subscription_not_active: number;
                    marketplace_not_transferable: number;
                    addon_without_base: number;
                    mca_acceptance_required: number;
                    gdap_required: number;
                    term_ending_soon: number;
                    azure_reservation_transfers: number;
                    azure_savings_plan_transfers: number;
                    software_transfers: number;
                    marketplace_saas_transfers: number;
                    partner_of_record_ready: number;
                };
            };
        };
        PreflightFinding: {
            /**
             * @description What was found. Severity of each: `partner_of_record_not_ready` blocker, `customer_region_mismatch` blocker, `legacy_azure_blocks_transfer` blocker, `legacy_subscription_requires_migration` blocker, `subscription_not_active` blocker, `marketplace_not_transferable` blocker, `addon_without_base` blocker, `mca_acceptance_required` action, `gdap_required` action, `term_ending_soon` info, `azure_reservation_transfers` info, `azure_savings_plan_transfers` info, `software_transfers` info, `marketplace_saas_transfers` info, `partner_of_record_ready` info.
             * @enum {string}
             */
            code: "partner_of_record_not_ready" | "customer_region_mismatch" | "legacy_azure_blocks_transfer" | "legacy_subscription_requires_migration" | "subscription_not_active" | "marketplace_not_transferable" | "addon_without_base" | "mca_acceptance_required" | "gdap_required" | "term_ending_soon" | "azure_reservation_transfers" | "azure_savings_plan_transfers" | "software_transfers" | "marketplace_saas_transfers" | "partner_of_record_ready";
            /**
             * @description `blocker`: as the data stands a transfer would be refused; `action`: a step someone must take by hand; `info`: nothing to do.
             * @enum {string}
             */
            severity: "blocker" | "action" | "info";
            /** @description the subscription it is about (its new id once migrated); absent for the customer */
            subscriptionId?: string;
            /** @description what is wrong and what to do, in plain words */
            detail: string;
        };
        Principal: {
            id: string;
            name: string;
            role: string;
            partnerId: string | null;
            providerId: string | null;
            expiresAt: string | null;
            /** @enum {string} */
            status: "active" | "revoked" | "expired";
            createdAt: string;
            revokedAt: string | null;
            revokedBy: string | null;
            revocationReason: string | null;
            /** @description while a rotation overlaps: when the tokens it replaced stop working */
            overlapEndsAt: string | null;
        };
        PrincipalCreated: {
            id: string;
            name: string;
            role: string;
            partnerId: string | null;
            providerId: string | null;
            expiresAt: string | null;
            /** @description shown once; only its hash is stored */
            token: string;
        };
        PrincipalRotated: {
            id: string;
            name: string;
            role: string;
            partnerId: string | null;
            providerId: string | null;
            expiresAt: string | null;
            /** @description shown once; only its hash is stored */
            token: string;
            /** @description when the tokens the new one replaces stop working; null when they already did */
            overlapEndsAt: string | null;
        };
        /** @description An RFC 9457 problem. Other fields a rule names (such as the ids it refused) may be present. */
        Problem: {
            /** @description a URI naming the problem, ending in its code */
            type: string;
            title: string;
            status: number;
            /** @description what went wrong, in words for a person */
            detail: string;
            /** @description what went wrong, for a program: see each status */
            code: string;
            /** @description `validation_failed`: every field refused, and why */
            errors?: components["schemas"]["FieldError"][];
            /** @description a domain rule refused it: the code of every unmet rule */
            reasons?: string[];
            /** @description `event_not_allowed`: what the workflow takes now, and from whom */
            nextEvents?: components["schemas"]["NextEvent"][];
            /** @description `version_conflict`: the version to send in `If-Match` after a fresh read */
            currentVersion?: number;
            /** @description `transition_exists`: the open transition */
            workflowId?: string;
        } & {
            [key: string]: unknown;
        };
        Provider: {
            id: string;
            name: string;
            mpnId: string;
            region: string;
            createdAt: string;
        };
        Readiness: {
            ready: boolean;
            /** @enum {string} */
            database: "ok" | "unavailable" | "not checked";
            /**
             * @description the process is shutting down
             * @constant
             */
            draining?: true;
        };
        ReceivePartnerCenterWebhookResponse: {
            /** @constant */
            received: true;
        };
        /** @description Confirms sharing the customer's bill-to information with the provider (an Admin agent may, as in Partner Center). Sent by: manager, global_admin. */
        ResellerRelationshipBillToSharingConfirmedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "BILL_TO_SHARING_CONFIRMED";
        };
        /** @description The customer declined. Sent by: manager, global_admin, customer. */
        ResellerRelationshipConsentDeclinedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "CONSENT_DECLINED";
            reason: string;
        };
        /** @description The customer consented: who, how, and to which statement version. Sent by: manager, global_admin, customer. */
        ResellerRelationshipConsentGrantedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "CONSENT_GRANTED";
            grantedBy: {
                name: string;
                /** Format: email */
                email: string;
            };
            /** @enum {string} */
            method: "customer_link" | "signed_form" | "recorded_call" | "email";
            statementVersion: string;
            evidenceRef?: string;
        };
        /** @description The customer took its consent back before the relationship was established. Sent by: manager, global_admin, customer. */
        ResellerRelationshipConsentRevokedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "CONSENT_REVOKED";
            reason: string;
        };
        ResellerRelationshipContext: {
            customerId: string;
            providerId: string;
            providerNeedsAdmin: boolean;
            /** @description left out for a provider until the bill-to sharing is confirmed */
            billTo?: {
                [key: string]: unknown;
            };
            /** @description How the relationship is made; null until chosen. */
            method: ("extension" | "invitation") | null;
            /** @description The customer's standing consent; null before it is given and after a revocation. */
            consent: {
                grantedBy: {
                    name: string;
                    /** Format: email */
                    email: string;
                };
                /** @enum {string} */
                method: "customer_link" | "signed_form" | "recorded_call" | "email";
                statementVersion: string;
                evidenceRef?: string;
            } | null;
            /** @description The customer's bill-to information was shared with the provider. */
            billToShared: boolean;
            declineReason: string | null;
            /** @description Times the customer took its consent back. */
            revocations: number;
            /** @description The newest GDAP relationship asked for; null before the first request. */
            gdap: {
                /**
                 * @description Where the GDAP relationship stands; only active grants admin rights.
                 * @enum {string}
                 */
                status: "requested" | "approved" | "active" | "expired" | "terminated";
                /** @description The Microsoft Entra roles asked for, by name or role definition id. */
                roles: string[];
                durationDays: number;
                /** @description Why it was terminated, when it was said. */
                endReason: string | null;
            } | null;
        };
        /** @description An event a client may send to a resellerRelationship workflow. */
        ResellerRelationshipEvent: components["schemas"]["ResellerRelationshipUseExtensionEvent"] | components["schemas"]["ResellerRelationshipUseInvitationEvent"] | components["schemas"]["ResellerRelationshipConsentGrantedEvent"] | components["schemas"]["ResellerRelationshipConsentDeclinedEvent"] | components["schemas"]["ResellerRelationshipBillToSharingConfirmedEvent"] | components["schemas"]["ResellerRelationshipConsentRevokedEvent"] | components["schemas"]["ResellerRelationshipRelationshipAcceptedEvent"] | components["schemas"]["ResellerRelationshipInvitationAcceptedEvent"] | components["schemas"]["ResellerRelationshipGdapRequestedEvent"] | components["schemas"]["ResellerRelationshipGdapApprovedEvent"] | components["schemas"]["ResellerRelationshipGdapActivatedEvent"] | components["schemas"]["ResellerRelationshipGdapExpiredEvent"] | components["schemas"]["ResellerRelationshipGdapTerminatedEvent"];
        /** @description The GDAP relationship is active: the provider holds the admin rights it asked for. Sent by: provider, admin. */
        ResellerRelationshipGdapActivatedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "GDAP_ACTIVATED";
        };
        /** @description A Global admin of the customer approved the GDAP relationship. Sent by: provider, manager, global_admin, admin. */
        ResellerRelationshipGdapApprovedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "GDAP_APPROVED";
        };
        /** @description The GDAP request lapsed before it became active; a new one is needed. Sent by: provider, admin. */
        ResellerRelationshipGdapExpiredEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "GDAP_EXPIRED";
        };
        /** @description The provider asked the customer for a GDAP relationship: the roles, for how long. Sent by: provider, admin. */
        ResellerRelationshipGdapRequestedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "GDAP_REQUESTED";
            /** @description The Microsoft Entra roles asked for, by name or role definition id. */
            roles: string[];
            durationDays: number;
        };
        /** @description The GDAP relationship was ended before it became active; a new one is needed. Sent by: provider, admin. */
        ResellerRelationshipGdapTerminatedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "GDAP_TERMINATED";
            reason?: string;
        };
        /** @description The customer accepted the indirect reseller invitation; a provider that needs admin rights must then have GDAP. Sent by: manager, global_admin, customer. */
        ResellerRelationshipInvitationAcceptedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "INVITATION_ACCEPTED";
        };
        /** @description The method the relationship was made with, and what it gives the provider. */
        ResellerRelationshipOutput: {
            method: ("extension" | "invitation") | null;
            /** @description The provider holds admin rights in the tenant: its GDAP relationship is active. */
            adminPrivileges: boolean;
        };
        /** @description The customer accepted the relationship. Sent by: manager, global_admin, customer. */
        ResellerRelationshipRelationshipAcceptedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "RELATIONSHIP_ACCEPTED";
        };
        /** @description Chooses the reseller relationship extension (no admin rights for the provider). Sent by: manager, global_admin. */
        ResellerRelationshipUseExtensionEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "USE_EXTENSION";
        };
        /** @description Chooses the indirect reseller invitation; a provider that needs admin rights then asks for GDAP. Sent by: manager, global_admin. */
        ResellerRelationshipUseInvitationEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "USE_INVITATION";
        };
        ResellerRelationshipWorkflow: {
            id: string;
            /** @constant */
            machine: "resellerRelationship";
            machineVersion: number;
            parentId: string | null;
            partnerId: string;
            customerId?: string;
            providerId?: string;
            /** @description deepest contract state, dotted */
            state: string;
            /** @description XState's state value, nested for parallel or compound states */
            stateValue: unknown;
            /** @enum {string} */
            status: "active" | "done" | "cancelled";
            nextEvents: components["schemas"]["NextEvent"][];
            flags: string[];
            /** @description as the ETag and If-Match give it */
            version: number;
            createdAt: string;
            updatedAt: string;
            context: components["schemas"]["ResellerRelationshipContext"];
            /** @description once the workflow is done */
            output?: components["schemas"]["ResellerRelationshipOutput"];
        };
        RevokeConsentRequestRequest: {
            /** @default revoked by the partner */
            reason?: string;
        };
        RevokePrincipalRequest: {
            reason?: string;
        };
        RotatePrincipalRequest: {
            /** @default 86400 */
            overlapSeconds?: number;
        };
        RotateWebhookSecretRequest: {
            /**
             * @description how long the old secret keeps signing beside the new one; a day if not given
             * @default 86400
             */
            overlapSeconds?: number;
        };
        StartTransitionRequest: {
            partnerId: string;
            /** @enum {string} */
            tenantStrategy: "existing_tenant" | "new_tenant";
            /** Format: date */
            migrationDeadline?: string;
        };
        Subscription: {
            id: string;
            offer: string;
            /** @enum {string} */
            kind: "nce_license" | "azure_plan" | "azure_reservation" | "azure_savings_plan" | "software" | "marketplace_saas" | "legacy_license" | "legacy_azure";
            quantity: number;
            baseSubscriptionId?: string;
            /**
             * @description Only an active subscription can transfer; a trial cannot.
             * @default active
             * @enum {string}
             */
            status: "active" | "suspended" | "expired" | "trial";
            /**
             * Format: date
             * @description The day the current term ends (YYYY-MM-DD); a transfer keeps it.
             */
            termEndDate?: string;
            /**
             * @description How the subscription is billed; a transfer keeps it.
             * @enum {string}
             */
            billingCycle?: "monthly" | "annual" | "triennial" | "one_time" | "none";
            /**
             * @description For a marketplace_saas item: its publisher allows a transfer. Without it the customer cancels it and buys it again through the provider.
             * @default false
             */
            transferEligible: boolean;
        };
        SubscriptionInput: {
            id: string;
            offer: string;
            /** @enum {string} */
            kind: "nce_license" | "azure_plan" | "azure_reservation" | "azure_savings_plan" | "software" | "marketplace_saas" | "legacy_license" | "legacy_azure";
            quantity: number;
            baseSubscriptionId?: string;
            /**
             * @description Only an active subscription can transfer; a trial cannot.
             * @default active
             * @enum {string}
             */
            status?: "active" | "suspended" | "expired" | "trial";
            /**
             * Format: date
             * @description The day the current term ends (YYYY-MM-DD); a transfer keeps it.
             */
            termEndDate?: string;
            /**
             * @description How the subscription is billed; a transfer keeps it.
             * @enum {string}
             */
            billingCycle?: "monthly" | "annual" | "triennial" | "one_time" | "none";
            /**
             * @description For a marketplace_saas item: its publisher allows a transfer. Without it the customer cancels it and buys it again through the provider.
             * @default false
             */
            transferEligible?: boolean;
        };
        /** @description Calls the transfer off; the provider may do so only before the submission. Sent by: provider, manager, global_admin. */
        SubscriptionTransferCancelEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "CANCEL";
            reason: string;
        };
        /** @description One customer's subscription transfer as its machine keeps it. */
        SubscriptionTransferContext: {
            customerId: string;
            providerId: string;
            partnerTenantId: string;
            mcaConfirmed: boolean;
            /** @description The customer's subscriptions; a migrated legacy one shows its new id and kind. */
            subscriptions: {
                id: string;
                /** @enum {string} */
                kind: "nce_license" | "azure_plan" | "azure_reservation" | "azure_savings_plan" | "software" | "marketplace_saas" | "legacy_license" | "legacy_azure";
                /** @description The base subscription an add-on belongs to and travels with; null for a base. */
                baseSubscriptionId: string | null;
                /** @enum {string} */
                status: "active" | "suspended" | "expired" | "trial";
                /** @description The day the term ends; the transfer keeps it. Null when unknown or termless. */
                termEndDate: string | null;
                /** @description How it is billed; the transfer keeps it. Null when unknown. */
                billingCycle: ("monthly" | "annual" | "triennial" | "one_time" | "none") | null;
                /** @description For a marketplace item: its publisher allows the transfer. */
                transferEligible: boolean;
            }[];
            /** @description Subscriptions settled for the transfer, add-ons included; empty until then. */
            confirmedIds: string[];
            /** @description The open transfer request; null before it is created, after it expires, and after a retry until the new one is created. */
            request: {
                /** Format: email */
                customerEmail: string;
                /** Format: uuid */
                sourcePartnerTenantId: string;
                /** @description The PartnerID the request names; null on a request made before it was kept. */
                partnerOnRecord: string | null;
                /** @description When Partner Center lets the request lapse; null when it did not say. */
                expiresAt: string | null;
                /** @description The source partner was told of the request. */
                sourceNotified: boolean;
            } | null;
            /** @description Each submitted subscription, by its id, with where its transfer stands. */
            results: {
                [key: string]: {
                    /** @constant */
                    status: "pending";
                } | {
                    /** @constant */
                    status: "transferred";
                    newSubscriptionId: string;
                } | {
                    /** @constant */
                    status: "failed";
                    reason: string;
                };
            };
            /** @description Transfer requests that expired without a submission. */
            expiredRequests: number;
            cancelReason: string | null;
        };
        /** @description Step 1 done. Sent by: manager, global_admin. */
        SubscriptionTransferCustomerAgreedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "CUSTOMER_AGREED";
        };
        /** @description The subscriptions to move are settled; add-ons follow their base. Refused for an add-on without its base, a legacy, inactive or non-transferable marketplace subscription, and for a customer who still has legacy Azure. Sent by: provider, manager, global_admin. */
        SubscriptionTransferDetailsConfirmedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "DETAILS_CONFIRMED";
            subscriptionIds: string[];
        };
        /** @description An event a client may send to a subscriptionTransfer workflow. */
        SubscriptionTransferEvent: components["schemas"]["SubscriptionTransferCustomerAgreedEvent"] | components["schemas"]["SubscriptionTransferSubscriptionMigratedEvent"] | components["schemas"]["SubscriptionTransferDetailsConfirmedEvent"] | components["schemas"]["SubscriptionTransferTransferRequestCreatedEvent"] | components["schemas"]["SubscriptionTransferTransferSubmittedEvent"] | components["schemas"]["SubscriptionTransferSubscriptionTransferredEvent"] | components["schemas"]["SubscriptionTransferSubscriptionTransferFailedEvent"] | components["schemas"]["SubscriptionTransferRetryEvent"] | components["schemas"]["SubscriptionTransferCancelEvent"];
        /** @description What the transfer moved; a cancelled transfer may have moved none. */
        SubscriptionTransferOutput: {
            /** @description Subscriptions now on the provider's billing. */
            transferred: number;
            /** @description The new subscription id of each transferred one, by its old id. */
            newSubscriptionIds: {
                [key: string]: string;
            };
        };
        /** @description Tries the failed subscriptions again, through a new transfer request the provider creates. Sent by: manager, global_admin. */
        SubscriptionTransferRetryEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "RETRY";
            subscriptionIds: string[];
        };
        /** @description A legacy subscription was migrated to new commerce, maybe under a new id. Sent by: manager, global_admin. */
        SubscriptionTransferSubscriptionMigratedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "SUBSCRIPTION_MIGRATED";
            subscriptionId: string;
            newSubscriptionId?: string;
        };
        /** @description A subscription failed to transfer. Sent by: provider, admin. */
        SubscriptionTransferSubscriptionTransferFailedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "SUBSCRIPTION_TRANSFER_FAILED";
            subscriptionId: string;
            reason: string;
        };
        /** @description A subscription now lives on the provider's billing. Sent by: provider, admin. */
        SubscriptionTransferSubscriptionTransferredEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "SUBSCRIPTION_TRANSFERRED";
            subscriptionId: string;
            newSubscriptionId: string;
        };
        /** @description The provider created the transfer request, naming the partner of record; the source partner is notified. Sent by: provider. */
        SubscriptionTransferTransferRequestCreatedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "TRANSFER_REQUEST_CREATED";
            /** Format: email */
            customerEmail: string;
            /** Format: uuid */
            sourcePartnerTenantId: string;
            /** @description The indirect reseller's PartnerID the request names: the transitioning partner's. */
            partnerOnRecord: string;
            /**
             * Format: date-time
             * @description Partner Center's expirationTime of the request; 30 days from now when unknown.
             */
            expiresAt?: string;
        };
        /** @description The source partner submitted the subscriptions. Sent by: manager, global_admin. */
        SubscriptionTransferTransferSubmittedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "TRANSFER_SUBMITTED";
            subscriptionIds: string[];
        };
        SubscriptionTransferWorkflow: {
            id: string;
            /** @constant */
            machine: "subscriptionTransfer";
            machineVersion: number;
            parentId: string | null;
            partnerId: string;
            customerId?: string;
            providerId?: string;
            /** @description deepest contract state, dotted */
            state: string;
            /** @description XState's state value, nested for parallel or compound states */
            stateValue: unknown;
            /** @enum {string} */
            status: "active" | "done" | "cancelled";
            nextEvents: components["schemas"]["NextEvent"][];
            flags: string[];
            /** @description as the ETag and If-Match give it */
            version: number;
            createdAt: string;
            updatedAt: string;
            context: components["schemas"]["SubscriptionTransferContext"];
            /** @description once the workflow is done */
            output?: components["schemas"]["SubscriptionTransferOutput"];
        };
        Timer: {
            id: string;
            workflowId: string;
            key: string;
            eventType: string;
            /** @enum {string} */
            status: "pending" | "failed";
            dueAt: string;
            /** @description failed attempts to fire it */
            attempts: number;
            /** @description why the last attempt failed */
            lastError: string | null;
            /** @description when a failed timer is tried again */
            nextAttemptAt: string | null;
            /** @description when it was given up */
            failedAt: string | null;
            createdAt: string;
        };
        /** @description Stops the move; open children are cancelled with it. Sent by: global_admin. */
        TransitionCancelEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "CANCEL";
            reason: string;
        };
        /** @description The partner profile and PartnerID are confirmed current. Sent by: manager, global_admin. */
        TransitionConfirmProfileEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "CONFIRM_PROFILE";
        };
        /** @description A partner's move as the transition machine keeps it. */
        TransitionContext: {
            /** @enum {string} */
            tenantStrategy: "existing_tenant" | "new_tenant";
            migrationDeadline: string | null;
            /** @description The partner confirmed its profile and PartnerID are current. */
            profileConfirmed: boolean;
            /** @description Support requests opened to restrict the direct-bill enrollment, oldest first. */
            supportTicketIds: string[];
            /** @description The direct-bill enrollment is Restricted (existing-tenant path). */
            directBillRestricted: boolean;
            /** @description The tenant registered for the indirect business; null until then, or when the existing tenant is kept. */
            newTenantId: string | null;
            /** @description The enrollment workflow, once it is active. */
            enrollmentId: string | null;
            /** @description Every provider asked for a partnership, by provider id, with where it stands. */
            partnerships: {
                [key: string]: "requested" | "invited" | "declined" | "accepted";
            };
            /** @description The provider whose invitation was accepted: it serves the customers. */
            providerId: string | null;
            /** @description The customers to move have their workflows; until then none can settle the move. */
            customersPlanned: boolean;
            /** @description Direct-bill customers planned for the move so far. */
            customersTotal: number;
            /** @description Customers whose subscriptions were transferred. */
            customersMoved: number;
            /** @description Customers left out of the move. */
            customersExcluded: number;
            /** @description Subscriptions now on the provider's billing. */
            subscriptionsTransferred: number;
            incentivesInvitationReceived: boolean;
            /** @description Thirty days went by in partnering without the incentives invitation. */
            incentivesInvitationOverdue: boolean;
            /** @description The migration deadline's day ended while the move was still open. */
            migrationOverdue: boolean;
            /** @description Why the move was stopped, by a person or by a withdrawn enrollment. */
            cancelReason: string | null;
        };
        TransitionCustomer: {
            customerId: string;
            name: string;
            tenantId: string;
            /** @enum {string} */
            outcome: "moved" | "excluded" | "none";
            workflows: {
                resellerRelationship: components["schemas"]["CustomerWorkflow"];
                mcaReacceptance: components["schemas"]["CustomerWorkflow"];
                subscriptionTransfer: components["schemas"]["CustomerWorkflow"];
            };
        };
        TransitionCustomerPage: {
            items: components["schemas"]["TransitionCustomer"][];
            nextCursor: string | null;
            /** @description how many customers match the filters, on every page */
            total: number;
        };
        /** @description The direct-bill enrollment is Restricted. Sent by: manager, global_admin, admin. */
        TransitionDirectBillRestrictedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "DIRECT_BILL_RESTRICTED";
        };
        /** @description An event a client may send to a transition workflow. */
        TransitionEvent: components["schemas"]["TransitionConfirmProfileEvent"] | components["schemas"]["TransitionRestrictionRequestedEvent"] | components["schemas"]["TransitionDirectBillRestrictedEvent"] | components["schemas"]["TransitionNewTenantRegisteredEvent"] | components["schemas"]["TransitionPartnershipRequestedEvent"] | components["schemas"]["TransitionProviderInvitationSentEvent"] | components["schemas"]["TransitionProviderDeclinedEvent"] | components["schemas"]["TransitionProviderInvitationAcceptedEvent"] | components["schemas"]["TransitionExcludeCustomerEvent"] | components["schemas"]["TransitionReplanCustomerEvent"] | components["schemas"]["TransitionIncentivesInvitationReceivedEvent"] | components["schemas"]["TransitionCancelEvent"];
        /** @description Leaves a customer out of the move, with a reason; its open workflows are cancelled. Sent by: manager, global_admin. */
        TransitionExcludeCustomerEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "EXCLUDE_CUSTOMER";
            customerId: string;
            reason: string;
        };
        /** @description The invitation to the indirect reseller incentives arrived. Sent by: manager, global_admin. */
        TransitionIncentivesInvitationReceivedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "INCENTIVES_INVITATION_RECEIVED";
        };
        /** @description A new tenant was registered for the indirect business. Sent by: global_admin. */
        TransitionNewTenantRegisteredEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "NEW_TENANT_REGISTERED";
            /** Format: uuid */
            tenantId: string;
        };
        /** @description The counts a finished move ends with. */
        TransitionOutput: {
            /** @description Customers whose subscriptions were transferred. */
            customersMoved: number;
            /** @description Customers left out of the move. */
            customersExcluded: number;
            /** @description Subscriptions now on the provider's billing. */
            subscriptionsTransferred: number;
            /**
             * @description Sandbox and Partner Center API access ended with the move.
             * @constant
             */
            apiAccessRevoked: true;
        };
        /** @description Which of a transition's customer steps Partner Center takes, and which people do. */
        TransitionPartnerCenter: {
            /**
             * @description `connected` once the partner and the chosen provider are both connected
             * @enum {string}
             */
            mode: "connected" | "by_hand";
            partner: {
                connected: boolean;
            };
            /** @description the chosen provider; null before one accepted */
            provider: {
                id: string;
                connected: boolean;
            } | null;
            steps: components["schemas"]["PartnerCenterStep"][];
        };
        /** @description The partner asks a provider of its CSP region for a partnership; the provider then sees the transition. Sent by: manager, global_admin. */
        TransitionPartnershipRequestedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "PARTNERSHIP_REQUESTED";
            providerId: string;
        };
        /** @description The provider declined the partnership. Sent by: provider. */
        TransitionProviderDeclinedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "PROVIDER_DECLINED";
            providerId: string;
            reason?: string;
        };
        /** @description A Global admin accepted the provider's invitation; that provider serves the customers. Sent by: global_admin. */
        TransitionProviderInvitationAcceptedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "PROVIDER_INVITATION_ACCEPTED";
            providerId: string;
        };
        /** @description The provider sent its invitation. Sent by: provider. */
        TransitionProviderInvitationSentEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "PROVIDER_INVITATION_SENT";
            providerId: string;
        };
        /** @description Replaces a declined relationship or a cancelled transfer with a fresh one; refused for a customer outside the provider's region. Sent by: manager, global_admin. */
        TransitionReplanCustomerEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "REPLAN_CUSTOMER";
            customerId: string;
        };
        /** @description A support request to restrict the direct-bill enrollment was opened. Sent by: manager, global_admin. */
        TransitionRestrictionRequestedEvent: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "RESTRICTION_REQUESTED";
            supportTicketId: string;
        };
        /** @description A transition's progress at a glance. */
        TransitionSummary: {
            id: string;
            partnerId: string;
            partnerName: string;
            /** @description deepest contract state, dotted */
            state: string;
            /** @enum {string} */
            status: "active" | "done" | "cancelled";
            /** @description the transition's flags now, plus `enrollmentOverdue` while its enrollment is in `pendingApproval.overdue` */
            flags: string[];
            /** @description null for a row stored by a machine version this server does not run */
            customers: {
                /** @description direct-bill customers planned for the move */
                total: number;
                moved: number;
                excluded: number;
                /** @description total − moved − excluded */
                inProgress: number;
            } | null;
            /** @description subscription-transfer children in state `completed` */
            transfersCompleted: number;
            /** @description the newest enrollment child, once there is one */
            enrollment: {
                id: string;
                state: string;
                /** @enum {string} */
                status: "active" | "done" | "cancelled";
            } | null;
            /** @description the provider whose invitation was accepted */
            providerId: string | null;
            /** @description every provider asked for a partnership, with where it stands */
            partnerships: {
                providerId: string;
                /** @enum {string} */
                status: "requested" | "invited" | "declined" | "accepted";
            }[];
            migrationDeadline: string | null;
            /** @description the newest change of the transition or of any child */
            lastActivity: string;
            createdAt: string;
        };
        TransitionSummaryPage: {
            items: components["schemas"]["TransitionSummary"][];
            nextCursor: string | null;
        };
        TransitionWorkflow: {
            id: string;
            /** @constant */
            machine: "transition";
            machineVersion: number;
            parentId: string | null;
            partnerId: string;
            customerId?: string;
            providerId?: string;
            /** @description deepest contract state, dotted */
            state: string;
            /** @description XState's state value, nested for parallel or compound states */
            stateValue: unknown;
            /** @enum {string} */
            status: "active" | "done" | "cancelled";
            nextEvents: components["schemas"]["NextEvent"][];
            flags: string[];
            /** @description as the ETag and If-Match give it */
            version: number;
            createdAt: string;
            updatedAt: string;
            context: components["schemas"]["TransitionContext"];
            /** @description once the workflow is done */
            output?: components["schemas"]["TransitionOutput"];
        };
        UnsupportedWorkflow: {
            id: string;
            machine: string;
            machineVersion: number;
            parentId: string | null;
            partnerId: string;
            customerId?: string;
            providerId?: string;
            /** @description deepest contract state, dotted */
            state: string;
            stateValue: null;
            /** @enum {string} */
            status: "active" | "done" | "cancelled";
            nextEvents: components["schemas"]["NextEvent"][];
            /** @description holds `machine_version_unsupported` */
            flags: string[];
            /** @description as the ETag and If-Match give it */
            version: number;
            createdAt: string;
            updatedAt: string;
            context: null;
        };
        UpdatePartnerRequest: {
            name?: string;
            mpnId?: string;
            plaId?: string;
            plaRegion?: string;
            cspRegion?: string;
            /** Format: uuid */
            tenantId?: string;
            profile?: components["schemas"]["EnrollmentProfile"];
        };
        UpdateWebhookRequest: {
            /** @description where to POST: https, a public address (http and loopback only when the server allows insecure targets) */
            url?: string;
            /** @description the events to hear; see the `webhooks` section for what each carries */
            events?: ("workflow.state_changed" | "partnership.requested" | "partnership.invitation_accepted" | "mca.acceptance_requested" | "consent.granted" | "consent.declined" | "consent.revoked" | "transfer.request_needed" | "transfer.submitted" | "transfer.completed" | "transfer.partially_failed" | "enrollment.overdue" | "transition.completed" | "transition.cancelled")[];
            description?: string | null;
            /** @description false disables it; true enables it again and clears why it was disabled */
            enabled?: boolean;
        };
        VerifyAuditDigestResponse: {
            valid: boolean;
            checked: number;
            digestIntact: boolean;
            diverged: {
                id: string;
                /** @enum {string} */
                reason: "workflow_missing" | "history_shorter" | "head_hash_differs" | "chain_broken" | "row_fields_differ";
            }[];
        };
        Webhook: {
            id: string;
            url: string;
            events: ("workflow.state_changed" | "partnership.requested" | "partnership.invitation_accepted" | "mca.acceptance_requested" | "consent.granted" | "consent.declined" | "consent.revoked" | "transfer.request_needed" | "transfer.submitted" | "transfer.completed" | "transfer.partially_failed" | "enrollment.overdue" | "transition.completed" | "transition.cancelled")[];
            description: string | null;
            /** @enum {string} */
            status: "active" | "disabled";
            /** @description why it was disabled, by its owner or by failures */
            disabledReason: string | null;
            disabledAt: string | null;
            /**
             * @description whose workflows it hears: every one, its partner's, or what its provider may see
             * @enum {string}
             */
            scope: "admin" | "partner" | "provider";
            partnerId: string | null;
            providerId: string | null;
            /** @description messages given up in a row since the last delivered */
            failedMessages: number;
            /** @description while set and in the future, the previous secret signs too */
            previousSecretExpiresAt: string | null;
            createdAt: string;
            updatedAt: string;
        };
        WebhookCreated: {
            id: string;
            url: string;
            events: ("workflow.state_changed" | "partnership.requested" | "partnership.invitation_accepted" | "mca.acceptance_requested" | "consent.granted" | "consent.declined" | "consent.revoked" | "transfer.request_needed" | "transfer.submitted" | "transfer.completed" | "transfer.partially_failed" | "enrollment.overdue" | "transition.completed" | "transition.cancelled")[];
            description: string | null;
            /** @enum {string} */
            status: "active" | "disabled";
            /** @description why it was disabled, by its owner or by failures */
            disabledReason: string | null;
            disabledAt: string | null;
            /**
             * @description whose workflows it hears: every one, its partner's, or what its provider may see
             * @enum {string}
             */
            scope: "admin" | "partner" | "provider";
            partnerId: string | null;
            providerId: string | null;
            /** @description messages given up in a row since the last delivered */
            failedMessages: number;
            /** @description while set and in the future, the previous secret signs too */
            previousSecretExpiresAt: string | null;
            createdAt: string;
            updatedAt: string;
            /** @description `whsec_…`, shown once: verify signatures with it */
            secret: string;
        };
        WebhookDelivery: {
            id: string;
            /** @description the `webhook-id` header: the same on every attempt */
            eventId: string;
            /** @enum {string} */
            eventType: "workflow.state_changed" | "partnership.requested" | "partnership.invitation_accepted" | "mca.acceptance_requested" | "consent.granted" | "consent.declined" | "consent.revoked" | "transfer.request_needed" | "transfer.submitted" | "transfer.completed" | "transfer.partially_failed" | "enrollment.overdue" | "transition.completed" | "transition.cancelled";
            /** @enum {string} */
            status: "pending" | "delivered" | "failed";
            attempts: number;
            /** @description the HTTP status of the last attempt */
            responseStatus: number | null;
            lastError: string | null;
            createdAt: string;
            lastAttemptAt: string | null;
            /** @description when a pending delivery is tried next */
            nextAttemptAt: string | null;
            /** @description when it was delivered or given up */
            finishedAt: string | null;
        };
        WebhookEventConsentDeclined: {
            /** @description the event id, also in `webhook-id` */
            id: string;
            /** @constant */
            type: "consent.declined";
            /** @description when the step was recorded */
            timestamp: string;
            data: {
                workflow: components["schemas"]["Workflow"];
                step: {
                    /** @description the history row that recorded the step */
                    seq: number;
                    event: string;
                    from: string | null;
                    to: string;
                    actorRole: string;
                };
            };
            links: {
                workflow: string;
                history: string;
                parent?: string;
            };
        };
        WebhookEventConsentGranted: {
            /** @description the event id, also in `webhook-id` */
            id: string;
            /** @constant */
            type: "consent.granted";
            /** @description when the step was recorded */
            timestamp: string;
            data: {
                workflow: components["schemas"]["Workflow"];
                step: {
                    /** @description the history row that recorded the step */
                    seq: number;
                    event: string;
                    from: string | null;
                    to: string;
                    actorRole: string;
                };
            };
            links: {
                workflow: string;
                history: string;
                parent?: string;
            };
        };
        WebhookEventConsentRevoked: {
            /** @description the event id, also in `webhook-id` */
            id: string;
            /** @constant */
            type: "consent.revoked";
            /** @description when the step was recorded */
            timestamp: string;
            data: {
                workflow: components["schemas"]["Workflow"];
                step: {
                    /** @description the history row that recorded the step */
                    seq: number;
                    event: string;
                    from: string | null;
                    to: string;
                    actorRole: string;
                };
            };
            links: {
                workflow: string;
                history: string;
                parent?: string;
            };
        };
        WebhookEventEnrollmentOverdue: {
            /** @description the event id, also in `webhook-id` */
            id: string;
            /** @constant */
            type: "enrollment.overdue";
            /** @description when the step was recorded */
            timestamp: string;
            data: {
                workflow: components["schemas"]["Workflow"];
                step: {
                    /** @description the history row that recorded the step */
                    seq: number;
                    event: string;
                    from: string | null;
                    to: string;
                    actorRole: string;
                };
            };
            links: {
                workflow: string;
                history: string;
                parent?: string;
            };
        };
        WebhookEventMcaAcceptanceRequested: {
            /** @description the event id, also in `webhook-id` */
            id: string;
            /** @constant */
            type: "mca.acceptance_requested";
            /** @description when the step was recorded */
            timestamp: string;
            data: {
                workflow: components["schemas"]["Workflow"];
                step: {
                    /** @description the history row that recorded the step */
                    seq: number;
                    event: string;
                    from: string | null;
                    to: string;
                    actorRole: string;
                };
            };
            links: {
                workflow: string;
                history: string;
                parent?: string;
            };
        };
        WebhookEventPartnershipInvitationAccepted: {
            /** @description the event id, also in `webhook-id` */
            id: string;
            /** @constant */
            type: "partnership.invitation_accepted";
            /** @description when the step was recorded */
            timestamp: string;
            data: {
                workflow: components["schemas"]["Workflow"];
                step: {
                    /** @description the history row that recorded the step */
                    seq: number;
                    event: string;
                    from: string | null;
                    to: string;
                    actorRole: string;
                };
            };
            links: {
                workflow: string;
                history: string;
                parent?: string;
            };
        };
        WebhookEventPartnershipRequested: {
            /** @description the event id, also in `webhook-id` */
            id: string;
            /** @constant */
            type: "partnership.requested";
            /** @description when the step was recorded */
            timestamp: string;
            data: {
                workflow: components["schemas"]["Workflow"];
                step: {
                    /** @description the history row that recorded the step */
                    seq: number;
                    event: string;
                    from: string | null;
                    to: string;
                    actorRole: string;
                };
            };
            links: {
                workflow: string;
                history: string;
                parent?: string;
            };
        };
        WebhookEventTransferCompleted: {
            /** @description the event id, also in `webhook-id` */
            id: string;
            /** @constant */
            type: "transfer.completed";
            /** @description when the step was recorded */
            timestamp: string;
            data: {
                workflow: components["schemas"]["Workflow"];
                step: {
                    /** @description the history row that recorded the step */
                    seq: number;
                    event: string;
                    from: string | null;
                    to: string;
                    actorRole: string;
                };
            };
            links: {
                workflow: string;
                history: string;
                parent?: string;
            };
        };
        WebhookEventTransferPartiallyFailed: {
            /** @description the event id, also in `webhook-id` */
            id: string;
            /** @constant */
            type: "transfer.partially_failed";
            /** @description when the step was recorded */
            timestamp: string;
            data: {
                workflow: components["schemas"]["Workflow"];
                step: {
                    /** @description the history row that recorded the step */
                    seq: number;
                    event: string;
                    from: string | null;
                    to: string;
                    actorRole: string;
                };
            };
            links: {
                workflow: string;
                history: string;
                parent?: string;
            };
        };
        WebhookEventTransferRequestNeeded: {
            /** @description the event id, also in `webhook-id` */
            id: string;
            /** @constant */
            type: "transfer.request_needed";
            /** @description when the step was recorded */
            timestamp: string;
            data: {
                workflow: components["schemas"]["Workflow"];
                step: {
                    /** @description the history row that recorded the step */
                    seq: number;
                    event: string;
                    from: string | null;
                    to: string;
                    actorRole: string;
                };
            };
            links: {
                workflow: string;
                history: string;
                parent?: string;
            };
        };
        WebhookEventTransferSubmitted: {
            /** @description the event id, also in `webhook-id` */
            id: string;
            /** @constant */
            type: "transfer.submitted";
            /** @description when the step was recorded */
            timestamp: string;
            data: {
                workflow: components["schemas"]["Workflow"];
                step: {
                    /** @description the history row that recorded the step */
                    seq: number;
                    event: string;
                    from: string | null;
                    to: string;
                    actorRole: string;
                };
            };
            links: {
                workflow: string;
                history: string;
                parent?: string;
            };
        };
        WebhookEventTransitionCancelled: {
            /** @description the event id, also in `webhook-id` */
            id: string;
            /** @constant */
            type: "transition.cancelled";
            /** @description when the step was recorded */
            timestamp: string;
            data: {
                workflow: components["schemas"]["Workflow"];
                step: {
                    /** @description the history row that recorded the step */
                    seq: number;
                    event: string;
                    from: string | null;
                    to: string;
                    actorRole: string;
                };
            };
            links: {
                workflow: string;
                history: string;
                parent?: string;
            };
        };
        WebhookEventTransitionCompleted: {
            /** @description the event id, also in `webhook-id` */
            id: string;
            /** @constant */
            type: "transition.completed";
            /** @description when the step was recorded */
            timestamp: string;
            data: {
                workflow: components["schemas"]["Workflow"];
                step: {
                    /** @description the history row that recorded the step */
                    seq: number;
                    event: string;
                    from: string | null;
                    to: string;
                    actorRole: string;
                };
            };
            links: {
                workflow: string;
                history: string;
                parent?: string;
            };
        };
        WebhookEventWorkflowStateChanged: {
            /** @description the event id, also in `webhook-id` */
            id: string;
            /** @constant */
            type: "workflow.state_changed";
            /** @description when the step was recorded */
            timestamp: string;
            data: {
                workflow: components["schemas"]["Workflow"];
                step: {
                    /** @description the history row that recorded the step */
                    seq: number;
                    event: string;
                    from: string | null;
                    to: string;
                    actorRole: string;
                };
            };
            links: {
                workflow: string;
                history: string;
                parent?: string;
            };
        };
        WebhookSecretRotated: {
            id: string;
            /** @description the new `whsec_…`, shown once */
            secret: string;
            /** @description until then the old secret signs beside the new one; null without overlap */
            previousSecretExpiresAt: string | null;
        };
        Workflow: components["schemas"]["TransitionWorkflow"] | components["schemas"]["EnrollmentWorkflow"] | components["schemas"]["ResellerRelationshipWorkflow"] | components["schemas"]["McaReacceptanceWorkflow"] | components["schemas"]["SubscriptionTransferWorkflow"] | components["schemas"]["UnsupportedWorkflow"];
        WorkflowAtRow: components["schemas"]["Workflow"] | components["schemas"]["PastVersionWorkflow"];
    };
    responses: {
        /** @description The request could not be read: `malformed_request` (not JSON, not an object). */
        BadRequest: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `unauthenticated`: no bearer token, or one that is unknown, revoked or expired; `webhook_signature_invalid`: a Partner Center webhook whose signature is not Partner Center's. */
        Unauthorized: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `forbidden`: the role may not do this. */
        Forbidden: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `not_found`: no such resource, or none the caller may see. */
        NotFound: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The state forbids it: `event_not_allowed` (with `nextEvents`), `transition_exists`, `already_exists`, `consent_request_used`, `last_admin`, `principal_revoked`, `principal_expired`, `secret_not_replayable`, `timer_not_failed`, `machine_version_unsupported` (the workflow was stored by a machine version this server does not run). */
        Conflict: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `version_conflict`: `If-Match` names another version (see `currentVersion`). */
        PreconditionFailed: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `payload_too_large`: the body is over the limit. */
        PayloadTooLarge: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `validation_failed` (each field in `errors`), a domain rule unmet (its code, every unmet one in `reasons`), or `idempotency_key_reused`. */
        UnprocessableContent: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `rate_limited`: over the rate of the client address or of the token. */
        TooManyRequests: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                "Retry-After": components["headers"]["Retry-After"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `unavailable`: the database is out of reach or did not answer in time; the detail says whether anything may have been applied. */
        ServiceUnavailable: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                RateLimit: components["headers"]["RateLimit"];
                "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                "Retry-After": components["headers"]["Retry-After"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        /** @description The version the client last saw (its ETag). When the workflow has moved on since, the event is refused with 412 `version_conflict` and nothing changes. */
        IfMatch: string;
        /** @description Up to 200 characters, scoped to the caller: the same key with the same request gets the first answer again (with `Idempotent-Replayed: true`); with another request, 422 `idempotency_key_reused`. Keys are kept for 24 hours. */
        IdempotencyKey: string;
    };
    requestBodies: never;
    headers: {
        /** @description The request id: the one the client sent when it was 1–128 characters of `A-Za-z0-9._:-`, otherwise a new one. It is logged and kept in the history. */
        "X-Request-Id": string;
        /** @description What is left of the current window, as `"<policy>";r=<remaining>;t=<seconds to reset>` (IETF draft 8). */
        RateLimit: string;
        /** @description The limits applied, as `"<policy>";q=<quota>;w=<window seconds>` (IETF draft 8). */
        "RateLimit-Policy": string;
        /** @description Seconds to wait before trying again. */
        "Retry-After": number;
        /** @description The workflow's version, quoted, as `If-Match` takes it back: `"7"`. */
        ETag: string;
        /** @description Where the new resource is read. */
        Location: string;
        /** @description Present when the answer is the stored one of an earlier request with this key. */
        "Idempotent-Replayed": "true";
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    receivePartnerCenterWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PartnerCenterWebhook"];
            };
        };
        responses: {
            /** @description Success */
            202: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReceivePartnerCenterWebhookResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            400: components["responses"]["BadRequest"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            400: components["responses"]["BadRequest"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            /** @description Not ready: the database is out of reach, or the process is stopping */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getOpenApiDocument: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetOpenApiDocumentResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getDocs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            400: components["responses"]["BadRequest"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metrics */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example tiershift_events_total{machine="transition",type="CONFIRM_PROFILE",outcome="applied",code=""} 1 */
                    "text/plain": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getCaller: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Caller"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listPrincipals: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListPrincipalsResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createPrincipal: {
        parameters: {
            query?: never;
            header?: {
                /** @description Up to 200 characters, scoped to the caller: the same key with the same request gets the first answer again (with `Idempotent-Replayed: true`); with another request, 422 `idempotency_key_reused`. Keys are kept for 24 hours. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePrincipalRequest"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "Idempotent-Replayed": components["headers"]["Idempotent-Replayed"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PrincipalCreated"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    revokePrincipal: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RevokePrincipalRequest"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Principal"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    rotatePrincipal: {
        parameters: {
            query?: never;
            header?: {
                /** @description Up to 200 characters, scoped to the caller: the same key with the same request gets the first answer again (with `Idempotent-Replayed: true`); with another request, 422 `idempotency_key_reused`. Keys are kept for 24 hours. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RotatePrincipalRequest"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "Idempotent-Replayed": components["headers"]["Idempotent-Replayed"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PrincipalRotated"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listProviders: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListProvidersResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createProvider: {
        parameters: {
            query?: never;
            header?: {
                /** @description Up to 200 characters, scoped to the caller: the same key with the same request gets the first answer again (with `Idempotent-Replayed: true`); with another request, 422 `idempotency_key_reused`. Keys are kept for 24 hours. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateProviderRequest"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "Idempotent-Replayed": components["headers"]["Idempotent-Replayed"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Provider"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getProvider: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Provider"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listPartners: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListPartnersResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createPartner: {
        parameters: {
            query?: never;
            header?: {
                /** @description Up to 200 characters, scoped to the caller: the same key with the same request gets the first answer again (with `Idempotent-Replayed: true`); with another request, 422 `idempotency_key_reused`. Keys are kept for 24 hours. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePartnerRequest"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "Idempotent-Replayed": components["headers"]["Idempotent-Replayed"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Partner"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getPartner: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Partner"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    updatePartner: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdatePartnerRequest"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Partner"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listCustomers: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListCustomersResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    importCustomers: {
        parameters: {
            query?: never;
            header?: {
                /** @description Up to 200 characters, scoped to the caller: the same key with the same request gets the first answer again (with `Idempotent-Replayed: true`); with another request, 422 `idempotency_key_reused`. Keys are kept for 24 hours. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ImportCustomersRequest"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "Idempotent-Replayed": components["headers"]["Idempotent-Replayed"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImportCustomersResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getPartnerPartnerCenterConnection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PartnerCenterConnection"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    putPartnerPartnerCenterConnection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PartnerCenterCredentials"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PartnerCenterConnection"];
                };
            };
            /** @description Registered for the first time */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PartnerCenterConnection"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    deletePartnerPartnerCenterConnection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getProviderPartnerCenterConnection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PartnerCenterConnection"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    putProviderPartnerCenterConnection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PartnerCenterCredentials"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PartnerCenterConnection"];
                };
            };
            /** @description Registered for the first time */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PartnerCenterConnection"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    deleteProviderPartnerCenterConnection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getConsentStatement: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConsentStatement"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    verifyHistory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HistoryVerdict"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getStateAfter: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                seq: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowAtRow"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getAuditDigest: {
        parameters: {
            query?: {
                partnerId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditDigest"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    verifyAuditDigest: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AuditDigest"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VerifyAuditDigestResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    exportHistory: {
        parameters: {
            query?: {
                partnerId?: string;
                /** @description one workflow’s history only */
                workflowId?: string;
                machine?: string;
                actor?: string;
                from?: string;
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every history row that matches, streamed as the client reads */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": string;
                    /** @example position,workflowId,machine,partnerId,seq,type,outcome,from,to,actorId,actorName,actorRole,requestId,at,payload,reason,prevHash,hash */
                    "text/csv": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listConsentRequests: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListConsentRequestsResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createConsentRequest: {
        parameters: {
            query?: never;
            header?: {
                /** @description Up to 200 characters, scoped to the caller: the same key with the same request gets the first answer again (with `Idempotent-Replayed: true`); with another request, 422 `idempotency_key_reused`. Keys are kept for 24 hours. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateConsentRequestRequest"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "Idempotent-Replayed": components["headers"]["Idempotent-Replayed"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConsentRequestCreated"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    revokeConsentRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                requestId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RevokeConsentRequestRequest"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConsentRequest"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listConsents: {
        parameters: {
            query?: {
                customerId?: string;
                workflowId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListConsentsResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getConsentPage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The statement, with a form to consent or decline */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description The address could not be read */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such link */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description Revoked, or no answer is needed any more */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description Used or expired */
            410: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    answerConsentPage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                token: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["AnswerConsentPageForm"];
            };
        };
        responses: {
            /** @description The answer is recorded */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description The form could not be read */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such link */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description Revoked, or no answer is needed any more */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description Used or expired */
            410: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            /** @description A consent without a name or a valid email */
            422: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    sendEventToEach: {
        parameters: {
            query?: never;
            header?: {
                /** @description Up to 200 characters, scoped to the caller: the same key with the same request gets the first answer again (with `Idempotent-Replayed: true`); with another request, 422 `idempotency_key_reused`. Keys are kept for 24 hours. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BatchEventRequest"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "Idempotent-Replayed": components["headers"]["Idempotent-Replayed"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchEventResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listTransitions: {
        parameters: {
            query?: {
                /** @description a contract state of the transition; a parent state matches its nested ones */
                state?: string;
                /** @description only transitions that carry this flag now */
                flag?: string;
                /** @description part of the partner's name, any case */
                search?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TransitionSummaryPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    startTransition: {
        parameters: {
            query?: never;
            header?: {
                /** @description Up to 200 characters, scoped to the caller: the same key with the same request gets the first answer again (with `Idempotent-Replayed: true`); with another request, 422 `idempotency_key_reused`. Keys are kept for 24 hours. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StartTransitionRequest"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    Location: components["headers"]["Location"];
                    ETag: components["headers"]["ETag"];
                    "Idempotent-Replayed": components["headers"]["Idempotent-Replayed"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Workflow"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listWorkflows: {
        parameters: {
            query?: {
                machine?: string;
                state?: string;
                partnerId?: string;
                customerId?: string;
                parentId?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListWorkflowsResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Workflow"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    sendEvent: {
        parameters: {
            query?: never;
            header?: {
                /** @description The version the client last saw (its ETag). When the workflow has moved on since, the event is refused with 412 `version_conflict` and nothing changes. */
                "If-Match"?: components["parameters"]["IfMatch"];
                /** @description Up to 200 characters, scoped to the caller: the same key with the same request gets the first answer again (with `Idempotent-Replayed: true`); with another request, 422 `idempotency_key_reused`. Keys are kept for 24 hours. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TransitionEvent"] | components["schemas"]["EnrollmentEvent"] | components["schemas"]["ResellerRelationshipEvent"] | components["schemas"]["McaReacceptanceEvent"] | components["schemas"]["SubscriptionTransferEvent"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    ETag: components["headers"]["ETag"];
                    "Idempotent-Replayed": components["headers"]["Idempotent-Replayed"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Workflow"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listHistory: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListHistoryResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listTransitionCustomers: {
        parameters: {
            query?: {
                /** @description the workflow `state` and `sort=since` refer to; alone, customers that have one */
                machine?: "resellerRelationship" | "mcaReacceptance" | "subscriptionTransfer";
                /** @description with `machine`: its contract state; a parent state matches its nested ones */
                state?: string;
                outcome?: "moved" | "excluded" | "none";
                /** @description part of the customer's name or tenant id, any case */
                search?: string;
                /** @description `name`; `since` (of `machine`, or the last change of any of the three); or a machine, by its state */
                sort?: "name" | "since" | "resellerRelationship" | "mcaReacceptance" | "subscriptionTransfer";
                order?: "asc" | "desc";
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TransitionCustomerPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getTransitionPreflight: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Preflight"];
                    /** @example customerId,customerName,tenantId,code,severity,subscriptionId,detail */
                    "text/csv": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getTransitionPartnerCenter: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TransitionPartnerCenter"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listMachines: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListMachinesResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getMachine: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Machine"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listTimers: {
        parameters: {
            query?: {
                /** @description pending: waiting to fire, retries included; failed: given up, waiting for an admin */
                status?: "pending" | "failed";
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListTimersResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listWorkflowTimers: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListWorkflowTimersResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    retryTimer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Timer"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listWebhooks: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListWebhooksResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: {
                /** @description Up to 200 characters, scoped to the caller: the same key with the same request gets the first answer again (with `Idempotent-Replayed: true`); with another request, 422 `idempotency_key_reused`. Keys are kept for 24 hours. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateWebhookRequest"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "Idempotent-Replayed": components["headers"]["Idempotent-Replayed"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookCreated"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    updateWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateWebhookRequest"];
            };
        };
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    rotateWebhookSecret: {
        parameters: {
            query?: never;
            header?: {
                /** @description Up to 200 characters, scoped to the caller: the same key with the same request gets the first answer again (with `Idempotent-Replayed: true`); with another request, 422 `idempotency_key_reused`. Keys are kept for 24 hours. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RotateWebhookSecretRequest"];
            };
        };
        responses: {
            /** @description Success */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "Idempotent-Replayed": components["headers"]["Idempotent-Replayed"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookSecretRotated"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                status?: "pending" | "delivered" | "failed";
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListWebhookDeliveriesResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            422: components["responses"]["UnprocessableContent"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    redeliverWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                deliveryId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success */
            202: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDelivery"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    webhook_workflow_state_changed: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id, the same on every attempt: deduplicate on it. */
                "webhook-id": string;
                /** @description When this attempt was signed, in seconds since the epoch. */
                "webhook-timestamp": string;
                /** @description Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret in use (two while a rotation overlaps). */
                "webhook-signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEventWorkflowStateChanged"];
            };
        };
        responses: {
            /** @description Received; any other answer, or none within the time-out, is retried */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    webhook_partnership_requested: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id, the same on every attempt: deduplicate on it. */
                "webhook-id": string;
                /** @description When this attempt was signed, in seconds since the epoch. */
                "webhook-timestamp": string;
                /** @description Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret in use (two while a rotation overlaps). */
                "webhook-signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEventPartnershipRequested"];
            };
        };
        responses: {
            /** @description Received; any other answer, or none within the time-out, is retried */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    webhook_partnership_invitation_accepted: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id, the same on every attempt: deduplicate on it. */
                "webhook-id": string;
                /** @description When this attempt was signed, in seconds since the epoch. */
                "webhook-timestamp": string;
                /** @description Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret in use (two while a rotation overlaps). */
                "webhook-signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEventPartnershipInvitationAccepted"];
            };
        };
        responses: {
            /** @description Received; any other answer, or none within the time-out, is retried */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    webhook_mca_acceptance_requested: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id, the same on every attempt: deduplicate on it. */
                "webhook-id": string;
                /** @description When this attempt was signed, in seconds since the epoch. */
                "webhook-timestamp": string;
                /** @description Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret in use (two while a rotation overlaps). */
                "webhook-signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEventMcaAcceptanceRequested"];
            };
        };
        responses: {
            /** @description Received; any other answer, or none within the time-out, is retried */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    webhook_consent_granted: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id, the same on every attempt: deduplicate on it. */
                "webhook-id": string;
                /** @description When this attempt was signed, in seconds since the epoch. */
                "webhook-timestamp": string;
                /** @description Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret in use (two while a rotation overlaps). */
                "webhook-signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEventConsentGranted"];
            };
        };
        responses: {
            /** @description Received; any other answer, or none within the time-out, is retried */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    webhook_consent_declined: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id, the same on every attempt: deduplicate on it. */
                "webhook-id": string;
                /** @description When this attempt was signed, in seconds since the epoch. */
                "webhook-timestamp": string;
                /** @description Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret in use (two while a rotation overlaps). */
                "webhook-signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEventConsentDeclined"];
            };
        };
        responses: {
            /** @description Received; any other answer, or none within the time-out, is retried */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    webhook_consent_revoked: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id, the same on every attempt: deduplicate on it. */
                "webhook-id": string;
                /** @description When this attempt was signed, in seconds since the epoch. */
                "webhook-timestamp": string;
                /** @description Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret in use (two while a rotation overlaps). */
                "webhook-signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEventConsentRevoked"];
            };
        };
        responses: {
            /** @description Received; any other answer, or none within the time-out, is retried */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    webhook_transfer_request_needed: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id, the same on every attempt: deduplicate on it. */
                "webhook-id": string;
                /** @description When this attempt was signed, in seconds since the epoch. */
                "webhook-timestamp": string;
                /** @description Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret in use (two while a rotation overlaps). */
                "webhook-signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEventTransferRequestNeeded"];
            };
        };
        responses: {
            /** @description Received; any other answer, or none within the time-out, is retried */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    webhook_transfer_submitted: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id, the same on every attempt: deduplicate on it. */
                "webhook-id": string;
                /** @description When this attempt was signed, in seconds since the epoch. */
                "webhook-timestamp": string;
                /** @description Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret in use (two while a rotation overlaps). */
                "webhook-signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEventTransferSubmitted"];
            };
        };
        responses: {
            /** @description Received; any other answer, or none within the time-out, is retried */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    webhook_transfer_completed: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id, the same on every attempt: deduplicate on it. */
                "webhook-id": string;
                /** @description When this attempt was signed, in seconds since the epoch. */
                "webhook-timestamp": string;
                /** @description Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret in use (two while a rotation overlaps). */
                "webhook-signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEventTransferCompleted"];
            };
        };
        responses: {
            /** @description Received; any other answer, or none within the time-out, is retried */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    webhook_transfer_partially_failed: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id, the same on every attempt: deduplicate on it. */
                "webhook-id": string;
                /** @description When this attempt was signed, in seconds since the epoch. */
                "webhook-timestamp": string;
                /** @description Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret in use (two while a rotation overlaps). */
                "webhook-signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEventTransferPartiallyFailed"];
            };
        };
        responses: {
            /** @description Received; any other answer, or none within the time-out, is retried */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    webhook_enrollment_overdue: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id, the same on every attempt: deduplicate on it. */
                "webhook-id": string;
                /** @description When this attempt was signed, in seconds since the epoch. */
                "webhook-timestamp": string;
                /** @description Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret in use (two while a rotation overlaps). */
                "webhook-signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEventEnrollmentOverdue"];
            };
        };
        responses: {
            /** @description Received; any other answer, or none within the time-out, is retried */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    webhook_transition_completed: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id, the same on every attempt: deduplicate on it. */
                "webhook-id": string;
                /** @description When this attempt was signed, in seconds since the epoch. */
                "webhook-timestamp": string;
                /** @description Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret in use (two while a rotation overlaps). */
                "webhook-signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEventTransitionCompleted"];
            };
        };
        responses: {
            /** @description Received; any other answer, or none within the time-out, is retried */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    webhook_transition_cancelled: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id, the same on every attempt: deduplicate on it. */
                "webhook-id": string;
                /** @description When this attempt was signed, in seconds since the epoch. */
                "webhook-timestamp": string;
                /** @description Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret in use (two while a rotation overlaps). */
                "webhook-signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEventTransitionCancelled"];
            };
        };
        responses: {
            /** @description Received; any other answer, or none within the time-out, is retried */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
