// datetime64 values as NumPy's datetime_as_string writes them: ISO 8601 in
// the proleptic Gregorian calendar, to the precision of the unit.

import type { DateTimeUnit } from "./dtype.ts";

/** NumPy's "not a time" value, the smallest int64. */
export const NAT: bigint = -(2n ** 63n);

// Units below a day, as counts per day.
const PER_DAY: Readonly<Record<string, bigint>> = {
  h: 24n,
  m: 1440n,
  s: 86400n,
  ms: 86400n * 10n ** 3n,
  us: 86400n * 10n ** 6n,
  ns: 86400n * 10n ** 9n,
  ps: 86400n * 10n ** 12n,
  fs: 86400n * 10n ** 15n,
  as: 86400n * 10n ** 18n,
};

// Digits after the seconds, by unit.
const FRACTION_DIGITS: Readonly<Record<string, number>> = {
  ms: 3,
  us: 6,
  ns: 9,
  ps: 12,
  fs: 15,
  as: 18,
};

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** C's `%04lld`: at least four characters, the sign counted, zero-padded. */
function yearText(year: bigint): string {
  if (year < 0n) return "-" + (-year).toString().padStart(3, "0");
  return year.toString().padStart(4, "0");
}

function two(n: bigint | number): string {
  return n.toString().padStart(2, "0");
}

/** Year, month and day of a count of days since 1970-01-01. */
function civil(days: bigint): [bigint, number, number] {
  const z = days + 719468n;
  const era = floorDiv(z, 146097n);
  const doe = Number(z - era * 146097n);
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) -
      Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = BigInt(yoe) + era * 400n + (month <= 2 ? 1n : 0n);
  return [year, month, day];
}

/**
 * A datetime64 value in `unit` × `count` as NumPy prints it, or `NaT`.
 * Weeks print as dates; the generic unit only holds NaT.
 */
export function datetimeText(value: bigint, unit: DateTimeUnit, count: number): string {
  if (value === NAT || unit === "generic") return "NaT";
  const v = value * BigInt(count);
  switch (unit) {
    case "Y":
      return yearText(1970n + v);
    case "M": {
      const years = floorDiv(v, 12n);
      return `${yearText(1970n + years)}-${two(v - years * 12n + 1n)}`;
    }
    case "W":
    case "D": {
      const [y, m, d] = civil(unit === "W" ? v * 7n : v);
      return `${yearText(y)}-${two(m)}-${two(d)}`;
    }
  }
  const perDay = PER_DAY[unit]!;
  const days = floorDiv(v, perDay);
  let rest = v - days * perDay;
  const [y, m, d] = civil(days);
  const perHour = perDay / 24n;
  const hour = rest / perHour;
  rest -= hour * perHour;
  let out = `${yearText(y)}-${two(m)}-${two(d)}T${two(hour)}`;
  if (unit === "h") return out;
  const perMinute = perHour / 60n;
  const minute = rest / perMinute;
  rest -= minute * perMinute;
  out += `:${two(minute)}`;
  if (unit === "m") return out;
  const perSecond = perMinute / 60n;
  const second = rest / perSecond;
  rest -= second * perSecond;
  out += `:${two(second)}`;
  if (unit === "s") return out;
  return `${out}.${rest.toString().padStart(FRACTION_DIGITS[unit]!, "0")}`;
}
