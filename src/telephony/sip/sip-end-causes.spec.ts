import { causeOfStatus, legEndFromClosed } from './sip-end-causes';

const ringing = { answered: false, hungUpByUs: false, ringTimedOut: false };
const up = { answered: true, hungUpByUs: false, ringTimedOut: false };

describe('legEndFromClosed (the spec\'s outcome table over baresip\'s CALL_CLOSED)', () => {
  it.each([
    ['486 Busy Here', ringing, 'busy', 486],
    ['486 Rejected', ringing, 'busy', 486],
    ['600 Busy Everywhere', ringing, 'busy', 600],
    ['404 Not Found', ringing, 'wrong_number', 404],
    ['484 Address Incomplete', ringing, 'wrong_number', 484],
    ['604 Does Not Exist Anywhere', ringing, 'wrong_number', 604],
    ['408 Request Timeout', ringing, 'provider_error', 408],
    ['480 Temporarily Unavailable', ringing, 'provider_error', 480],
    ['503 Service Unavailable', ringing, 'provider_error', 503],
    ['407 Proxy Authentication Required', ringing, 'provider_error', 407],
    ['Connection refused', ringing, 'provider_error', null],
    ['Connection timed out', ringing, 'no_response', null],
    ['Connection reset by peer', up, 'remote_hangup', null],
    ['Connection reset by user', up, 'local_hangup', null],
    ['Connection reset by user', ringing, 'local_hangup', null],
    ['Connection reset by user', { ...ringing, hungUpByUs: true, ringTimedOut: true }, 'no_answer', null],
    ['rtp stream error', up, 'media_timeout', null],
    ['end of file', up, 'local_hangup', null],
  ] as const)('%s (%j) → %s', (param, leg, cause, sipCode) => {
    expect(legEndFromClosed(param, leg)).toMatchObject({ cause, sipCode });
  });

  it('keeps baresip\'s text as the reason', () => {
    expect(legEndFromClosed('486 Busy Here', ringing).reason).toBe('486 Busy Here');
    expect(legEndFromClosed('', up).reason).toBe('closed');
  });

  it('487 answers our own CANCEL', () => {
    expect(causeOfStatus(487)).toBe('local_hangup');
  });
});
