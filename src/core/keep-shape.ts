/**
 * Objects held for the life of the process, one per class built on every call.
 *
 * V8 keeps an object's hidden class (its "map", the layout built by the class's field
 * initialisers) alive only while some object has it; optimised code refers to it weakly. After a
 * full garbage collection during which no execution was in flight, the map of `Execution` was
 * gone, and with it every optimised function that had handled an execution: measured on the
 * healed path, the next 3,000 or so calls ran 2-4x slower while V8 optimised them again. One
 * idle instance per class, made once when its module loads, keeps the map and that code.
 */
const kept: object[] = [];

/** Holds `instance` (an idle one, made for this purpose) so its class's map outlives a full GC; returns it. */
export function keepShape<T extends object>(instance: T): T {
  kept.push(instance);
  return instance;
}
