import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a server, which a test breaks as a flaky network would:
 * `cut()` drops every connection and refuses new ones (a link that went down), `freeze()` keeps
 * the connections open but forwards nothing (a peer that stopped answering), `hold()` accepts new
 * connections but reaches the server for them only on `restore()` (a slow connection setup),
 * `restore()` heals it.
 */
export class TcpProxy {
  private mode: 'open' | 'cut' | 'frozen' | 'held' = 'open';
  private readonly pairs = new Set<[Socket, Socket]>();
  /** Connections accepted while held, with the server's port, forwarded on `restore()`. */
  private held: Array<[Socket, number]> = [];

  private constructor(private readonly server: Server, readonly port: number) {}

  /** Starts a proxy to `targetPort` on 127.0.0.1, listening on a free port. */
  static async start(targetPort: number): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => proxy!.accept(client, targetPort));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy = new TcpProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  /** Connections through the proxy now. */
  get connections(): number {
    return this.pairs.size;
  }

  /** Drops every connection, and every new one at once, until `restore()`. */
  cut(): void {
    this.mode = 'cut';
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
    for (const [client] of this.held) client.destroy();
    this.held = [];
  }

  /** Keeps the connections, forwarding nothing either way, until `restore()` (which drops them). */
  freeze(): void {
    this.mode = 'frozen';
    for (const [client, upstream] of this.pairs) {
      client.pause();
      upstream.pause();
    }
  }

  /** Accepts new connections without reaching the server for them, until `restore()`. */
  hold(): void {
    this.mode = 'held';
  }

  /** Forwards again; a frozen link's connections are dropped, as a peer that came back after a timeout; held ones go through. */
  restore(): void {
    const wasFrozen = this.mode === 'frozen';
    this.mode = 'open';
    if (wasFrozen) this.cut();
    this.mode = 'open';
    const held = this.held;
    this.held = [];
    for (const [client, targetPort] of held) if (!client.destroyed) this.forward(client, targetPort);
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, targetPort: number): void {
    if (this.mode === 'held') {
      client.on('error', () => client.destroy());
      this.held.push([client, targetPort]);
      return;
    }
    if (this.mode !== 'open') {
      client.destroy();
      return;
    }
    this.forward(client, targetPort);
  }

  private forward(client: Socket, targetPort: number): void {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
