import type { NextFunction, Request, Response } from 'express';
import { RateLimited } from '../errors.ts';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per bearer token: `perMinute` on average with bursts of `burst`. Kept in
 * memory, so each server process counts on its own.
 */
export function rateLimit(perMinute: number, burst = 100, now: () => number = Date.now) {
  const buckets = new Map<string, Bucket>();
  const perMs = perMinute / 60_000;
  return (req: Request, _res: Response, next: NextFunction): void => {
    const key = req.get('authorization') ?? `ip:${req.ip ?? ''}`;
    const t = now();
    const bucket = buckets.get(key) ?? { tokens: burst, updatedAt: t };
    bucket.tokens = Math.min(burst, bucket.tokens + (t - bucket.updatedAt) * perMs);
    bucket.updatedAt = t;
    if (bucket.tokens < 1) {
      buckets.set(key, bucket);
      throw new RateLimited(Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)));
    }
    bucket.tokens -= 1;
    buckets.set(key, bucket);
    if (buckets.size > 100_000) buckets.clear();
    next();
  };
}
