/**
 * A circuit breaker: after `failureThreshold` consecutive failures it opens and callers skip
 * the dependency for `openMs`; then one trial call is let through (half-open): success closes
 * it, failure opens it again. Used for Redis and for each upstream service.
 */
export type BreakerState = "closed" | "open" | "half-open";

export interface CircuitBreakerOptions {
  failureThreshold: number;
  openMs: number;
  onStateChange?: (state: BreakerState) => void;
  now?: () => number;
}

export class CircuitBreaker {
  #state: BreakerState = "closed";
  #failures = 0;
  #openedAt = 0;
  #trialInFlight = false;
  readonly #options: CircuitBreakerOptions;

  constructor(options: CircuitBreakerOptions) {
    this.#options = options;
  }

  get state(): BreakerState {
    if (this.#state === "open" && this.#now() - this.#openedAt >= this.#options.openMs) this.#set("half-open");
    return this.#state;
  }

  /** Whether a call may go through now; in half-open state only one trial call at a time. */
  allow(): boolean {
    const state = this.state;
    if (state === "closed") return true;
    if (state === "half-open" && !this.#trialInFlight) {
      this.#trialInFlight = true;
      return true;
    }
    return false;
  }

  success(): void {
    this.#failures = 0;
    this.#trialInFlight = false;
    if (this.#state !== "closed") this.#set("closed");
  }

  failure(): void {
    this.#trialInFlight = false;
    this.#failures += 1;
    if (this.#state === "half-open" || this.#failures >= this.#options.failureThreshold) {
      this.#openedAt = this.#now();
      if (this.#state !== "open") this.#set("open");
    }
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  #set(state: BreakerState): void {
    this.#state = state;
    this.#options.onStateChange?.(state);
  }
}
