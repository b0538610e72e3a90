import {
  MessageFramer,
  PROTOCOL_V3,
  ProtocolError,
  SSL_REQUEST,
  cleartextPasswordRequest,
  fatalError,
  parseNotification,
  passwordOf,
  readyForQueryStatus,
  startupParameters,
  wireMessage,
} from './pg-wire';

function packet(code: number, body = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + body.length, 0);
  header.writeInt32BE(code, 4);
  return Buffer.concat([header, body]);
}

const startup = packet(PROTOCOL_V3, Buffer.from('user\0app\0database\0db\0\0'));
const sslRequest = packet(SSL_REQUEST);
const query = wireMessage('Q', 'SELECT 1\0');
const parse = wireMessage('P', '\0SELECT $1::int\0\0\0');
const sync = wireMessage('S', '');

/** Feeds the chunks one by one and returns every message, as `type` (or `code`) and bytes. */
function frame(framer: MessageFramer, chunks: Buffer[]): Array<{ type: string; code?: number; bytes: Buffer }> {
  return chunks.flatMap((chunk) => framer.push(chunk));
}

/** Cuts a buffer at the given offsets. */
function cut(bytes: Buffer, ...at: number[]): Buffer[] {
  const bounds = [0, ...at, bytes.length];
  return bounds.slice(1).map((end, i) => bytes.subarray(bounds[i], end));
}

describe('MessageFramer', () => {
  it('reads an SSLRequest, then the StartupMessage, then typed messages, all from one chunk', () => {
    const messages = frame(new MessageFramer({ startup: true }), [Buffer.concat([sslRequest, startup, query, parse, sync])]);
    expect(messages.map((m) => m.type || m.code)).toEqual([SSL_REQUEST, PROTOCOL_V3, 'Q', 'P', 'S']);
    expect(messages[1].bytes).toEqual(startup);
    expect(messages[2].bytes).toEqual(query);
    expect(messages[3].bytes).toEqual(parse);
    expect(messages[4].bytes).toEqual(sync);
  });

  it('stays in the startup phase after an SSLRequest sent on its own', () => {
    const framer = new MessageFramer({ startup: true });
    expect(framer.push(sslRequest).map((m) => m.code)).toEqual([SSL_REQUEST]);
    expect(framer.push(startup).map((m) => m.code)).toEqual([PROTOCOL_V3]);
    expect(framer.push(query).map((m) => m.type)).toEqual(['Q']);
  });

  it('reassembles a startup packet and messages cut at every byte', () => {
    const stream = Buffer.concat([startup, query, parse, sync]);
    const messages = frame(
      new MessageFramer({ startup: true }),
      [...stream].map((byte) => Buffer.from([byte])),
    );
    expect(messages.map((m) => m.type || m.code)).toEqual([PROTOCOL_V3, 'Q', 'P', 'S']);
    expect(Buffer.concat(messages.map((m) => m.bytes))).toEqual(stream);
  });

  it('cuts inside a header and inside a body, across chunks that also complete other messages', () => {
    const framer = new MessageFramer({ startup: false });
    const stream = Buffer.concat([query, parse, sync, query]);
    const chunks = cut(stream, 3, query.length + 2, query.length + parse.length + 1);
    expect(framer.push(chunks[0])).toEqual([]);
    expect(framer.push(chunks[1]).map((m) => m.type)).toEqual(['Q']);
    expect(framer.push(chunks[2]).map((m) => m.type)).toEqual(['P']);
    expect(framer.push(chunks[3]).map((m) => m.type)).toEqual(['S', 'Q']);
  });

  it('joins a large message that arrives in many chunks', () => {
    const big = wireMessage('Q', `SELECT '${'x'.repeat(300_000)}'\0`);
    const chunks = cut(big, ...Array.from({ length: 20 }, (_, i) => (i + 1) * 15_000));
    const framer = new MessageFramer({ startup: false });
    const messages = frame(framer, chunks);
    expect(messages).toHaveLength(1);
    expect(messages[0].bytes).toEqual(big);
  });

  it('returns slices of a chunk that holds whole messages, not copies', () => {
    const chunk = Buffer.concat([query, sync]);
    const [first] = new MessageFramer({ startup: false }).push(chunk);
    expect(first.bytes.buffer).toBe(chunk.buffer);
  });

  it('rejects impossible lengths', () => {
    const badTyped = Buffer.from([0x51, 0, 0, 0, 3]);
    expect(() => new MessageFramer({ startup: false }).push(badTyped)).toThrow(ProtocolError);
    const hugeStartup = Buffer.from([0, 1, 0, 0, 0, 3, 0, 0]);
    expect(() => new MessageFramer({ startup: true }).push(hugeStartup)).toThrow(ProtocolError);
  });
});

describe('authentication messages', () => {
  it('reads the parameters of a StartupMessage and the text of a PasswordMessage', () => {
    const [message] = new MessageFramer({ startup: true }).push(startup);
    expect(startupParameters(message)).toEqual({ user: 'app', database: 'db' });
    const [password] = new MessageFramer({ startup: false }).push(wireMessage('p', 'pä ss\0'));
    expect(passwordOf(password).toString('utf8')).toBe('pä ss');
  });

  it('asks for a cleartext password', () => {
    expect(cleartextPasswordRequest()).toEqual(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]));
  });
});

describe('backend messages', () => {
  const framer = () => new MessageFramer({ startup: false });

  it('reads the transaction status of ReadyForQuery', () => {
    const [idle, inTransaction, failed] = framer().push(
      Buffer.concat([wireMessage('Z', 'I'), wireMessage('Z', 'T'), wireMessage('Z', 'E')]),
    );
    expect([idle, inTransaction, failed].map(readyForQueryStatus)).toEqual(['I', 'T', 'E']);
  });

  it('reads channel and payload of a NotificationResponse', () => {
    const pid = Buffer.alloc(4);
    pid.writeInt32BE(42);
    const [message] = framer().push(wireMessage('A', Buffer.concat([pid, Buffer.from('jobs\0{"id":"é"}\0')])));
    expect(parseNotification(message)).toEqual({ channel: 'jobs', payload: '{"id":"é"}' });
  });

  it('builds a FATAL ErrorResponse', () => {
    const [message] = framer().push(fatalError('08P01', 'nope'));
    expect(message.type).toBe('E');
    expect(message.bytes.subarray(5).toString()).toBe('SFATAL\0VFATAL\0C08P01\0Mnope\0\0');
  });
});
