/**
 * A pino logger, or anything with pino's level methods (`info`, `warn`, `error`).
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const logger: HealingLogger = pino({ name: 'payments' });
 * ```
 */
export interface HealingLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
