import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, ServerProcess } from '../bench/server-process.ts';
import { createLogger } from '../src/logger.ts';
import { tracesUrl } from '../src/observability/tracing.ts';

interface OtlpSpan {
  traceId: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
}
interface OtlpExport {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans?: Array<{ scope?: { name?: string }; spans?: OtlpSpan[] }>;
  }>;
}

/** A stand-in for an OpenTelemetry collector: keeps every OTLP/HTTP JSON export it is sent. */
async function fakeCollector(): Promise<{ url: string; bodies: string[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') bodies.push(body);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function spansOf(bodies: string[]): Array<OtlpSpan & { scope: string; service: string }> {
  return bodies.flatMap((body) =>
    ((JSON.parse(body) as OtlpExport).resourceSpans ?? []).flatMap((r) => {
      const service =
        r.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
      return (r.scopeSpans ?? []).flatMap((s) =>
        (s.spans ?? []).map((span) => ({ ...span, scope: s.scope?.name ?? '', service })),
      );
    }),
  );
}

describe('tracing in the running server', () => {
  const databaseUrl = inject('databaseUrl');
  const adminToken = `tracing-admin-${crypto.randomUUID()}`;
  const folder = mkdtempSync(path.join(tmpdir(), 'tiershift-tracing-'));
  let collector: Awaited<ReturnType<typeof fakeCollector>>;
  let server: ServerProcess;
  let metricsPort: number;
  const consentToken = `tok${crypto.randomUUID().replaceAll('-', '')}`;
  /** What the metrics listener answered while the server ran. */
  let scraped = '';

  beforeAll(async () => {
    collector = await fakeCollector();
    metricsPort = await freePort();
    server = await ServerProcess.start({
      run: 'build',
      databaseUrl: databaseUrl ?? undefined,
      dataDir: folder,
      adminToken,
      env: {
        // The run's key: on Postgres the database holds other files' sealed secrets.
        SECRETS_KEY: inject('secretsKey'),
        LOG_LEVEL: 'info',
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_SERVICE_NAME: 'tiershift-under-test',
        METRICS_PORT: String(metricsPort),
      },
    });
    const auth = { Authorization: `Bearer ${adminToken}` };
    expect((await fetch(`${server.base}/v1/partners`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${server.base}/consent/${consentToken}`)).status).toBe(404);
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    scraped = await metrics.text();
    // A stop sends the spans still buffered before the process exits.
    await server.kill('SIGTERM');
    expect(await server.exited()).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await server.kill('SIGKILL');
    await collector.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('when OTEL_EXPORTER_OTLP_ENDPOINT is set, then the collector receives spans of HTTP, Express and the database', () => {
    const spans = spansOf(collector.bodies);
    const scopes = new Set(spans.map((s) => s.scope));
    expect(scopes).toContain('@opentelemetry/instrumentation-http');
    expect(scopes).toContain('@opentelemetry/instrumentation-express');
    // The embedded database is no Postgres client; the pg driver is traced on Postgres.
    if (databaseUrl) expect(scopes).toContain('@opentelemetry/instrumentation-pg');
    expect(spans.every((s) => s.service === 'tiershift-under-test')).toBe(true);
    const request = spans.find((s) => s.scope.endsWith('-http') && s.name.includes('/v1/partners'));
    expect(request, spans.map((s) => s.name).join(', ')).toBeDefined();
  });

  it('when a consent link is asked for, then no span holds its token', () => {
    expect(collector.bodies.length).toBeGreaterThan(0);
    for (const body of collector.bodies) expect(body).not.toContain(consentToken);
  });

  it('when a request is logged, then its line carries the trace id the collector received', () => {
    const lines = server.output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; trace_id?: string; req?: { url?: string } });
    const logged = lines.find(
      (l) => l.msg === 'request completed' && l.req?.url === '/v1/partners',
    );
    expect(logged?.trace_id, server.output).toMatch(/^[0-9a-f]{32}$/);
    expect(spansOf(collector.bodies).map((s) => s.traceId)).toContain(logged?.trace_id);
  });

  it('when METRICS_PORT is set, then /metrics is served there without a token', () => {
    expect(scraped).toMatch(/^tiershift_http_requests_total\{.*route="\/v1\/partners".*\} 1$/m);
    expect(scraped).toMatch(/^process_cpu_user_seconds_total \d/m);
  });
});

describe('trace ids in log lines', () => {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('info', {
    write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });

  it('when no span is active (tracing off), then a line has no trace id', () => {
    logger.info('outside any span');
    expect(lines.at(-1)).not.toHaveProperty('trace_id');
  });

  it('when a span is active, then the line carries its trace and span ids', () => {
    // What startTracing registers, without exporter or instrumentation.
    const provider = new NodeTracerProvider();
    provider.register();
    try {
      const tracer = provider.getTracer('test');
      const span = tracer.startSpan('work');
      context.with(trace.setSpan(context.active(), span), () => logger.info('inside a span'));
      span.end();
      expect(lines.at(-1)).toMatchObject({
        msg: 'inside a span',
        trace_id: span.spanContext().traceId,
        span_id: span.spanContext().spanId,
      });
    } finally {
      trace.disable();
      context.disable();
    }
  });
});

describe('the traces address', () => {
  it('when the endpoint is a base address, then traces go to its /v1/traces', () => {
    expect(tracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl('https://otel.example/base/')).toBe('https://otel.example/base/v1/traces');
  });
});
