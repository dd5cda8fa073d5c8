import { BusinessHours, isWithinBusinessHours, menuIsAfterHoursAt, normalizeBusinessHours, validateBusinessHours } from './business-hours';

const nineToFive: Array<[string, string]> = [['09:00', '17:00']];
const weekdays = (zone: string, extra: Partial<BusinessHours> = {}): BusinessHours => ({
  time_zone: zone,
  weekly: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive },
  ...extra,
});
const at = (iso: string) => new Date(iso);

describe('isWithinBusinessHours', () => {
  describe('America/New_York', () => {
    const hours = weekdays('America/New_York');

    it('judges an ordinary winter day on EST (UTC-5), half-open at both ends', () => {
      expect(isWithinBusinessHours(hours, at('2026-03-02T13:59:59Z'))).toBe(false); // Mon 08:59:59
      expect(isWithinBusinessHours(hours, at('2026-03-02T14:00:00Z'))).toBe(true); // Mon 09:00
      expect(isWithinBusinessHours(hours, at('2026-03-02T21:59:59Z'))).toBe(true); // Mon 16:59:59
      expect(isWithinBusinessHours(hours, at('2026-03-02T22:00:00Z'))).toBe(false); // Mon 17:00
    });

    it('moves with the spring change (Sunday 2026-03-08): Monday 08:30 EDT is closed, 09:30 EDT open', () => {
      // 12:30Z is 08:30 EDT; a fixed EST offset would call it 07:30.
      expect(isWithinBusinessHours(hours, at('2026-03-09T12:30:00Z'))).toBe(false);
      // 13:30Z is 09:30 EDT; a fixed EST offset would call it 08:30 (closed).
      expect(isWithinBusinessHours(hours, at('2026-03-09T13:30:00Z'))).toBe(true);
      expect(isWithinBusinessHours(hours, at('2026-03-09T13:00:00Z'))).toBe(true); // 09:00 EDT
      expect(isWithinBusinessHours(hours, at('2026-03-09T21:00:00Z'))).toBe(false); // 17:00 EDT
    });

    it('moves with the autumn change (Sunday 2026-11-01): Monday 08:30 EST is closed, 09:00 EST open', () => {
      // 13:30Z is 08:30 EST; a fixed EDT offset would call it 09:30 (open).
      expect(isWithinBusinessHours(hours, at('2026-11-02T13:30:00Z'))).toBe(false);
      expect(isWithinBusinessHours(hours, at('2026-11-02T14:00:00Z'))).toBe(true);
      // 21:30Z is 16:30 EST; a fixed EDT offset would call it 17:30 (closed).
      expect(isWithinBusinessHours(hours, at('2026-11-02T21:30:00Z'))).toBe(true);
    });

    it('counts both passes of the repeated hour on the autumn Sunday as 01:xx', () => {
      const night: BusinessHours = { time_zone: 'America/New_York', weekly: { sun: [['01:00', '02:00']] } };
      expect(isWithinBusinessHours(night, at('2026-11-01T05:30:00Z'))).toBe(true); // 01:30 EDT
      expect(isWithinBusinessHours(night, at('2026-11-01T06:30:00Z'))).toBe(true); // 01:30 EST, again
      expect(isWithinBusinessHours(night, at('2026-11-01T07:00:00Z'))).toBe(false); // 02:00 EST
    });

    it('never opens an interval that lies in the hour skipped in spring', () => {
      const skipped: BusinessHours = { time_zone: 'America/New_York', weekly: { sun: [['02:00', '03:00']] } };
      expect(isWithinBusinessHours(skipped, at('2026-03-08T06:59:59Z'))).toBe(false); // 01:59:59 EST
      expect(isWithinBusinessHours(skipped, at('2026-03-08T07:00:00Z'))).toBe(false); // 03:00 EDT
    });
  });

  describe('Europe/Berlin', () => {
    const hours = weekdays('Europe/Berlin');

    it('moves with the spring change (Sunday 2026-03-29): Monday 08:30 CEST is closed, 09:00 CEST open', () => {
      expect(isWithinBusinessHours(hours, at('2026-03-27T07:30:00Z'))).toBe(false); // Fri 08:30 CET
      expect(isWithinBusinessHours(hours, at('2026-03-27T08:00:00Z'))).toBe(true); // Fri 09:00 CET
      // 07:30Z is 09:30 CEST (open); a fixed CET offset would call it 08:30.
      expect(isWithinBusinessHours(hours, at('2026-03-30T06:30:00Z'))).toBe(false); // 08:30 CEST
      expect(isWithinBusinessHours(hours, at('2026-03-30T07:00:00Z'))).toBe(true); // 09:00 CEST
      expect(isWithinBusinessHours(hours, at('2026-03-30T15:00:00Z'))).toBe(false); // 17:00 CEST
    });

    it('moves with the autumn change (Sunday 2026-10-25): Monday 08:30 CET is closed, 09:00 CET open', () => {
      expect(isWithinBusinessHours(hours, at('2026-10-26T07:30:00Z'))).toBe(false); // 08:30 CET
      expect(isWithinBusinessHours(hours, at('2026-10-26T08:00:00Z'))).toBe(true); // 09:00 CET
      expect(isWithinBusinessHours(hours, at('2026-10-26T15:30:00Z'))).toBe(true); // 16:30 CET
      expect(isWithinBusinessHours(hours, at('2026-10-26T16:00:00Z'))).toBe(false); // 17:00 CET
    });

    it('is closed on the Sundays of the changes themselves (no hours on sun)', () => {
      expect(isWithinBusinessHours(hours, at('2026-03-29T10:00:00Z'))).toBe(false);
      expect(isWithinBusinessHours(hours, at('2026-10-25T10:00:00Z'))).toBe(false);
    });
  });

  describe('zones with a half-hour (or quarter-hour) offset', () => {
    it('Asia/Kolkata (UTC+05:30)', () => {
      const hours = weekdays('Asia/Kolkata');
      expect(isWithinBusinessHours(hours, at('2026-03-02T03:29:00Z'))).toBe(false); // Mon 08:59
      expect(isWithinBusinessHours(hours, at('2026-03-02T03:30:00Z'))).toBe(true); // Mon 09:00
      expect(isWithinBusinessHours(hours, at('2026-03-02T11:29:59Z'))).toBe(true); // Mon 16:59:59
      expect(isWithinBusinessHours(hours, at('2026-03-02T11:30:00Z'))).toBe(false); // Mon 17:00
    });

    it('Asia/Kathmandu (UTC+05:45)', () => {
      const hours = weekdays('Asia/Kathmandu');
      expect(isWithinBusinessHours(hours, at('2026-03-02T03:14:00Z'))).toBe(false); // Mon 08:59
      expect(isWithinBusinessHours(hours, at('2026-03-02T03:15:00Z'))).toBe(true); // Mon 09:00
    });

    it('Australia/Adelaide (UTC+10:30 in summer, +09:30 from 2026-04-05)', () => {
      const hours = weekdays('Australia/Adelaide');
      expect(isWithinBusinessHours(hours, at('2026-03-29T22:30:00Z'))).toBe(true); // Mon 2026-03-30 09:00 ACDT
      expect(isWithinBusinessHours(hours, at('2026-04-05T22:30:00Z'))).toBe(false); // Mon 2026-04-06 08:00 ACST
      expect(isWithinBusinessHours(hours, at('2026-04-05T23:30:00Z'))).toBe(true); // Mon 09:00 ACST
    });
  });

  describe('closed dates and local days', () => {
    const allDay: Array<[string, string]> = [['00:00', '24:00']];
    const hours: BusinessHours = { time_zone: 'America/New_York', weekly: { thu: allDay, fri: allDay }, closed_dates: ['2026-12-25'] };

    it('closes on a closed local date even while the weekly hours say open', () => {
      expect(isWithinBusinessHours(hours, at('2026-12-25T15:00:00Z'))).toBe(false); // Fri 10:00
      // The UTC date is the 26th, the local date still the 25th.
      expect(isWithinBusinessHours(hours, at('2026-12-26T02:00:00Z'))).toBe(false); // Fri 21:00
      expect(isWithinBusinessHours(hours, at('2026-12-26T05:00:00Z'))).toBe(false); // Sat 00:00: no hours
    });

    it('judges the local date, not the UTC one', () => {
      // The UTC date is the 25th; locally it is still Thursday the 24th.
      expect(isWithinBusinessHours(hours, at('2026-12-25T02:00:00Z'))).toBe(true);
      expect(isWithinBusinessHours(hours, at('2026-12-25T04:59:59Z'))).toBe(true); // Thu 23:59:59
      expect(isWithinBusinessHours(hours, at('2026-12-25T05:00:00Z'))).toBe(false); // Fri 00:00, closed date
    });

    it('uses the local weekday across the date line', () => {
      const auckland: BusinessHours = { time_zone: 'Pacific/Auckland', weekly: { mon: [['08:00', '12:00']] } };
      // Sunday 20:00 UTC is Monday 09:00 NZDT.
      expect(isWithinBusinessHours(auckland, at('2026-03-01T20:00:00Z'))).toBe(true);
      expect(isWithinBusinessHours(auckland, at('2026-03-02T20:00:00Z'))).toBe(false); // Tuesday
    });

    it('opens at midnight and closes at 24:00 on days with all-day hours', () => {
      const utc: BusinessHours = { time_zone: 'UTC', weekly: { mon: allDay } };
      expect(isWithinBusinessHours(utc, at('2026-03-02T00:00:00Z'))).toBe(true);
      expect(isWithinBusinessHours(utc, at('2026-03-02T23:59:59.999Z'))).toBe(true);
      expect(isWithinBusinessHours(utc, at('2026-03-03T00:00:00Z'))).toBe(false);
    });

    it('honours several intervals a day and days without hours', () => {
      const split: BusinessHours = { time_zone: 'UTC', weekly: { mon: [['08:00', '12:00'], ['13:00', '17:00']], tue: [] } };
      expect(isWithinBusinessHours(split, at('2026-03-02T11:59:00Z'))).toBe(true);
      expect(isWithinBusinessHours(split, at('2026-03-02T12:30:00Z'))).toBe(false);
      expect(isWithinBusinessHours(split, at('2026-03-02T13:00:00Z'))).toBe(true);
      expect(isWithinBusinessHours(split, at('2026-03-03T10:00:00Z'))).toBe(false);
    });
  });
});

