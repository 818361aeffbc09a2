/**
 * Where Microsoft's services are and how patiently they are called, unless configured
 * otherwise. Apart from the client, so that the configuration reads them without loading it.
 */
export const partnerCenterDefaults = {
  baseUrl: 'https://api.partnercenter.microsoft.com',
  graphUrl: 'https://graph.microsoft.com/v1.0',
  authority: 'https://login.microsoftonline.com',
  timeoutMs: 30_000,
  maxAttempts: 5,
  maxRetryAfterMs: 60_000,
  backoff: { baseMs: 1000, maxMs: 30_000 },
} as const;
