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

/** `any` is assignable both ways to everything: it must only match `any`. */
type IsAny<T> = 0 extends 1 & T ? true : false;

/** An object worth comparing key by key: not a function, an array or a union. */
type IsRecord<T> = [T] extends [object]
  ? [T] extends [(...args: never[]) => unknown] ? false : [T] extends [readonly unknown[]] ? false : IsUnion<T> extends true ? false : true
  : false;

/** Each object member of the union A has a `Same` partner in B. */
type Covered<A, B> = [A] extends [never]
  ? true
  : (A extends unknown ? (IsRecord<A> extends true ? (true extends (B extends unknown ? Same<A, B> : never) ? true : false) : true) : never) extends true
    ? true
    : false;

/**
 * The same value type: `any` only against `any`; arrays by their elements; plain objects key by
 * key; a union of objects member by member (each must have a partner on the other side), since
 * mutual assignability alone cannot tell `{ a?: number }` from `{}` in any of those places.
 */
type SameValue<A, B> =
  IsAny<A> extends true ? IsAny<B> : IsAny<B> extends true ? false :
  Mutual<A, B> extends false ? false :
  [A] extends [readonly (infer EA)[]] ? ([B] extends [readonly (infer EB)[]] ? SameValue<EA, EB> : false) :
  IsRecord<A> extends true ? (IsRecord<B> extends true ? Same<A, B> : false) :
  IsUnion<A> extends true ? ([Covered<A, B>, Covered<B, A>] extends [true, true] ? true : false) : true;

/** Per key, the same property, whether it may be `undefined` included. */
type SameProperty<A, B> = Mutual<A | undefined, B | undefined> extends true ? SameValue<NonNullable<A>, NonNullable<B>> : false;

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
