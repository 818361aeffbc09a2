/** Postgres codes after which the whole transaction can safely run again. */
const retryable = new Set(['40001', '40P01']);

function isRetryable(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    retryable.has(String((error as { code?: unknown }).code))
  );
}

/**
 * Runs a transaction again when Postgres aborted it for a deadlock or a serialization
 * failure: nothing of it was written, so the retry is the same request, not a second one.
 */
export async function withTransactionRetry<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
