// Telephony over real SIP (shared spec telephony.md): the engine's own user
// agent (baresip, started with the app) dials through a `sip` voice
// provider to a second baresip on loopback (test/support/sip-peer.ts), and
// each outcome ends the call as the spec's table says, through the one
// lifecycle; a trunk that fails moves the call to the next provider.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaresipSupervisor } from '../src/telephony/sip/baresip-supervisor';
import { freeSipPorts, SipPeer } from './support/sip-peer';
import { addProvider, dialOut, FAST_TELEPHONY, logOf, seedTelephonyCompany, TelephonyCompany, until, untilStatus } from './support/telephony-fixtures';
import { TestApp } from './support/test-app';

const ANSWERS = '+18596570101';
const BUSY = '+18596570102';
const HANGS_UP = '+18596570103';
const STAYS = '+18596570104';

describe('telephony over real SIP', () => {
  let t: TestApp;
  let f: TelephonyCompany;
  let peer: SipPeer;
  let dataDir: string;
  let next = 0;

  beforeAll(async () => {
    peer = await SipPeer.start({
      [ANSWERS]: { answer: true, hangupAfterMs: 1500, dtmf: { afterMs: 300, digits: '7' } },
      [BUSY]: { reject: true },
      [HANGS_UP]: { answer: true, hangupAfterMs: 300 },
      [STAYS]: { answer: true },
    });
    const { sip, rtp } = await freeSipPorts();
    dataDir = await mkdtemp(join(tmpdir(), 'sb-sip-e2e-'));
    t = await TestApp.start({
      ...FAST_TELEPHONY,
      TELEPHONY_RING_TIMEOUT_MS: '5000',
      SIP_ENABLED: 'true',
      SIP_LISTEN: `127.0.0.1:${sip}`,
      SIP_RTP_PORTS: `${rtp.low}-${rtp.high}`,
      SWITCHBOARD_DATA_DIR: dataDir,
    });
    f = await seedTelephonyCompany(t, 10);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await peer?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('dials the end user on connect: rings, connects, hears a key, and the end user hangs up', async () => {
    const provider = await addProvider(t, f, { name: 'trunk-a', kind: 'sip', sip: { uri: peer.uri } });
    const id = await dialOut(t, f, ANSWERS, f.callers[next++]);
    const call = await untilStatus(t, f, id, ['finished'], 15_000);
    expect(call).toMatchObject({ status: 'finished', disconnected_by: 'disconnected_by_end_user', voip_provider: 'voip_provider_sip' });
    const log = await logOf(t, f, id);
    expect(log.map((e) => e.type)).toEqual(['created', 'connect', 'ringing', 'connected', 'dtmf', 'hangup']);
    expect(log[3].data.provider).toMatchObject({ id: provider, kind: 'sip', reported: 'answered' });
    expect(log[4].data).toMatchObject({ digits: '7' });
    expect(log[5].data.provider).toMatchObject({ reported: 'ended', cause: 'remote_hangup' });
    expect(peer.callTo(ANSWERS)?.events).toContain('CALL_ESTABLISHED');
    await t.patch(`/manager/api/v1/voice_providers/${provider}`, { enabled: false }, f.company);
  }, 30_000);

  it('a busy end user fails the call with eu_busy and the SIP code', async () => {
    const provider = await addProvider(t, f, { name: 'trunk-b', kind: 'sip', sip: { uri: peer.uri } });
    const id = await dialOut(t, f, BUSY, f.callers[next++]);
    const call = await untilStatus(t, f, id, ['failed'], 15_000);
    expect(call).toMatchObject({ status: 'failed', fail_reason: 'eu_busy', voip_provider: 'voip_provider_sip' });
    const log = await logOf(t, f, id);
    expect(log.at(-1)).toMatchObject({ type: 'fail', to: 'failed' });
    expect(log.at(-1).data.provider).toMatchObject({ reported: 'ended', cause: 'busy', sip_code: 486 });
    await t.patch(`/manager/api/v1/voice_providers/${provider}`, { enabled: false }, f.company);
  }, 30_000);

  it('fails over from a trunk that refuses the connection to the next provider, and connects there', async () => {
    const dead = await addProvider(t, f, { name: 'trunk-dead', kind: 'sip', priority: 1, sip: { uri: 'sip:127.0.0.1:9;transport=tcp' } });
    const live = await addProvider(t, f, { name: 'trunk-live', kind: 'sip', priority: 2, sip: { uri: peer.uri } });
    const id = await dialOut(t, f, HANGS_UP, f.callers[next++]);
    const call = await untilStatus(t, f, id, ['finished'], 20_000);
    expect(call).toMatchObject({ status: 'finished', voip_provider: 'voip_provider_sip' });
    const log = await logOf(t, f, id);
    expect(log.map((e) => e.type)).toEqual(expect.arrayContaining(['provider_failed', 'retry', 'connected', 'hangup']));
    expect(log.find((e) => e.type === 'provider_failed').data.provider).toMatchObject({ id: dead, cause: 'provider_error' });
    expect(log.find((e) => e.type === 'connected').data.provider).toMatchObject({ id: live });
    for (const provider of [dead, live]) await t.patch(`/manager/api/v1/voice_providers/${provider}`, { enabled: false }, f.company);
  }, 40_000);

  it('ends the calls of a user agent that died, restarts it, and dials again', async () => {
    const provider = await addProvider(t, f, { name: 'trunk-c', kind: 'sip', priority: 5, sip: { uri: peer.uri } });
    const id = await dialOut(t, f, STAYS, f.callers[next++]);
    await untilStatus(t, f, id, ['connected'], 15_000);
    const supervisor = t.app.get(BaresipSupervisor);
    const pid = supervisor.pid!;
    process.kill(pid, 'SIGKILL');
    const call = await untilStatus(t, f, id, ['finished', 'failed'], 15_000);
    expect(call.status).toBe('finished');
    expect(call.fail_details).toMatch(/user agent|baresip|pid/i);
    await until('baresip restarted', () => supervisor.pid !== undefined && supervisor.pid !== pid);
    const again = await dialOut(t, f, HANGS_UP, f.callers[next++]);
    expect((await untilStatus(t, f, again, ['finished'], 15_000)).status).toBe('finished');
    await t.patch(`/manager/api/v1/voice_providers/${provider}`, { enabled: false }, f.company);
  }, 60_000);
});
