import { describe, expect, inject, it } from 'vitest';
import { ContractChecker, type RecordedResponse } from './contract.ts';

/** The check every test's answers go through must itself refuse what breaks the document. */
const checker = new ContractChecker(inject('apiDocument'));

function answer(
  partial: Partial<Omit<RecordedResponse, 'body'>> & { body?: unknown },
): RecordedResponse {
  const { body, ...rest } = partial;
  return {
    method: 'GET',
    url: '/v1/providers/prv_1',
    status: 200,
    contentType: 'application/json; charset=utf-8',
    ...rest,
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body ?? {})),
  };
}

const provider = {
  id: 'prv_1',
  name: 'Northwind Distribution',
  mpnId: '5123456',
  region: 'DE',
  createdAt: '2026-11-23T08:00:00.000Z',
};
const notFound = {
  type: 'https://tiershift.dev/problems/not_found',
  title: 'Not found',
  status: 404,
  detail: 'No such provider.',
  code: 'not_found',
};

describe('the contract check', () => {
  it('when an answer keeps the document, then it passes', () => {
    expect(checker.check(answer({ body: provider }))).toBeUndefined();
    const problem = { status: 404, contentType: 'application/problem+json', body: notFound };
    expect(checker.check(answer(problem))).toBeUndefined();
  });

  it('when the status is not listed for the route, then it is named', () => {
    expect(checker.check(answer({ status: 500, body: notFound }))).toMatch(/status not listed/);
  });

  it('when the content type is not listed, then it is named', () => {
    const text = answer({ contentType: 'text/plain', body: 'hello' });
    expect(checker.check(text)).toMatch(/content type text\/plain not listed/);
  });

  it('when the body misses a field, has one too many or the wrong type, then it is named', () => {
    const { region: _region, ...missing } = provider;
    expect(checker.check(answer({ body: missing }))).toMatch(/does not match its schema/);
    expect(checker.check(answer({ body: { ...provider, extra: 1 } }))).toMatch(/does not match/);
    expect(checker.check(answer({ body: { ...provider, name: 7 } }))).toMatch(/does not match/);
    expect(checker.check(answer({ body: 'not json' }))).toMatch(/not JSON/);
  });

  it('when a problem carries its documented extra fields, then it passes', () => {
    const conflict = {
      ...notFound,
      status: 409,
      code: 'event_not_allowed',
      nextEvents: [{ type: 'SUBMIT', roles: ['global_admin'] }],
    };
    const sent = answer({
      method: 'POST',
      url: '/v1/workflows/wf_1/events',
      status: 409,
      contentType: 'application/problem+json',
      body: conflict,
    });
    expect(checker.check(sent)).toBeUndefined();
  });

  it('when a path is not in the document, then it is not judged', () => {
    expect(checker.check(answer({ url: '/docs/assets/x.js', status: 200 }))).toBeUndefined();
  });
});
