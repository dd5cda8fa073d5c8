import type { OutgoingEvent } from '../events/outgoing-event';
import { OUTGOING_EVENT_TYPES } from '../events/outgoing-event';
import { matches, parseListQuery, parseStreamQuery } from './event-filters';
import { LiveError, LiveMessages } from './live-errors';

const ID_A = `evt_${'0'.repeat(19)}7${'0'.repeat(19)}1`;
const ID_B = `evt_${'0'.repeat(19)}8${'0'.repeat(19)}2`;

function event(type: string, callId: number, call: unknown): OutgoingEvent {
  return { id: ID_A, type, created_at: '2026-12-01T10:00:00.000Z', company: 'acme', data: { call_id: callId, seq: 1, event: { type }, status: 'queued', previous_status: null, call } };
}

function refusal(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (error instanceof LiveError) return error.message;
    throw error;
  }
  throw new Error('not refused');
}

describe('the live stream query', () => {
  it('reads the filters and the cursor; Last-Event-ID wins over after=', () => {
    const parsed = parseStreamQuery({ call_id: '42', agent_email: ' Ada@Example.com ', types: 'call.assign, call.hangup,', after: ID_A }, ID_B);
    expect(parsed.filter).toEqual({ callId: 42, agentId: null, types: new Set(['call.assign', 'call.hangup']) });
    expect(parsed.agentEmail).toBe('Ada@Example.com');
    expect(parsed.after).toEqual({ id: ID_B, position: { tx: '8', id: '2' } });
    expect(parseStreamQuery({ after: ID_A }, undefined).after?.position).toEqual({ tx: '7', id: '1' });
    expect(parseStreamQuery({ types: ['call.assign', 'call.created'] }, '').filter.types).toEqual(new Set(['call.assign', 'call.created']));
    expect(parseStreamQuery({ types: '' }, undefined).filter.types).toBeNull();
  });

  it.each([
    [{ types: 'call.assign,call.nope' }, undefined, LiveMessages.typeUnknown('call.nope', OUTGOING_EVENT_TYPES)],
    [{ call_id: '-1' }, undefined, LiveMessages.callIdNotWellFormed],
    [{ call_id: '1e3' }, undefined, LiveMessages.callIdNotWellFormed],
    [{ call_id: ['1', '2'] }, undefined, LiveMessages.parameterOnce('call_id')],
    [{ agent_email: '  ' }, undefined, LiveMessages.agentEmailNotWellFormed],
    [{ after: 'evt_42' }, undefined, LiveMessages.eventIdNotWellFormed('after')],
    [{}, 'garbage', LiveMessages.eventIdNotWellFormed('Last-Event-ID')],
  ])('refuses %j (Last-Event-ID %j)', (query, header, message) => {
    expect(refusal(() => parseStreamQuery(query as Record<string, unknown>, header))).toBe(message);
  });

  it('bounds the list limit', () => {
    expect(parseListQuery({}).limit).toBe(100);
    expect(parseListQuery({ limit: '1000' }).limit).toBe(1000);
    for (const limit of ['0', '1001', 'x', '2.5']) expect(refusal(() => parseListQuery({ limit }))).toBe(LiveMessages.limitOutOfRange(1000));
  });
});

describe('matching an event', () => {
  const none = new Map<string, string | null>();
  const filter = { callId: null, agentId: null, types: null };

  it('by type and call', () => {
    expect(matches({ ...filter, types: new Set(['call.hangup']) }, event('call.assign', 1, {}), none)).toBe(false);
    expect(matches({ ...filter, types: new Set(['call.assign']) }, event('call.assign', 1, {}), none)).toBe(true);
    expect(matches({ ...filter, callId: 2 }, event('call.assign', 1, {}), none)).toBe(false);
    expect(matches({ ...filter, callId: 1 }, event('call.assign', 1, {}), none)).toBe(true);
  });

  it('by agent: the call assigned to them now, or at the event (its agent or a participant)', () => {
    const byAgent = { ...filter, agentId: '7' };
    expect(matches(byAgent, event('call.created', 1, { agent_info: null, participants: [] }), none)).toBe(false);
    expect(matches(byAgent, event('call.created', 1, { agent_info: null, participants: [] }), new Map([['1', '7']]))).toBe(true);
    expect(matches(byAgent, event('call.assign', 1, { agent_info: { id: 7 }, participants: [] }), new Map([['1', '8']]))).toBe(true);
    expect(matches(byAgent, event('call.transfer_completed', 1, { agent_info: { id: 8 }, participants: [{ user_id: 7 }] }), none)).toBe(true);
    expect(matches(byAgent, event('call.hangup', 1, { agent_info: { id: 8 }, participants: [{ user_id: 8 }, { user_id: null }] }), none)).toBe(false);
  });
});
