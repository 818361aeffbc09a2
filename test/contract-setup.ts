import { ServerResponse, type IncomingMessage } from 'node:http';
import { afterEach, inject } from 'vitest';
import { ContractChecker, type RecordedResponse } from './contract.ts';

/**
 * Every answer the app gives in a test is held to the OpenAPI document, whatever the test
 * itself asserts: after each test, any answer that breaks it fails that test. Answers are
 * caught where Node writes them, so that supertest, raw sockets and apps a test builds for
 * itself are all covered.
 */
const recorded: RecordedResponse[] = [];
const bodies = new WeakMap<ServerResponse, Buffer[]>();

function keep(res: ServerResponse, chunk: unknown, encoding: unknown): void {
  if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
  const chunks = bodies.get(res) ?? [];
  bodies.set(res, chunks);
  if (typeof chunk === 'string') {
    chunks.push(
      Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'),
    );
  } else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
}

/** Node's own method, to call on with `apply` from the replacement. */
function original(name: 'write' | 'end' | 'writeHead'): (...args: unknown[]) => unknown {
  return Reflect.get(ServerResponse.prototype, name) as (...args: unknown[]) => unknown;
}

/** Headers given to `writeHead` are not seen by `getHeader`: keep the content type here. */
const typesGiven = new WeakMap<ServerResponse, string>();
const writeHead = original('writeHead');
ServerResponse.prototype.writeHead = function (this: ServerResponse, ...args: unknown[]) {
  const headers = args.find((a) => typeof a === 'object' && a !== null && !Array.isArray(a));
  for (const [name, value] of Object.entries((headers as Record<string, unknown>) ?? {})) {
    if (name.toLowerCase() === 'content-type' && typeof value === 'string') {
      typesGiven.set(this, value);
    }
  }
  return writeHead.apply(this, args);
} as typeof ServerResponse.prototype.writeHead;

const write = original('write');
const end = original('end');

ServerResponse.prototype.write = function (this: ServerResponse, ...args: unknown[]): boolean {
  keep(this, args[0], args[1]);
  return write.apply(this, args) as boolean;
} as typeof ServerResponse.prototype.write;

ServerResponse.prototype.end = function (this: ServerResponse, ...args: unknown[]) {
  keep(this, args[0], args[1]);
  const req = (this as ServerResponse & { req?: IncomingMessage & { originalUrl?: string } }).req;
  // Only the API's own answers (Express marks its requests with `app`): a listener of
  // another kind, such as the metrics port, serves no route of the document.
  if (req && req.method !== 'HEAD' && 'app' in req) {
    const contentType = this.getHeader('content-type') ?? typesGiven.get(this);
    recorded.push({
      method: req.method ?? 'GET',
      url: req.originalUrl ?? req.url ?? '/',
      status: this.statusCode,
      contentType: typeof contentType === 'string' ? contentType : undefined,
      body: Buffer.concat(bodies.get(this) ?? []),
    });
  }
  bodies.delete(this);
  return end.apply(this, args);
} as typeof ServerResponse.prototype.end;

const checker = new ContractChecker(inject('apiDocument'));

afterEach(() => {
  const broken = recorded.splice(0).flatMap((r) => checker.check(r) ?? []);
  if (broken.length > 0) {
    throw new Error(
      `${broken.length} answer(s) break the OpenAPI document:\n${broken.slice(0, 10).join('\n')}`,
    );
  }
});
