import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeListener, type HealingHttpHandler } from '../../src/http/index.js';

/** Serves `handler` through a real node:http server on 127.0.0.1 and an ephemeral port. */
export async function serve(handler: HealingHttpHandler): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(createNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
