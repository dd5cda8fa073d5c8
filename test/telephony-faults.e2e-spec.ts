// Faults of the simulator (duplicated, reordered, lost final events) over
// 1,000 generated call scripts: every call ends as its script, delivered in
// order, says (with a lost final event: as the engine must then decide it,
// by the media timeout, the ring timer or the watchdog); none stays live;
// every call's log replays to the call.
import fc from 'fast-check';
import { replay } from '../src/calls/lifecycle/machine/call-projection';
import { SimulatorAdapter } from '../src/telephony/simulator/simulator.adapter';
import { TestApp } from './support/test-app';
import { ENDED, FAST_TELEPHONY, TelephonyCompany, addProvider, dialOut, seedTelephonyCompany } from './support/telephony-fixtures';

const CALLS = 1000;

const script = fc.record({
  outcome: fc.constantFrom('answer', 'busy', 'no_answer', 'wrong_number', 'provider_error', 'no_response'),
  ring_ms: fc.integer({ min: 0, max: 40 }),
  hangup_after_ms: fc.integer({ min: 0, max: 80 }),
  dtmf: fc.array(fc.record({ after_ms: fc.integer({ min: 0, max: 60 }), digits: fc.stringMatching(/^[0-9*#]{1,3}$/) }), { maxLength: 2 }),
  faults: fc.record({ duplicate_events: fc.boolean(), reorder_events: fc.boolean(), drop_final_event: fc.boolean() }),
});
type Script = typeof script extends fc.Arbitrary<infer T> ? T : never;

// The end the script gives.
function expectedEnd(s: Script): { status: string; fail_reason: string; disconnected_by?: string; fail_details?: string } {
  const lost = s.faults.drop_final_event;
  switch (s.outcome) {
    case 'answer':
      return lost
        ? { status: 'finished', fail_reason: 'nothing', disconnected_by: 'disconnected_by_system', fail_details: 'media timeout' }
        : { status: 'finished', fail_reason: 'nothing', disconnected_by: 'disconnected_by_end_user' };
    case 'busy':
      return { status: 'failed', fail_reason: lost ? 'eu_no_answer' : 'eu_busy' }; // it rang: the ring timer
    case 'no_answer':
      return { status: 'failed', fail_reason: 'eu_no_answer' };
    case 'wrong_number':
      return { status: 'failed', fail_reason: lost ? 'expired' : 'eu_wrong_number' }; // nothing came: the watchdog
    case 'provider_error':
      return { status: 'failed', fail_reason: lost ? 'expired' : 'voip_conn_general' };
    default:
      return { status: 'failed', fail_reason: lost ? 'expired' : 'voip_conn_timeout' };
  }
}

describe('telephony: simulator faults over generated call scripts', () => {
  let t: TestApp;
  let f: TelephonyCompany;

  beforeAll(async () => {
    // A ring timeout long enough that a loaded machine (the whole suite
    // running beside) still applies an answer before it.
    t = await TestApp.start({ ...FAST_TELEPHONY, TELEPHONY_RING_TIMEOUT_MS: '8000', TELEPHONY_WATCHDOG_GRACE_MS: '1000' });
    f = await seedTelephonyCompany(t, CALLS);
  });
  afterAll(() => t.close());

  it(`${CALLS} scripts: each call ends as its script says, none stays live, every log replays`, async () => {
    const scripts = fc.sample(script, { numRuns: CALLS, seed: 1313 });
    const provider = await addProvider(t, f, { name: 'faulty' });
    const numbers = scripts.map((_, i) => `+1859${String(5000000 + i)}`);
    // One rule per call, straight into the table (the rules API has its own tests).
    await t.db.query(
      `INSERT INTO simulator_rules (company_id, provider_id, number, outcome, ring_ms, dtmf, hangup_after_ms, faults)
       SELECT $1, $2, r.number, r.outcome, r.ring_ms, r.dtmf, r.hangup_after_ms, r.faults
         FROM jsonb_to_recordset($3::jsonb) AS r (number text, outcome text, ring_ms int, dtmf jsonb, hangup_after_ms int, faults jsonb)`,
      [f.companyId, provider, JSON.stringify(scripts.map((s, i) => ({ number: numbers[i], ...s })))],
    );
    const ids = await inBatches(scripts.map((_, i) => () => dialOut(t, f, numbers[i], f.callers[i])), 20);

    const deadline = Date.now() + 150_000;
    for (;;) {
      const [{ live }] = await t.db.query(`SELECT count(*)::int AS live FROM calls WHERE id = ANY($1) AND status <> ALL($2)`, [ids, ENDED]);
      if (live === 0) break;
      if (Date.now() > deadline) throw new Error(`${live} calls still live`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const rows = await t.db.query(`SELECT id::int AS id, status, fail_reason, fail_details, disconnected_by FROM calls WHERE id = ANY($1)`, [ids]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const wrong: unknown[] = [];
    scripts.forEach((s, i) => {
      const call = byId.get(ids[i]);
      const want = expectedEnd(s);
      const got = { status: call.status, fail_reason: call.fail_reason, ...(want.disconnected_by ? { disconnected_by: call.disconnected_by } : {}), ...(want.fail_details ? { fail_details: call.fail_details } : {}) };
      if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push({ script: s, want, got, call: ids[i] });
    });
    expect(wrong.slice(0, 5)).toEqual([]);

    // Duplicates applied nothing, late events moved nothing: each log replays to its call.
    const events = await t.db.query(`SELECT call_id::int AS call_id, seq, type, from_status, to_status, data, created_at FROM call_events WHERE call_id = ANY($1)`, [ids]);
    const logs = new Map<number, any[]>();
    for (const e of events) logs.set(e.call_id, [...(logs.get(e.call_id) ?? []), e]);
    for (const id of ids) {
      const replayed = replay(logs.get(id)!);
      expect({ id, status: replayed.status, fail_reason: replayed.fail_reason }).toEqual({ id, status: byId.get(id).status, fail_reason: byId.get(id).fail_reason });
    }
    expect(t.app.get(SimulatorAdapter).dials).toHaveLength(CALLS);
    // Reordered events were put back in order before they applied: the only
    // stale events are the provider's confirmations of the engine's own
    // cancel, which come after the call ended.
    const stale = events.filter((e) => e.data?.stale === true && !(e.type === 'hangup' && e.data.provider?.cause === 'local_hangup'));
    expect(stale.slice(0, 5)).toEqual([]);
    // Each key press once, however often it was delivered.
    const pressesWrong = scripts.flatMap((s, i) => {
      const want = s.outcome !== 'answer' ? 0 : s.dtmf.reduce((n, press) => n + [...press.digits].filter((_, k) => press.after_ms + k * 100 < s.hangup_after_ms).length, 0);
      const got = logs.get(ids[i])!.filter((e) => e.type === 'dtmf').length;
      return got === want ? [] : [{ call: ids[i], want, got }];
    });
    expect(pressesWrong.slice(0, 5)).toEqual([]);
  }, 200_000);
});

async function inBatches<T>(work: Array<() => Promise<T>>, size: number): Promise<T[]> {
  const results: T[] = new Array(work.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < work.length) {
        const i = next++;
        results[i] = await work[i]();
      }
    }),
  );
  return results;
}
