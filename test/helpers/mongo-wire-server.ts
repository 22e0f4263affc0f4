/**
 * A small MongoDB server for tests: it speaks the wire protocol on 127.0.0.1 (ephemeral port) so
 * the real `mongodb` driver can be driven against it, since no mongod ships with Debian or npm.
 *
 * It answers the handshake (`hello` / legacy `isMaster` over OP_QUERY, as the driver sends it
 * before it knows the server's wire version) and every later command over OP_MSG (opcode 2013).
 * It presents itself as the primary of a one-member replica set (`setName`, `hosts`,
 * `logicalSessionTimeoutMinutes`, `maxWireVersion: 21`, MongoDB 7.0), so the driver allows
 * sessions, transactions and retryable writes; with `{ standalone: true }` it is a standalone.
 *
 * `hello`, `isMaster`, `ping`, `buildInfo`, `endSessions`, `abortTransaction` and
 * `commitTransaction` succeed. Any other command takes the next reply scripted for its name
 * (`script`), else fails with `CommandNotFound` (59), so an unscripted command never passes by
 * accident. Replies are plain data made by the `mongoReply` builders below. BSON comes from the
 * `mongodb` package's own `BSON` export: the very bson library the driver parses our replies with.
 */
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { BSON, type Document } from 'mongodb';

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const CHECKSUM_PRESENT = 1;
const HEADER_BYTES = 16;

/** One scripted answer to a command. */
export type MongoReply =
  /** The reply document, sent as it is. */
  | { type: 'document'; document: Document }
  /** The socket is destroyed instead of answering (a server gone mid-command). */
  | { type: 'close-socket' }
  /** Never answers: the command waits until the client gives up or closes. */
  | { type: 'hang' };

/** Builders for {@link MongoReply}, shaped as a real mongod's replies. */
export const mongoReply = {
  ok: (fields: Document = {}): MongoReply => ({ type: 'document', document: { ...fields, ok: 1 } }),
  /** A command error: `{ ok: 0, errmsg, code, codeName, errorLabels? }`. */
  commandError: (code: number, codeName: string, errmsg: string, errorLabels?: string[]): MongoReply =>
    ({ type: 'document', document: { ok: 0, errmsg, code, codeName, ...(errorLabels ? { errorLabels } : {}) } }),
  /** A write that failed on its first document: `{ ok: 1, n: 0, writeErrors: [...] }`, as mongod reports them. */
  writeError: (code: number, errmsg: string, details: Document = {}): MongoReply =>
    ({ type: 'document', document: { ok: 1, n: 0, writeErrors: [{ index: 0, code, errmsg, ...details }] } }),
  /** Applied on the primary, but the write concern was not satisfied: `{ ok: 1, writeConcernError }`. */
  writeConcernError: (code: number, codeName: string, errmsg: string, details: Document = {}): MongoReply =>
    ({ type: 'document', document: { ok: 1, n: 1, writeConcernError: { code, codeName, errmsg, ...details } } }),
  closeSocket: (): MongoReply => ({ type: 'close-socket' }),
  hang: (): MongoReply => ({ type: 'hang' }),
};

/** A command the server received after the handshake (monitoring `hello`s are not recorded). */
export interface ReceivedCommand {
  readonly name: string;
  readonly body: Document;
}

const ALWAYS_OK = new Set(['ping', 'buildinfo', 'endsessions', 'aborttransaction', 'committransaction', 'killcursors']);
const HELLO = new Set(['hello', 'ismaster']);

export class MongoWireServer {
  /** Every command received after the handshake, in order. */
  readonly received: ReceivedCommand[] = [];
  private readonly scripts = new Map<string, MongoReply[]>();
  private readonly sockets = new Set<Socket>();
  private nextRequestId = 1;
  private connections = 0;
  private hangingHandshakes = false;

  private constructor(private readonly server: Server, private readonly standalone: boolean) {}