describe('menuIsAfterHoursAt', () => {
  const open = at('2026-03-02T15:00:00Z'); // Mon 10:00 in New York
  const closed = at('2026-03-02T23:00:00Z'); // Mon 18:00 in New York
  const hours = weekdays('America/New_York');

  it('is after hours when the state says so, whatever the hours', () => {
    expect(menuIsAfterHoursAt({ state: 'after_hours', businessHours: null }, open)).toBe(true);
    expect(menuIsAfterHoursAt({ state: 'after_hours', businessHours: hours }, open)).toBe(true);
  });

  it('follows the business hours otherwise, and is never after hours without them', () => {
    expect(menuIsAfterHoursAt({ state: 'open', businessHours: null }, closed)).toBe(false);
    expect(menuIsAfterHoursAt({ state: 'open', businessHours: hours }, open)).toBe(false);
    expect(menuIsAfterHoursAt({ state: 'open', businessHours: hours }, closed)).toBe(true);
    expect(menuIsAfterHoursAt({ state: 'manual_redirection', businessHours: hours }, closed)).toBe(true);
  });
});

describe('validateBusinessHours', () => {
  const valid = { time_zone: 'Europe/Berlin', weekly: { mon: [['09:00', '17:00']] }, closed_dates: ['2026-12-25'] };

  it('accepts valid hours, with or without closed dates, and an empty week', () => {
    expect(validateBusinessHours(valid)).toBeNull();
    expect(validateBusinessHours({ time_zone: 'UTC', weekly: {} })).toBeNull();
    expect(validateBusinessHours({ time_zone: 'America/Argentina/Buenos_Aires', weekly: { sun: [['00:00', '24:00']] } })).toBeNull();
    expect(validateBusinessHours({ time_zone: 'Asia/Kolkata', weekly: { sat: [['13:00', '17:00'], ['09:00', '12:00']] } })).toBeNull();
  });

  it.each([
    [null, 'business_hours must be an object with time_zone, weekly and closed_dates'],
    ['9-5', 'business_hours must be an object with time_zone, weekly and closed_dates'],
    [[], 'business_hours must be an object with time_zone, weekly and closed_dates'],
    [{ ...valid, extra: 1 }, 'business_hours.extra is not a known field (use time_zone, weekly, closed_dates)'],
    [{ ...valid, time_zone: undefined }, 'business_hours.time_zone must be an IANA time zone'],
    [{ ...valid, time_zone: 'Mars/Olympus_Mons' }, 'business_hours.time_zone must be an IANA time zone'],
    [{ ...valid, time_zone: '+05:30' }, 'business_hours.time_zone must be an IANA time zone'],
    [{ ...valid, time_zone: 42 }, 'business_hours.time_zone must be an IANA time zone'],
    [{ ...valid, weekly: undefined }, 'business_hours.weekly must be an object keyed by mon, tue, wed, thu, fri, sat, sun'],
    [{ ...valid, weekly: [['09:00', '17:00']] }, 'business_hours.weekly must be an object keyed by mon, tue, wed, thu, fri, sat, sun'],
    [{ ...valid, weekly: { monday: [] } }, 'business_hours.weekly.monday is not a day (use mon, tue, wed, thu, fri, sat, sun)'],
    [{ ...valid, weekly: { mon: '09:00-17:00' } }, 'business_hours.weekly.mon must be an array of ["HH:MM", "HH:MM"] intervals'],
    [{ ...valid, weekly: { mon: ['09:00', '17:00'] } }, 'business_hours.weekly.mon[0] must be a pair of times ["HH:MM", "HH:MM"]'],
    [{ ...valid, weekly: { mon: [['09:00', '12:00', '17:00']] } }, 'business_hours.weekly.mon[0] must be a pair of times ["HH:MM", "HH:MM"]'],
    [{ ...valid, weekly: { tue: [['9:00', '17:00']] } }, 'business_hours.weekly.tue[0] must start at a time from 00:00 to 23:59'],
    [{ ...valid, weekly: { tue: [['24:00', '24:00']] } }, 'business_hours.weekly.tue[0] must start at a time from 00:00 to 23:59'],
    [{ ...valid, weekly: { tue: [[900, '17:00']] } }, 'business_hours.weekly.tue[0] must start at a time from 00:00 to 23:59'],
    [{ ...valid, weekly: { wed: [['09:00', '17:60']] } }, 'business_hours.weekly.wed[0] must end at a time from 00:01 to 24:00'],
    [{ ...valid, weekly: { wed: [['09:00', '24:01']] } }, 'business_hours.weekly.wed[0] must end at a time from 00:01 to 24:00'],
    [{ ...valid, weekly: { wed: [['09:00:00', '17:00']] } }, 'business_hours.weekly.wed[0] must start at a time from 00:00 to 23:59'],
    [
      { ...valid, weekly: { fri: [['08:00', '12:00'], ['22:00', '02:00']] } },
      'business_hours.weekly.fri[1] must end after it starts: an interval may not cross midnight (split it at 24:00 and continue the next day from 00:00)',
    ],
    [
      { ...valid, weekly: { fri: [['09:00', '09:00']] } },
      'business_hours.weekly.fri[0] must end after it starts: an interval may not cross midnight (split it at 24:00 and continue the next day from 00:00)',
    ],
    [{ ...valid, weekly: { sat: [['09:00', '13:00'], ['12:00', '17:00']] } }, 'business_hours.weekly.sat has overlapping intervals'],
    [{ ...valid, weekly: { sun: Array.from({ length: 25 }, (_, i) => [`${String(i).padStart(2, '0')}:00`, `${String(i).padStart(2, '0')}:30`]) } }, 'business_hours.weekly.sun may hold at most 24 intervals'],
    [{ ...valid, closed_dates: '2026-12-25' }, 'business_hours.closed_dates must be an array of dates (YYYY-MM-DD)'],
    [{ ...valid, closed_dates: null }, 'business_hours.closed_dates must be an array of dates (YYYY-MM-DD)'],
    [{ ...valid, closed_dates: ['2026-12-25', '2026-02-30'] }, 'business_hours.closed_dates[1] must be a date (YYYY-MM-DD)'],
    [{ ...valid, closed_dates: ['25/12/2026'] }, 'business_hours.closed_dates[0] must be a date (YYYY-MM-DD)'],
    [{ ...valid, closed_dates: Array(1001).fill('2026-12-25') }, 'business_hours.closed_dates may hold at most 1000 dates'],
  ])('refuses %j: %s', (value, message) => {
    expect(validateBusinessHours(value)).toBe(message);
  });

  it('adjacent intervals do not overlap (they are half-open)', () => {
    expect(validateBusinessHours({ time_zone: 'UTC', weekly: { mon: [['09:00', '12:00'], ['12:00', '17:00']] } })).toBeNull();
  });
});

describe('normalizeBusinessHours', () => {
  it('orders days and intervals, and sorts and de-duplicates closed dates', () => {
    const hours: BusinessHours = {
      time_zone: 'UTC',
      weekly: { fri: [['13:00', '17:00'], ['09:00', '12:00']], mon: [] },
      closed_dates: ['2026-12-31', '2026-12-25', '2026-12-31'],
    };
    const normal = normalizeBusinessHours(hours);
    expect(normal).toEqual({ time_zone: 'UTC', weekly: { mon: [], fri: [['09:00', '12:00'], ['13:00', '17:00']] }, closed_dates: ['2026-12-25', '2026-12-31'] });
    expect(Object.keys(normal.weekly)).toEqual(['mon', 'fri']);
    expect(normalizeBusinessHours({ time_zone: 'UTC', weekly: {} }).closed_dates).toEqual([]);
  });
});
