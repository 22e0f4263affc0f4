/**
 * The user's own services and values that type-checked snippets use without declaring them:
 * declared here, never implemented, so only `<!-- snippet: typecheck -->` blocks see them (a
 * runnable snippet that used one would not compile). Types are what the docs assume, precise
 * enough that a snippet misusing the library against them fails to compile.
 */
import type { Redis } from 'ioredis';
import type { z } from 'zod';

// An HTTP API, a geocoder, a search service.
export declare function geocode(address: string | { address: string }, options?: { signal?: AbortSignal }): Promise<{ lat: number; lng: number }>;
export declare const address: string;
export declare const addresses: string[];
export interface Hit { id: string; title: string }
export declare function search(query: string, options: { signal: AbortSignal }): Promise<Hit[]>;
export declare const query: string;
export declare const signal: AbortSignal;
export declare const model: string;

// Payments, orders, inventory.
export interface Order { id: string; amountCents: number }
export interface Receipt { orderId: string; status: 'charged' | 'queued' }
export declare const order: Order;
export declare function charge(order: Order): Promise<Receipt>;
export declare function queueForLater(order: Order): Promise<Receipt>;
export declare const paymentsApi: { charge(order: Order): Promise<Receipt> };
export declare class PaymentDeclinedError extends Error {}
export declare const orders: { cancel(orderId: string): Promise<void> };
export declare function callInventory(): Promise<number>;
export interface Stock { inStock: number | 'unknown' }
export declare function getInventory(sku: string, options?: { signal?: AbortSignal }): Promise<Stock>;
export declare const sku: string;

// Storage: a ledger, a database, a connection pool, Redis.
export interface LedgerEntry { id: string; balanceCents: number }
export declare const ledger: { read(id: string): Promise<LedgerEntry>; write(entry: LedgerEntry): Promise<void> };
export declare const db: { read(id: string): Promise<LedgerEntry>; write(entry: LedgerEntry): Promise<void> };
export declare const pool: { query(sql: string): Promise<{ rowCount: number | null }> };
export declare const redis: Redis;

// A trip: bookings to compensate.
export interface Trip { from: string; to: string; days: number }
export declare const trip: Trip;
export interface Booking { id: string }
export declare const airline: { book(trip?: Trip): Promise<Booking>; cancel(id: string): Promise<void> };
export declare const hotels: { book(trip?: Trip, flight?: Booking): Promise<Booking>; cancel(id: string): Promise<void> };
export declare const cars: { rent(trip: Trip): Promise<Booking> };

// Weather, rates, items.
export declare const backup: { forecast(city: string, options: { signal: AbortSignal }): Promise<{ forecast: string }> };
export interface Rates { base: string; rates: Record<string, number> }
export declare function fetchRates(currency: string): Promise<Rates>;
export interface Item { sku: string; quantity: number }
export declare const inventoryApi: { list(warehouse: string): Promise<Item[]> };

// LLMs and tools.
/** The args of a completion (docs/custom-strategies.md, examples/strategies/smaller-model.ts). */
export interface Completion { model: string; prompt: string }
export declare function complete(args: { prompt: string; model?: string }): Promise<string>;
export declare const prompt: string;
export declare const toolProcess: { restart(): Promise<void> };
/** The tool process of examples/strategies/restart-tool-process.ts. */
export declare class ToolProcess {
  readonly alive: boolean;
  readonly child: { readonly pid?: number | undefined };
  call(text: string): Promise<string>;
  kill(): Promise<void>;
}

// Events: docs/reflection.md and the README's reflection example.
export interface EventInput { title: string; date: string; minutes?: number | string; durationMinutes?: number; organiser?: string }
export declare function createEvent(input: EventInput): Promise<{ id: string }>;
export declare const input: EventInput;
export declare const eventSchema: z.ZodType<EventInput>;
export declare function usDateToIso<A>(args: A): A;

// A breaker shared by the fleet (docs/fleet.md).
export declare const payments: import('../../../src/fleet/index.js').SharedCircuitBreaker;

// Alerting, features, web frameworks.
export declare const pager: { open(message: string): Promise<void> };
export declare const recsApi: { ping(options: { signal: AbortSignal }): Promise<boolean> };
export declare function showCarousel(): void;
export declare const app: { use(path: string, handler: (request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) => void): void };
export declare const fastify: {
  all(path: string, handler: (request: { raw: import('node:http').IncomingMessage }, reply: { raw: import('node:http').ServerResponse; hijack(): void }) => void): void;
};
