import { register } from 'node:module';
import type { Config } from '../config.ts';

export interface Tracing {
  /** Sends the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing of incoming HTTP requests, Express routing and Postgres
 * queries, exported over OTLP/HTTP; does nothing when OTEL_EXPORTER_OTLP_ENDPOINT is unset.
 *
 * Instrumentation works by wrapping modules as they load, so this must run before express,
 * http or pg is imported: the entry point awaits it, then imports the rest. ES modules are
 * wrapped by import-in-the-middle's loader hook, registered here; the SDK itself is imported
 * only when tracing is on, so that off costs nothing at start.
 */
export async function startTracing(
  config: Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_SERVICE_NAME'>,
): Promise<Tracing | undefined> {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const [
    { NodeTracerProvider, BatchSpanProcessor },
    { OTLPTraceExporter },
    { resourceFromAttributes },
    { ATTR_SERVICE_NAME },
    { registerInstrumentations },
    { HttpInstrumentation },
    { ExpressInstrumentation },
    { PgInstrumentation },
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/semantic-conventions'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-express'),
    import('@opentelemetry/instrumentation-pg'),
  ]);
  const exporter = new OTLPTraceExporter({ url: tracesUrl(endpoint) });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.OTEL_SERVICE_NAME }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        requestHook: (span, request) => {
          const url = 'url' in request ? request.url : undefined;
          // A consent link's token is a credential: no span keeps it.
          const safe = url?.replace(consentPath, '/consent/[redacted]');
          if (safe !== undefined && safe !== url) {
            span.setAttributes({
              'http.target': safe,
              'http.url': safe,
              'url.full': safe,
              'url.path': safe.split('?')[0],
            });
          }
        },
      }),
      new ExpressInstrumentation(),
      // Statements without their values: those hold customers' details.
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  return { shutdown: () => provider.shutdown() };
}

const consentPath = /\/consent\/[^/?#]+/gi;

/**
 * The traces address under a base endpoint, as the OpenTelemetry specification builds it
 * from OTEL_EXPORTER_OTLP_ENDPOINT: `http://collector:4318` → `http://collector:4318/v1/traces`.
 */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}
