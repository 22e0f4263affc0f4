/*
 * A compile-time check that a hand-written options type and its zod schema's `z.input` describe
 * the same options, so the two cannot drift. Used where the type stays an interface because its
 * field TSDoc would be lost by deriving it (docs/design.md, "Options types and their schemas").
 *
 * Why not the usual `(<T>() => T extends X ? 1 : 2) extends (<T>() => T extends Y ? 1 : 2)`
 * identity trick: with zod's types it answered `true` for a pair that differs (FeatureConfig
 * against a schema lacking its `healthCheck` signature) once other pairs had been compared
 * first, so its answer depended on the order of checks. Assignability, each way and per key,
 * has no such cache effect.
 */

/** `true` when each of A and B is assignable to the other. */
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** The keys whose property may be left out. */
type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];

type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;

/** An object worth comparing key by key: not a function, an array or a union. */
type IsRecord<T> = [T] extends [object]
  ? [T] extends [(...args: never[]) => unknown] ? false : [T] extends [readonly unknown[]] ? false : IsUnion<T> extends true ? false : true
  : false;

/**
 * Per key, the same property: nested plain objects are compared key by key too, since mutual
 * assignability alone cannot tell `{ a?: number }` from `{}`.
 */
type SameProperty<A, B> = IsRecord<NonNullable<A>> extends true
  ? IsRecord<NonNullable<B>> extends true
    ? Mutual<A | undefined, B | undefined> extends true ? Same<NonNullable<A>, NonNullable<B>> : false
    : false
  : Mutual<A, B>;

/**
 * `true` when A and B have the same keys, the same optional keys and, key by key, types each
 * assignable to the other; `false` otherwise.
 *
 * @example
 * ```ts
 * type _Check = Assert<Same<RetryOptions, z.input<typeof retryOptionsSchema>>>;
 * ```
 */
export type Same<A, B> = Mutual<keyof A, keyof B> extends true
  ? Mutual<OptionalKeys<A>, OptionalKeys<B>> extends true
    ? [{ [K in keyof A & keyof B]-?: SameProperty<A[K], B[K]> }[keyof A & keyof B]] extends [true] ? true : false
    : false
  : false;

/** Compiles only for `true`: `type _Check = Assert<Same<X, Y>>`. */
export type Assert<T extends true> = T;
