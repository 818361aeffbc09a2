import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';

/**
 * Streams `source` (through `encode`, when given) into the response, at the pace the client
 * reads. When the client goes away, every stage is destroyed at once: a source reading the
 * database page by page stops before its next page. That is a normal end, not an error.
 * Any other failure mid-stream cuts the connection, so that a client never takes a cut
 * export for a whole one.
 */
export async function streamResponse(
  res: Response,
  source: Readable,
  encode?: Transform,
): Promise<void> {
  try {
    if (encode) await pipeline(source, encode, res);
    else await pipeline(source, res);
  } catch (error) {
    if (clientLeft(error, res)) return;
    throw error;
  }
}

function clientLeft(error: unknown, res: Response): boolean {
  const code =
    typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : null;
  return code === 'ERR_STREAM_PREMATURE_CLOSE' && !res.writableFinished;
}
