import type { MenuState } from './menu';

// Opening hours of a menu, as wall-clock times in an IANA zone. Pure: no
// Nest, no TypeORM, no clock of its own; the Calls API asks "at this instant".

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface BusinessHours {
  time_zone: string;
  // Half-open ["HH:MM", "HH:MM"] intervals per local weekday; "24:00" may end one.
  weekly: Partial<Record<Weekday, Array<[string, string]>>>;
  // Local dates (YYYY-MM-DD) in the zone on which the menu stays closed.
  closed_dates?: string[];
}

export const MAX_INTERVALS_PER_DAY = 24;
export const MAX_CLOSED_DATES = 1000;

const FIELDS = new Set(['time_zone', 'weekly', 'closed_dates']);
const DAY_SET: ReadonlySet<string> = new Set(WEEKDAYS);
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// IANA names ("UTC", "America/New_York", "America/Argentina/Buenos_Aires"),
// not the offsets ("+05:30") that some runtimes also accept.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/;

// The 400 message naming the first bad part of a business_hours value, or
// null when it is valid. A missing business_hours (null) is for the caller
// to allow; this judges a value that was given.
export function validateBusinessHours(value: unknown): string | null {
  if (!isPlainObject(value)) return 'business_hours must be an object with time_zone, weekly and closed_dates';
  for (const key of Object.keys(value)) {
    if (!FIELDS.has(key)) return `business_hours.${clip(key)} is not a known field (use time_zone, weekly, closed_dates)`;
  }
  if (!isTimeZone(value.time_zone)) return 'business_hours.time_zone must be an IANA time zone';

  const weekly = value.weekly;
  if (!isPlainObject(weekly)) return 'business_hours.weekly must be an object keyed by mon, tue, wed, thu, fri, sat, sun';
  for (const day of Object.keys(weekly)) {
    if (!DAY_SET.has(day)) return `business_hours.weekly.${clip(day)} is not a day (use mon, tue, wed, thu, fri, sat, sun)`;
    const message = validateDay(`business_hours.weekly.${day}`, weekly[day]);
    if (message) return message;
  }

  const closed = value.closed_dates;
  if (closed !== undefined) {
    if (!Array.isArray(closed)) return 'business_hours.closed_dates must be an array of dates (YYYY-MM-DD)';
    if (closed.length > MAX_CLOSED_DATES) return `business_hours.closed_dates may hold at most ${MAX_CLOSED_DATES} dates`;
    const bad = closed.findIndex((date) => !isDate(date));
    if (bad >= 0) return `business_hours.closed_dates[${bad}] must be a date (YYYY-MM-DD)`;
  }
  return null;
}

function validateDay(path: string, intervals: unknown): string | null {
  if (!Array.isArray(intervals)) return `${path} must be an array of ["HH:MM", "HH:MM"] intervals`;
  if (intervals.length > MAX_INTERVALS_PER_DAY) return `${path} may hold at most ${MAX_INTERVALS_PER_DAY} intervals`;
  for (const [i, interval] of intervals.entries()) {
    const at = `${path}[${i}]`;
    if (!Array.isArray(interval) || interval.length !== 2) return `${at} must be a pair of times ["HH:MM", "HH:MM"]`;
    const [start, end] = interval as unknown[];
    if (typeof start !== 'string' || !TIME.test(start)) return `${at} must start at a time from 00:00 to 23:59`;
    if (typeof end !== 'string' || !(TIME.test(end) || end === '24:00')) return `${at} must end at a time from 00:01 to 24:00`;
    if (minutesOf(end) <= minutesOf(start)) {
      return `${at} must end after it starts: an interval may not cross midnight (split it at 24:00 and continue the next day from 00:00)`;
    }
  }
  const sorted = (intervals as Array<[string, string]>).map(([s, e]) => [minutesOf(s), minutesOf(e)]).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i][0] < sorted[i - 1][1]) return `${path} has overlapping intervals`;
  }
  return null;
}

// The stored form of a valid value: days in week order, intervals by start,
// closed dates sorted and distinct.
export function normalizeBusinessHours(hours: BusinessHours): BusinessHours {
  const weekly: BusinessHours['weekly'] = {};
  for (const day of WEEKDAYS) {
    const intervals = hours.weekly[day];
    if (intervals) weekly[day] = intervals.map(([s, e]) => [s, e] as [string, string]).sort((a, b) => minutesOf(a[0]) - minutesOf(b[0]));
  }
  return { time_zone: hours.time_zone, weekly, closed_dates: [...new Set(hours.closed_dates ?? [])].sort() };
}

// Whether `at` falls inside the hours, judged on the wall clock of the zone:
// the local weekday, local date (for closed_dates) and local time, so DST
// changes move the instants, not the hours.
export function isWithinBusinessHours(hours: BusinessHours, at: Date): boolean {
  const local = wallClock(hours.time_zone, at);
  if (hours.closed_dates?.includes(local.date)) return false;
  return (hours.weekly[local.weekday] ?? []).some(([start, end]) => minutesOf(start) <= local.minutes && local.minutes < minutesOf(end));
}

// A menu counts as after hours when set so, or when it has business hours
// and `at` is outside them.
export function menuIsAfterHoursAt(menu: { state: MenuState; businessHours: BusinessHours | null }, at: Date): boolean {
  return menu.state === 'after_hours' || (menu.businessHours != null && !isWithinBusinessHours(menu.businessHours, at));
}

interface WallClock {
  date: string; // YYYY-MM-DD
  weekday: Weekday;
  minutes: number; // since local midnight
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(timeZone: string, at: Date): WallClock {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(at)) parts[part.type] = part.value;
  return {
    date: `${parts.year.padStart(4, '0')}-${parts.month}-${parts.day}`,
    weekday: parts.weekday.toLowerCase() as Weekday,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

function isTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 64 || !ZONE_NAME.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

function isDate(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Keys echoed in messages are the client's own; keep them short.
function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
