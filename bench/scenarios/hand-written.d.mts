export declare class MinimalContext {
  readonly attempt: number;
  constructor(attempt: number);
  get signal(): AbortSignal;
}

export declare class MinimalWrapper {
  constructor(breaker: { canExecute(): boolean; recordSuccess(): void });
  execute(fn: (args: unknown, ctx: MinimalContext) => Promise<unknown>, args: unknown): Promise<unknown>;
  executeWith(fn: (args: unknown, ctx: MinimalContext) => Promise<unknown>, args: unknown, options: object): Promise<unknown>;
}
