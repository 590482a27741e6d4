/** A failure the server applies to matching requests. */
export interface FaultSpec {
  /** HTTP method to match; any when absent. */
  method?: string;
  /** Exact path (without query) or a pattern tested against it; any when absent. */
  path?: string | RegExp;
  /** Answer with this status instead of handling the request. */
  status?: number;
  /** Body for `status`; JSON when it parses as JSON, else text/plain. */
  body?: string;
  /** Destroy the connection without an answer. */
  reset?: boolean;
  /** Wait this long before going on (with the fault's other effects, or normal handling). */
  delayMs?: number;
  /** Handle the request, then destroy the connection: the change is made, the answer lost. */
  afterHandling?: boolean;
  /** How many requests the fault hits before it retires; unlimited when absent. */
  times?: number;
  /** Chance in [0, 1] that a matching request is hit, drawn from the server's seeded random. */
  probability?: number;
}

/** A fault as registered, with how many requests it has hit so far. */
export interface ActiveFault {
  readonly spec: FaultSpec;
  hits: number;
}

/** What the server must do with one request. */
export interface FaultDecision {
  delayMs: number;
  reset: boolean;
  afterHandling: boolean;
  status?: number;
  body?: string;
}

/** Fault injection with a seeded random, so a test's failures repeat exactly. */
export class FaultInjector {
  private readonly faults: ActiveFault[] = [];
  private randomState: number;

  constructor(seed = 1) {
    this.randomState = seed >>> 0;
  }

  /** Registers a fault; the returned handle counts its hits. */
  add(spec: FaultSpec): ActiveFault {
    const fault = { spec, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  /** Removes every fault. */
  clear(): void {
    this.faults.length = 0;
  }

  /** The first live fault that matches and fires for this request, as a decision. */
  decide(method: string, path: string): FaultDecision | undefined {
    for (const fault of this.faults) {
      const { spec } = fault;
      if (!matches(spec, method, path) || (spec.times !== undefined && fault.hits >= spec.times)) {
        continue;
      }
      if (spec.probability !== undefined && this.nextRandom() >= spec.probability) {
        continue;
      }
      fault.hits += 1;
      const decision: FaultDecision = {
        delayMs: spec.delayMs ?? 0,
        reset: spec.reset === true,
        afterHandling: spec.afterHandling === true,
      };
      if (spec.status !== undefined) decision.status = spec.status;
      if (spec.body !== undefined) decision.body = spec.body;
      return decision;
    }
    return undefined;
  }

  /** mulberry32: small, fast and good enough to make test failures repeatable. */
  private nextRandom(): number {
    this.randomState = (this.randomState + 0x6d2b79f5) >>> 0;
    let t = this.randomState;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
  if (spec.method !== undefined && spec.method.toUpperCase() !== method) {
    return false;
  }
  if (spec.path === undefined) {
    return true;
  }
  return typeof spec.path === 'string' ? spec.path === path : spec.path.test(path);
}