  static async start(options: { standalone?: boolean } = {}): Promise<MongoWireServer> {
    const server = createServer();
    const wire = new MongoWireServer(server, options.standalone === true);
    server.on('connection', (socket) => wire.serve(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return wire;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** A connection string for the driver (one host, so no other member is ever looked for). */
  get uri(): string {
    return `mongodb://127.0.0.1:${this.port}/?directConnection=true`;
  }

  /** Queues replies for a command, consumed one per call (`find`, `insert`, `saslStart`, ...). */
  script(command: string, ...replies: MongoReply[]): this {
    const key = command.toLowerCase();
    this.scripts.set(key, [...(this.scripts.get(key) ?? []), ...replies]);
    return this;
  }

  /**
   * From now on, a new connection's handshake (its first `hello`) is never answered: the driver's
   * connect timeout then fires before the handshake. Connections already open keep working.
   */
  hangNewHandshakes(): void {
    this.hangingHandshakes = true;
  }

  /** How many times a command was received. */
  count(command: string): number {
    return this.received.filter((received) => received.name.toLowerCase() === command.toLowerCase()).length;
  }

  /** Stops listening and destroys every open connection. */
  async close(): Promise<void> {
    // Stop accepting first: a connection accepted between the destroys and the close would keep
    // close() waiting.
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    const connectionId = ++this.connections;
    const hangsHandshake = this.hangingHandshakes;
    let handshaken = false;
    let pending = Buffer.alloc(0);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {}); // a client that goes away mid-reply is not the test's concern
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= HEADER_BYTES && pending.length >= pending.readInt32LE(0)) {
        const length = pending.readInt32LE(0);
        if (!handshaken && hangsHandshake) return; // nothing more is answered on this connection
        handshaken = true;
        this.handle(socket, connectionId, pending.subarray(0, length));
        pending = pending.subarray(length);
      }
    });
  }

  private handle(socket: Socket, connectionId: number, message: Buffer): void {
    const requestId = message.readInt32LE(4);
    const opCode = message.readInt32LE(12);
    if (opCode === OP_QUERY) {
      // flags (4), the collection name (a C string), numberToSkip (4), numberToReturn (4), the query.
      const nameEnd = message.indexOf(0, HEADER_BYTES + 4);
      const query = BSON.deserialize(message.subarray(nameEnd + 1 + 8));
      this.answer(socket, requestId, OP_QUERY, this.reply(query, connectionId));
      return;
    }
    if (opCode !== OP_MSG) {
      socket.destroy(); // OP_COMPRESSED and the removed legacy opcodes: the driver never sends them here
      return;
    }
    const flags = message.readUInt32LE(HEADER_BYTES);
    const end = message.length - ((flags & CHECKSUM_PRESENT) !== 0 ? 4 : 0);
    let body: Document = {};
    const sequences: Document = {};
    for (let offset = HEADER_BYTES + 4; offset < end;) {
      const kind = message[offset];
      const size = message.readInt32LE(offset + 1);
      if (kind === 0) {
        body = BSON.deserialize(message.subarray(offset + 1, offset + 1 + size));
      } else {
        // A document sequence: its size, its identifier (a C string), then documents to its end.
        const idEnd = message.indexOf(0, offset + 5);
        const documents: Document[] = [];
        for (let at = idEnd + 1; at < offset + 1 + size; at += message.readInt32LE(at)) {
          documents.push(BSON.deserialize(message.subarray(at, at + message.readInt32LE(at))));
        }
        sequences[message.toString('utf8', offset + 5, idEnd)] = documents;
      }
      offset += 1 + size;
    }
    this.answer(socket, requestId, OP_MSG, this.reply({ ...body, ...sequences }, connectionId));
  }

  private reply(command: Document, connectionId: number): MongoReply {
    const name = Object.keys(command)[0] ?? '';
    const key = name.toLowerCase();
    if (HELLO.has(key)) return mongoReply.ok(this.hello(connectionId));
    this.received.push({ name, body: command });
    const scripted = this.scripts.get(key)?.shift();
    if (scripted) return scripted;
    if (ALWAYS_OK.has(key)) return mongoReply.ok(key === 'buildinfo' ? { version: '7.0.0', versionArray: [7, 0, 0, 0] } : {});
    return mongoReply.commandError(59, 'CommandNotFound', `no such command: '${name}'`);
  }

  private hello(connectionId: number): Document {
    const me = `127.0.0.1:${this.port}`;
    return {
      helloOk: true, isWritablePrimary: true, ismaster: true,
      ...(this.standalone ? {} : { setName: 'rs0', setVersion: 1, hosts: [me], primary: me, me, electionId: new BSON.ObjectId('7fffffff0000000000000001') }),
      maxBsonObjectSize: 16 * 1024 * 1024, maxMessageSizeBytes: 48_000_000, maxWriteBatchSize: 100_000,
      localTime: new Date(), logicalSessionTimeoutMinutes: 30, connectionId, minWireVersion: 0, maxWireVersion: 21, readOnly: false,
    };
  }

  private answer(socket: Socket, responseTo: number, requestOpCode: number, reply: MongoReply): void {
    if (reply.type === 'hang') return;
    if (reply.type === 'close-socket') {
      socket.destroy();
      return;
    }
    const document = BSON.serialize(reply.document);
    // OP_REPLY answers an OP_QUERY: flags, cursorId (int64), startingFrom, numberReturned, documents.
    // OP_MSG answers an OP_MSG: flagBits, then one kind-0 section holding the reply.
    const prefix = Buffer.alloc(requestOpCode === OP_QUERY ? 20 : 5);
    if (requestOpCode === OP_QUERY) prefix.writeInt32LE(1, 16);
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeInt32LE(HEADER_BYTES + prefix.length + document.length, 0);
    header.writeInt32LE(this.nextRequestId++, 4);
    header.writeInt32LE(responseTo, 8);
    header.writeInt32LE(requestOpCode === OP_QUERY ? OP_REPLY : OP_MSG, 12);
    socket.write(Buffer.concat([header, prefix, document]));
  }
}
