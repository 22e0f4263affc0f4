/**
 * How bad a failure is, for the people and alerts watching: `low` (expected, heals by itself),
 * `medium` (a dependency is unwell, or a caller's bug), `high` (nothing heals it without someone
 * acting: credentials, quota, a context that outgrew the model) and `critical` (data may be
 * lost). Every classification has one, by its category (docs/retry-and-classification.md,
 * "Severity"), unless a rule or the classifier's `severity` option says otherwise.
 *
 * @example
 * ```ts
 * const severity = classifier.classify(error).severity; // 'low' | 'medium' | 'high' | 'critical'
 * ```
 * @inline
 */
export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** Every severity, least severe first: an index is a rank. */
export const SEVERITIES: readonly Severity[] = Object.freeze(['low', 'medium', 'high', 'critical']);

/** The severity of a category no table names (`unknown`, `custom`, a category of your own). */
export const FALLBACK_SEVERITY: Severity = 'medium';

/**
 * The severity of each built-in category; the reasons are in docs/retry-and-classification.md,
 * "Severity". A null-prototype object, so a category named `constructor` or `__proto__` finds
 * nothing here. One keyed load per classification: no allocation, no loop.
 */
export const DEFAULT_SEVERITIES: Readonly<Record<string, Severity>> = Object.freeze(Object.assign(Object.create(null) as Record<string, Severity>, {
  // low: expected under load or caused by the caller; a retry or a wait heals it.
  aborted: 'low',
  rate_limit: 'low',
  network: 'low',
  circuit_open: 'low',
  too_early: 'low',
  misdirected: 'low',
  write_conflict: 'low',
  serialization_failure: 'low',
  deadlock: 'low',
  lock_timeout: 'low',
  // medium: the dependency is slow or unwell, or the call is wrong and can be fixed.
  timeout: 'medium',
  server_error: 'medium',
  unavailable: 'medium',
  overloaded: 'medium',
  capacity: 'medium',
  protocol_error: 'medium',
  malformed_response: 'medium',
  server_says_retry: 'medium',
  server_says_no_retry: 'medium',
  invalid_request: 'medium',
  invalid_arguments: 'medium',
  malformed_output: 'medium',
  type_mismatch: 'medium',
  not_found: 'medium',
  payload_too_large: 'medium',
  redirect_loop: 'medium',
  client_error: 'medium',
  conflict: 'medium',
  constraint: 'medium',
  failed_precondition: 'medium',
  out_of_range: 'medium',
  unsupported: 'medium',
  // high: every call fails the same way until someone acts.
  auth: 'high',
  quota: 'high',
  payment: 'high',
  context_length: 'high',
  unimplemented: 'high',
  invalid_query: 'high',
  client_closed: 'high',
  tls: 'high',
  classifier_error: 'high',
  // critical: the store says data was lost or corrupted.
  data_loss: 'critical',
}));

/** Whether `value` is one of the four severities. */
export function isSeverity(value: unknown): value is Severity {
  return value === 'low' || value === 'medium' || value === 'high' || value === 'critical';
}

/** The severity `table` gives `category`, else {@link FALLBACK_SEVERITY}. */
export function severityIn(table: Readonly<Record<string, Severity>>, category: string): Severity {
  return table[category] ?? FALLBACK_SEVERITY;
}

/** The built-in severity of `category`: what each built-in rule writes into its verdict. */
export function defaultSeverity(category: string): Severity {
  return DEFAULT_SEVERITIES[category] ?? FALLBACK_SEVERITY;
}
