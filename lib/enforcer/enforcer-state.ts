/**
 * Per-policy derived state of the enforcer: the validator, metadata URL and paths, allowed origins.
 *
 * Validators are keyed by a fingerprint of everything that affects token validation (the `idp`
 * section plus validator overrides): a policy swap that only edits tools or scopes keeps the warm
 * JWKS and verified-token caches, while any change to issuers, audiences, algorithms, leeway or
 * token type builds a fresh validator, so no cached result outlives a rule that would reject it.
 */
import { metadataPaths, resourceMetadataUrl } from "./mcp/metadata.js";
import { normalizeOrigins } from "./mcp/request-checks.js";
import type { EnforcerPolicy } from "./policy.js";
import type { TelemetrySink } from "./telemetry/types.js";
import type { TokenValidatorOptions } from "./token/types.js";
import { createTokenValidator, type DetailedTokenValidator } from "./token/validator.js";

/** What the enforcer derives once per policy object. @example stateFor(policy).resourceMetadata */
export interface PolicyState {
  policy: EnforcerPolicy;
  validator: DetailedTokenValidator;
  resourceMetadata: string;
  metadataPaths: ReadonlySet<string>;
  origins: ReadonlySet<string>;
}

/** Validators kept for recently seen IdP configurations (a rollback re-uses a warm one). */
const MAX_VALIDATORS = 4;

/**
 * Creates the per-policy state resolver used by `createEnforcer`.
 *
 * @example
 * const stateFor = createPolicyStateResolver({ sink, now, overrides: {} });
 * const { validator } = stateFor(policy);
 */
export function createPolicyStateResolver(opts: {
  sink: TelemetrySink | undefined;
  now: () => number;
  overrides: Partial<TokenValidatorOptions> | undefined;
}): (policy: EnforcerPolicy) => PolicyState {
  const states = new WeakMap<EnforcerPolicy, PolicyState>();
  const validators = new Map<string, DetailedTokenValidator>();

  function validatorFor(policy: EnforcerPolicy): DetailedTokenValidator {
    const { sink: _sink, now: _now, fetch: _fetch, ...plainOverrides } = opts.overrides ?? {};
    const fingerprint = JSON.stringify([policy.idp, plainOverrides]);
    const existing = validators.get(fingerprint);
    if (existing) {
      validators.delete(fingerprint);
      validators.set(fingerprint, existing);
      return existing;
    }
    const idp = policy.idp;
    const validator = createTokenValidator({
      issuer: idp.issuers,
      audience: idp.audiences,
      jwksUri: idp.jwksUri,
      algorithms: idp.algorithms,
      clockToleranceSec: idp.clockToleranceSec,
      profile: idp.kind,
      ...(idp.claims ? { claims: idp.claims } : {}),
      requireTokenType: idp.requireTokenType,
      maxTokenLifetimeSec: idp.maxTokenLifetimeSec,
      sink: opts.sink,
      now: opts.now,
      // The enforcer serves concurrent requests: misses that arrive together are checked back to back.
      coalesceVerifications: true,
      ...opts.overrides,
    });
    validators.set(fingerprint, validator);
    while (validators.size > MAX_VALIDATORS) {
      const oldest = validators.entries().next();
      if (oldest.done) break;
      validators.delete(oldest.value[0]);
      oldest.value[1].close?.();
    }
    return validator;
  }

  return (policy) => {
    let state = states.get(policy);
    if (!state) {
      state = {
        policy,
        validator: validatorFor(policy),
        resourceMetadata: resourceMetadataUrl(policy),
        metadataPaths: new Set(metadataPaths(policy)),
        origins: normalizeOrigins(policy.resource.allowedOrigins, policy.resource.uri),
      };
      states.set(policy, state);
    }
    return state;
  };
}
