import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { describeError } from '../engine/timer-retry.ts';
import {
  resolveTarget,
  systemResolve,
  TargetRefused,
  type Resolve,
  type TargetPolicy,
} from './target.ts';

export interface PostRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  policy: TargetPolicy;
  resolve?: Resolve;
}

export type PostResult =
  { ok: true; status: number } | { ok: false; status: number | null; error: string };

/** What is read of an answer: enough to be polite to the receiver, never more. */
const maxResponseBytes = 64 * 1024;

/**
 * One attempt at a delivery; never throws. The target is resolved and checked here, and the
 * connection goes to the very address that was checked, so a second DNS answer cannot slip
 * another in. One deadline covers everything (connecting, TLS, sending, the answer), so a
 * receiver that stalls holds one worker slot for `timeoutMs` at most. Redirects are not
 * followed: a 3xx is a failure.
 */
export async function postWebhook(request: PostRequest): Promise<PostResult> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { ok: false, status: null, error: 'the URL is not valid' };
  }
  const deadline = AbortSignal.timeout(request.timeoutMs);
  let target: { address: string; family: 4 | 6 };
  try {
    target = await withDeadline(
      resolveTarget(url, request.policy, request.resolve ?? systemResolve),
      deadline,
    );
  } catch (error) {
    return { ok: false, status: null, error: failure(error, deadline, request.timeoutMs) };
  }
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [target]);
    else callback(null, target.address, target.family);
  };
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<PostResult>((resolve) => {
    const req = transport.request(
      url,
      {
        method: 'POST',
        lookup: pinned,
        signal: deadline,
        headers: {
          ...request.headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(request.body)),
          'user-agent': 'Tiershift-Webhooks/1',
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        let enoughRead = false;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > maxResponseBytes && !enoughRead) {
            // Enough is known from the status; the rest of a large answer is not waited for.
            enoughRead = true;
            res.destroy();
          }
        });
        // Reported by 'close' below; a listener keeps a reset from being thrown.
        res.on('error', () => undefined);
        res.on('close', () => {
          if (res.complete || enoughRead) resolve(resultOf(status));
          // An answer cut off halfway (or stalled past the deadline) is not an acknowledgement:
          // a second delivery, which the receiver can recognise by webhook-id, costs less than
          // a lost one.
          else resolve({ ok: false, status: null, error: cutOff(deadline, request.timeoutMs) });
        });
      },
    );
    req.on('error', (error) =>
      resolve({ ok: false, status: null, error: failure(error, deadline, request.timeoutMs) }),
    );
    req.end(request.body);
  });
}

function resultOf(status: number): PostResult {
  if (status >= 200 && status < 300) return { ok: true, status };
  if (status >= 300 && status < 400) {
    return { ok: false, status, error: `HTTP ${status}: redirects are not followed` };
  }
  return { ok: false, status, error: `HTTP ${status}` };
}

function failure(error: unknown, deadline: AbortSignal, timeoutMs: number): string {
  if (deadline.aborted) return `no answer within ${timeoutMs} ms`;
  if (error instanceof TargetRefused) return `refused: ${error.message}`;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string'
    ? `${code}: ${describeError(error)}`.slice(0, 300)
    : describeError(error);
}

function cutOff(deadline: AbortSignal, timeoutMs: number): string {
  return deadline.aborted ? `no answer within ${timeoutMs} ms` : 'the answer was cut off';
}

function withDeadline<T>(work: Promise<T>, deadline: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(new Error('deadline passed'));
    if (deadline.aborted) abort();
    deadline.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => deadline.removeEventListener('abort', abort));
  });
}
