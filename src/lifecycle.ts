/**
 * Whether this instance should still be sent work. Once a stop begins, `/readyz` answers 503
 * at once so that a load balancer moves traffic away while requests in flight finish.
 */
export class Lifecycle {
  #draining = false;

  get draining(): boolean {
    return this.#draining;
  }

  drain(): void {
    this.#draining = true;
  }
}
