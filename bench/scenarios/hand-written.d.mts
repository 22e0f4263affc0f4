export declare class MinimalContext {
  readonly attempt: number;
  constructor(attempt: number);
  get signal(): AbortSignal;
}

export declare class MinimalWrapper {
  constructor(breaker: { canExecute(): boolean; recordSuccess(): void });
  execute(fn: (args: unknown, ctx: MinimalContext) => Promise<unknown>, args: unknown): Promise<unknown>;
  executeWith(fn: (args: unknown, ctx: MinimalContext) => Promise<unknown>, args: unknown, options: object): Promise<unknown>;
  executeLiteral(fn: (args: unknown, ctx: MinimalContext) => Promise<unknown>, args: unknown, options: object): Promise<unknown>;
  accept(circuitName: string, registry: unknown, maxAttempts: number): void;
}

export declare function minimalFunction(wrapper: MinimalWrapper, fn: (args: unknown, ctx: MinimalContext) => Promise<unknown>, args: unknown, options: object): Promise<unknown>;
export declare function minimalLiteral(wrapper: MinimalWrapper, fn: (args: unknown, ctx: MinimalContext) => Promise<unknown>, args: unknown, options: object): Promise<unknown>;
