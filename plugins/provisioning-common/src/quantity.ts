/**
 * Kubernetes quantities (`500m`, `2`, `1.5Gi`, `1e3`), parsed and compared exactly. A quantity is held as a
 * bigint count of nano-units, so `1.5Gi` is exact and sums never drift the way floating point does.
 */

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};

const DECIMAL_EXP: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const QUANTITY = /^(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;
const NANO = 1_000_000_000n;

/** A quantity string that is not valid Kubernetes quantity syntax, or that we refuse. */
export class QuantityError extends Error {
  constructor(readonly value: string, readonly rule: string) {
    super(`'${value}' ${rule}`);
    this.name = 'QuantityError';
  }
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/**
 * Parses a non-negative Kubernetes quantity into nano-units. Throws a `QuantityError` saying what is wrong:
 * bad syntax, a negative sign, or more precision than one nano-unit.
 */
export function parseQuantity(value: string): bigint {
  if (typeof value !== 'string') throw new QuantityError(String(value), 'must be a string');
  const text = value.trim();
  if (text.startsWith('-')) throw new QuantityError(value, 'must not be negative');
  const match = QUANTITY.exec(text.replace(/^\+/, ''));
  if (!match) {
    throw new QuantityError(
      value,
      "is not a Kubernetes quantity (a number with an optional suffix such as m, k, M, G, Ki, Mi, Gi, Ti, or an exponent like 1e3)",
    );
  }
  const [, number, suffix = ''] = match;
  const [whole, fraction = ''] = number.split('.');
  // digits as an integer, scaled by 10^-fraction.length
  let mantissa = BigInt(`${whole}${fraction}` || '0');
  let exponent = -fraction.length;
  let multiplier = 1n;
  if (suffix in BINARY) {
    multiplier = BINARY[suffix];
  } else if (suffix in DECIMAL_EXP) {
    exponent += DECIMAL_EXP[suffix];
  } else {
    const e = Number(suffix.slice(1));
    if (!Number.isSafeInteger(e) || Math.abs(e) > 30) throw new QuantityError(value, 'has an exponent out of range');
    exponent += e;
  }
  mantissa *= multiplier;
  // nano-units: value * 10^9 = mantissa * 10^(exponent + 9)
  const shift = exponent + 9;
  if (shift >= 0) return mantissa * pow10(shift);
  const divisor = pow10(-shift);
  if (mantissa % divisor !== 0n) throw new QuantityError(value, 'is more precise than 1n (one nano-unit)');
  return mantissa / divisor;
}

/** Returns the problem with a quantity string, or `undefined` when it parses. */
export function quantityProblem(value: string): string | undefined {
  try {
    parseQuantity(value);
    return undefined;
  } catch (error) {
    return error instanceof QuantityError ? error.rule : String(error);
  }
}

/** What a quantity measures: decides its canonical spelling. */
export type QuantityKind = 'cpu' | 'bytes' | 'count';

/**
 * Spells a nano-unit amount the way a person would write it: CPU as cores or millicores (`2`, `500m`), bytes with
 * the largest binary suffix that divides exactly (`1536Mi`, `4Gi`), counts as integers.
 */
export function formatQuantity(nanos: bigint, kind: QuantityKind): string {
  if (nanos < 0n) return `-${formatQuantity(-nanos, kind)}`;
  if (kind === 'cpu') {
    if (nanos % NANO === 0n) return String(nanos / NANO);
    if (nanos % 1_000_000n === 0n) return `${nanos / 1_000_000n}m`;
    if (nanos % 1_000n === 0n) return `${nanos / 1_000n}u`;
    return `${nanos}n`;
  }
  if (nanos % NANO !== 0n) {
    // not whole units: fall back to milli or nano
    return nanos % 1_000_000n === 0n ? `${nanos / 1_000_000n}m` : `${nanos}n`;
  }
  const units = nanos / NANO;
  if (kind === 'bytes' && units > 0n) {
    for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
      if (units % BINARY[suffix] === 0n) return `${units / BINARY[suffix]}${suffix}`;
    }
  }
  return String(units);
}

/** Canonical spelling of a quantity string (`"0.5"` cpu gives `500m`, `"2048Mi"` gives `2Gi`). */
export function canonicalQuantity(value: string, kind: QuantityKind): string {
  return formatQuantity(parseQuantity(value), kind);
}

/** Human-friendly decimal rendering, for summaries and tables: `1.5 GiB`, `2.25 cores`, `12`. */
export function describeQuantity(nanos: bigint, kind: QuantityKind): string {
  if (kind === 'cpu') return `${decimal(nanos, NANO, 3)} cores`;
  if (kind === 'bytes') {
    const units = ['EiB', 'PiB', 'TiB', 'GiB', 'MiB', 'KiB'];
    const sizes = [BINARY.Ei, BINARY.Pi, BINARY.Ti, BINARY.Gi, BINARY.Mi, BINARY.Ki];
    for (let i = 0; i < units.length; i++) {
      if (nanos >= sizes[i] * NANO) return `${decimal(nanos, sizes[i] * NANO, 2)} ${units[i]}`;
    }
    return `${decimal(nanos, NANO, 0)} B`;
  }
  return decimal(nanos, NANO, 2);
}

/** `numerator / denominator` with at most `digits` decimals, trailing zeros dropped, rounded half up. */
export function decimal(numerator: bigint, denominator: bigint, digits: number): string {
  const negative = numerator < 0n;
  const scale = pow10(digits);
  let scaled = ((negative ? -numerator : numerator) * scale * 2n + denominator) / (denominator * 2n);
  const whole = scaled / scale;
  scaled %= scale;
  let text = String(whole);
  if (digits > 0 && scaled !== 0n) {
    text += `.${String(scaled).padStart(digits, '0').replace(/0+$/, '')}`;
  }
  return negative ? `-${text}` : text;
}

/** Nano-units per whole unit, for callers that convert (one core, one byte, one object). */
export const NANOS_PER_UNIT = NANO;

/** Bytes in one GiB, as nano-units. */
export const GIB_NANOS = BINARY.Gi * NANO;
