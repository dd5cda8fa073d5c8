import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { eventIdOf, OutgoingEvent } from '../events/outgoing-event';
import { CompanyHub, HubDeps, LiveStream, PAGE_SIZE, STALL_MS } from './live-stream';

// The hub's backpressure and the stream's cursor, against a fake socket
// and a fake log: no database.

const ALL = { callId: null, agentId: null, types: null };

function events(n: number): OutgoingEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    id: eventIdOf({ tx: String(1000 + i), id: String(i + 1) }),
    type: 'call.hold',
    created_at: '2026-12-01T10:00:00.000Z',
    company: 'acme',
    data: { call_id: 1, seq: i + 1, event: { type: 'hold' }, status: 'connected', previous_status: 'connected', call: { id: 1 } },
  }));
}

// A socket that takes `room` writes, then answers false until drained.
class FakeResponse extends EventEmitter {
  readonly chunks: string[] = [];
  room = Infinity;
  full = false;
  writesWhileFull = 0;
  ended: string | undefined;
  destroyed = false;

  write(chunk: string): boolean {
    if (this.full) this.writesWhileFull += 1;
    this.chunks.push(chunk);
    this.room -= 1;
    if (this.room < 0) this.full = true;
    return !this.full;
  }

  drain(room: number): void {
    this.room = room;
    this.full = false;
    this.emit('drain');
  }

  end(chunk?: string): void {
    this.ended = chunk ?? '';
  }

  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

function hubOver(log: OutgoingEvent[]): { hub: CompanyHub; reads: Array<string | null> } {
  const reads: Array<string | null> = [];
  const deps = {
    events: {
      readAfter: async (_company: string, after: string | null, limit: number) => {
        reads.push(after);
        const from = after === null ? 0 : log.findIndex((e) => e.id === after) + 1;
        return log.slice(from, from + limit);
      },
    },
    repository: { currentAgents: async () => new Map() },
    feed: { tail: async () => log.at(-1)?.id ?? null },
    resetMessage: 'reset',
    logger: new Logger('test'),
  } as unknown as HubDeps;
  return { hub: new CompanyHub('1', deps), reads };
}

const sentIds = (response: FakeResponse) => response.chunks.filter((c) => c.startsWith('id: ')).map((c) => c.slice(4, c.indexOf('\n')));

describe('the live-stream hub', () => {
  it('reads the next page only once the socket drained, and resumes exactly where the stream stopped', async () => {
    const log = events(250);
    const { hub, reads } = hubOver(log);
    const response = new FakeResponse();
    response.room = 30;
    const stream = new LiveStream(ALL, null, response as unknown as ServerResponse, () => hub.wake(), () => hub.streams.delete(stream));
    hub.streams.add(stream);

    hub.wake();
    await hub.idle();
    // 31 writes: the 31st was buffered (write answered false) and the stream stopped there.
    expect(sentIds(response)).toEqual(log.slice(0, 31).map((e) => e.id));
    expect(stream.cursor).toBe(log[30].id);
    expect(reads).toEqual([null]);
    // Woken meanwhile (another commit): a stream waiting for its socket is not read for.
    hub.wake();
    await hub.idle();
    expect(reads).toEqual([null]);

    response.drain(Infinity);
    await hub.idle();
    await new Promise((resolve) => setImmediate(resolve));
    await hub.idle();
    expect(sentIds(response)).toEqual(log.map((e) => e.id));
    expect(response.writesWhileFull).toBe(0);
    expect(reads).toEqual([null, log[30].id, log[30 + PAGE_SIZE].id, log[30 + 2 * PAGE_SIZE].id]);
  });

  it('shares one read among streams at the same cursor and keeps a cursor of its own for each', async () => {
    const log = events(5);
    const { hub, reads } = hubOver(log);
    const [r1, r2, r3] = [new FakeResponse(), new FakeResponse(), new FakeResponse()];
    const make = (response: FakeResponse, cursor: string | null) => {
      const stream = new LiveStream(ALL, cursor, response as unknown as ServerResponse, () => hub.wake(), () => hub.streams.delete(stream));
      hub.streams.add(stream);
      return stream;
    };
    make(r1, null);
    make(r2, null);
    make(r3, log[2].id);
    hub.wake();
    await hub.idle();
    expect(reads).toEqual([null, log[2].id]);
    expect(sentIds(r1)).toEqual(log.map((e) => e.id));
    expect(sentIds(r2)).toEqual(log.map((e) => e.id));
    expect(sentIds(r3)).toEqual(log.slice(3).map((e) => e.id));
  });

  it('resets a stream at an event whose payload is gone, instead of sending it', async () => {
    const log = events(4);
    log[2].data.call = null;
    const { hub } = hubOver(log);
    const response = new FakeResponse();
    const stream = new LiveStream(ALL, null, response as unknown as ServerResponse, () => hub.wake(), () => hub.streams.delete(stream));
    hub.streams.add(stream);
    hub.wake();
    await hub.idle();
    expect(response.chunks[0]).toContain(`id: ${log[0].id}`);
    expect(response.chunks[1]).toContain(`id: ${log[1].id}`);
    expect(response.chunks[2]).toBe(`id: ${log[3].id}\nevent: reset\ndata: {"message":"reset"}\n\n`);
    expect(response.chunks).toHaveLength(3);
    expect(stream.cursor).toBe(log[3].id);
  });

  it('pings on the heartbeat, and drops a client that read nothing for STALL_MS', () => {
    const response = new FakeResponse();
    let closed = false;
    const stream = new LiveStream(ALL, null, response as unknown as ServerResponse, () => undefined, () => (closed = true));
    const now = Date.now();
    stream.tick(now + 10, 1000, 50);
    expect(response.chunks).toEqual([]);
    stream.tick(now + 1000, 1000, 50);
    expect(response.chunks).toEqual([': ping\n\n']);
    response.room = 0; // the next write fills the socket
    stream.tick(now + 2000, 1000, 50);
    expect(stream.ready).toBe(false);
    stream.tick(now + 2000 + STALL_MS, 1000, 50);
    expect(response.ended).toMatch(/^: closing: this client has not read its events/);
    expect(response.destroyed).toBe(false);
    stream.tick(now + 2000 + STALL_MS + 5000, 1000, 50);
    expect(response.destroyed).toBe(true);
    expect(closed).toBe(true);
  });
});
