import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newSigningSecret, signatureHeaders } from '../src/webhooks/signature.ts';

describe('signatureHeaders', () => {
  const body = JSON.stringify({ type: 'move.completed', data: { id: 'mv_1' } });
  const at = new Date('2026-11-22T12:00:00.750Z');

  it('when a secret is made, then it is whsec_ and 32 random bytes, and never the same twice', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(newSigningSecret()).not.toBe(secret);
  });

  it('when two secrets sign during a rotation, then a receiver holding either one verifies', () => {
    const current = newSigningSecret();
    const previous = newSigningSecret();
    const headers = signatureHeaders('msg_1', at, body, [current, previous]);

    expect(headers['webhook-id']).toBe('msg_1');
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(at.getTime() / 1000)));
    expect(headers['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
    // verify() also checks the timestamp against the clock, so sign for now.
    const now = signatureHeaders('msg_1', new Date(), body, [current, previous]);
    expect(new Webhook(current).verify(body, now)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, now)).toEqual(JSON.parse(body));
  });

  it('when the body is changed or another secret is held, then verification refuses', () => {
    const secret = newSigningSecret();
    const headers = signatureHeaders('msg_2', new Date(), body, [secret]);

    expect(() => new Webhook(secret).verify(body.replace('mv_1', 'mv_2'), headers)).toThrow();
    expect(() => new Webhook(newSigningSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'msg_3' })).toThrow();
  });
});
