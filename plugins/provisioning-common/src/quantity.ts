/**
 * Kubernetes quantities (`500m`, `2`, `1.5Gi`, `1e3`), parsed and compared exactly. A quantity is held as a
 * bigint count of nano-units, so `1.5Gi` is exact and sums never drift the way floating point does.
 *
 * Spelling follows k8s.io/apimachinery `pkg/api/resource/quantity.go`: the API server remembers whether a value
 * was written with a binary suffix (`Ki`..`Ei`), a decimal suffix (`n`..`E`, or none) or an exponent (`e3`), and
 * stores it in that family's canonical form (`CanonicalizeBytes`): no fractional digits, the largest suffix that
 * loses nothing (`1.5Gi` is stored as `1536Mi`, `0.5` as `500m`, `1000` as `1k`, `2048Mi` as `2Gi`). The portal
 * renders that same spelling, so what a pull request says is what the API server stores. Values the API server or
 * its consumers would change rather than re-spell are refused instead: more precise than 1n (ParseQuantity rounds
 * up), above 2^63-1 (binary quantities are capped there, `Value()` overflows), and, per kind, CPU finer than a
 * millicore (`MilliValue()` rounds up) or bytes and counts that are not whole (`Value()` rounds up).
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

const QUANTITY =
  /^(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;
const NANO = 1_000_000_000n;
const MILLI = 1_000_000n;
/** 2^63-1: where quantity.go caps binary quantities and where its int64 accessors overflow. */
const MAX_UNITS = (1n << 63n) - 1n;

const BINARY_SUFFIX_BY_POWER = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const DECIMAL_SUFFIX_BY_EXP: Record<number, string> = {
  [-9]: 'n',
  [-6]: 'u',
  [-3]: 'm',
  0: '',
  3: 'k',
  6: 'M',
  9: 'G',
  12: 'T',
  15: 'P',
  18: 'E',
};

/**
 * How a quantity was written, which Kubernetes keeps when it stores the value: `BinarySI` (`Ki`..`Ei`),
 * `DecimalSI` (`n`..`E` or no suffix) or `DecimalExponent` (`1e3`).
 */
export type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

/** A parsed quantity: its exact amount in nano-units and the suffix family it was written in. */
export interface ParsedQuantity {
  nanos: bigint;
  format: QuantityFormat;
}

/** A quantity string that is not valid Kubernetes quantity syntax, or that we refuse. */
export class QuantityError extends Error {
  constructor(readonly value: string, readonly rule: string) {
    super(`'${value}' ${rule}`);
    this.name = 'QuantityError';
  }
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/**
 * Parses a non-negative Kubernetes quantity into nano-units and its suffix family. Throws a `QuantityError` saying
 * what is wrong: bad syntax, a negative sign, more precision than one nano-unit (the API server would round it up),
 * or more than 2^63-1 (the API server would cap it).
 */
export function parseQuantityWithFormat(value: string): ParsedQuantity {
  if (typeof value !== 'string')
    throw new QuantityError(String(value), 'must be a string');
  const text = value.trim();
  if (text.startsWith('-'))
    throw new QuantityError(value, 'must not be negative');
  const match = QUANTITY.exec(text.replace(/^\+/, ''));
  if (!match) {
    throw new QuantityError(
      value,
      'is not a Kubernetes quantity (a number with an optional suffix such as m, k, M, G, Ki, Mi, Gi, Ti, or an exponent like 1e3)',
    );
  }
  const [, number, suffix = ''] = match;
  const [whole, fraction = ''] = number.split('.');
  // digits as an integer, scaled by 10^-fraction.length
  let mantissa = BigInt(`${whole}${fraction}` || '0');
  let exponent = -fraction.length;
  let multiplier = 1n;
  let format: QuantityFormat;
  if (suffix in BINARY) {
    multiplier = BINARY[suffix];
    format = 'BinarySI';
  } else if (suffix in DECIMAL_EXP) {
    exponent += DECIMAL_EXP[suffix];
    format = 'DecimalSI';
  } else {
    const e = Number(suffix.slice(1));
    if (!Number.isSafeInteger(e) || Math.abs(e) > 30)
      throw new QuantityError(value, 'has an exponent out of range');
    exponent += e;
    format = 'DecimalExponent';
  }
  mantissa *= multiplier;
  // nano-units: value * 10^9 = mantissa * 10^(exponent + 9)
  const shift = exponent + 9;
  let nanos: bigint;
  if (shift >= 0) {
    nanos = mantissa * pow10(shift);
  } else {
    const divisor = pow10(-shift);
    if (mantissa % divisor !== 0n) {
      throw new QuantityError(
        value,
        'is more precise than 1n (one nano-unit): Kubernetes would round it up',
      );
    }
    nanos = mantissa / divisor;
  }
  if (nanos > MAX_UNITS * NANO) {
    throw new QuantityError(
      value,
      `is more than Kubernetes can hold (at most ${MAX_UNITS}, just under 8Ei)`,
    );
  }
  return { nanos, format };
}

/**
 * Parses a non-negative Kubernetes quantity into nano-units. Throws a `QuantityError` saying what is wrong (see
 * `parseQuantityWithFormat`).
 */
export function parseQuantity(value: string): bigint {
  return parseQuantityWithFormat(value).nanos;
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

/** What a quantity measures: CPU (cores), bytes, or a count of objects. Decides which values are whole. */
export type QuantityKind = 'cpu' | 'bytes' | 'count';

/**
 * Spells an amount the way the API server stores a quantity of that suffix family (quantity.go
 * `CanonicalizeBytes`): zero is `0`; `BinarySI` takes the largest binary suffix that divides exactly, and falls back
 * to `DecimalSI` below 1024 or for a fractional amount; `DecimalSI` and `DecimalExponent` strip trailing zeros into
 * an exponent that is a multiple of 3 (`1500m`, `1k`, `1e3`).
 */
export function kubernetesSpelling(
  nanos: bigint,
  format: QuantityFormat,
): string {
  if (nanos === 0n) return '0';
  if (nanos < 0n) return `-${kubernetesSpelling(-nanos, format)}`;
  if (format === 'BinarySI' && nanos >= 1024n * NANO && nanos % NANO === 0n) {
    let units = nanos / NANO;
    let power = 0;
    while (
      units >= 1024n &&
      units % 1024n === 0n &&
      power < BINARY_SUFFIX_BY_POWER.length - 1
    ) {
      units /= 1024n;
      power++;
    }
    return `${units}${BINARY_SUFFIX_BY_POWER[power]}`;
  }
  let mantissa = nanos;
  let exponent = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  const down = ((exponent % 3) + 3) % 3;
  mantissa *= pow10(down);
  exponent -= down;
  if (format === 'DecimalExponent')
    return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  const suffix = DECIMAL_SUFFIX_BY_EXP[exponent];
  return suffix === undefined
    ? `${mantissa}e${exponent}`
    : `${mantissa}${suffix}`;
}

function kindRule(nanos: bigint, kind: QuantityKind): string | undefined {
  if (kind === 'cpu') {
    if (nanos % MILLI === 0n) return undefined;
    const used = kubernetesSpelling(
      ((nanos + MILLI - 1n) / MILLI) * MILLI,
      'DecimalSI',
    );
    return `is finer than a millicore: Kubernetes counts CPU in millicores and would use ${used}; write ${used}`;
  }
  if (nanos % NANO === 0n) return undefined;
  const whole = kubernetesSpelling(
    ((nanos + NANO - 1n) / NANO) * NANO,
    'DecimalSI',
  );
  return kind === 'bytes'
    ? `is not a whole number of bytes: Kubernetes would round it up to ${whole}; write ${whole}`
    : `is not a whole number: Kubernetes would round it up to ${whole}; write ${whole}`;
}

/**
 * Returns the rule a quantity breaks for what it measures, or `undefined`: not a quantity (see `quantityProblem`),
 * CPU finer than a millicore, or bytes or a count that is not whole. Kubernetes would not refuse these; it would
 * round them up when it uses them (`MilliValue()`, `Value()`), so the portal refuses them instead.
 */
export function quantityKindProblem(
  value: string,
  kind: QuantityKind,
): string | undefined {
  try {
    return kindRule(parseQuantity(value), kind);
  } catch (error) {
    return error instanceof QuantityError ? error.rule : String(error);
  }
}

/**
 * Spells a nano-unit amount canonically for what it measures, in a form the API server keeps as it is: CPU and
 * counts as decimal (`2`, `500m`, `1k`), bytes with a binary suffix when one divides exactly (`1536Mi`, `4Gi`) and
 * decimal otherwise (`1536`, `5k`).
 */
export function formatQuantity(nanos: bigint, kind: QuantityKind): string {
  if (kind === 'bytes') {
    const binary = kubernetesSpelling(nanos, 'BinarySI');
    // A binary spelling without a suffix would be read back as decimal and re-spelled (`5000` as `5k`).
    if (/i$/.test(binary)) return binary;
  }
  return kubernetesSpelling(nanos, 'DecimalSI');
}

/**
 * The spelling the API server stores for a quantity string, keeping the suffix family it was written in (`"0.5"`
 * gives `500m`, `"2048Mi"` gives `2Gi`, `"1.5Gi"` gives `1536Mi`, `"4G"` stays `4G`, `"1000"` gives `1k`). Throws a
 * `QuantityError` when the value is not a quantity or breaks the rule of its kind (see `quantityKindProblem`):
 * such a value is refused, never silently changed.
 */
export function canonicalQuantity(value: string, kind: QuantityKind): string {
  const { nanos, format } = parseQuantityWithFormat(value);
  const rule = kindRule(nanos, kind);
  if (rule) throw new QuantityError(value, rule);
  return kubernetesSpelling(nanos, format);
}

/** Whether a quantity string is already spelled the way the API server stores it (so it will not show a diff). */
export function isCanonicalQuantity(value: string): boolean {
  const { nanos, format } = parseQuantityWithFormat(value);
  return kubernetesSpelling(nanos, format) === value;
}

/** Human-friendly decimal rendering, for summaries and tables: `1.5 GiB`, `2.25 cores`, `12`. */
export function describeQuantity(nanos: bigint, kind: QuantityKind): string {
  if (kind === 'cpu') return `${decimal(nanos, NANO, 3)} cores`;
  if (kind === 'bytes') {
    const units = ['EiB', 'PiB', 'TiB', 'GiB', 'MiB', 'KiB'];
    const sizes = [
      BINARY.Ei,
      BINARY.Pi,
      BINARY.Ti,
      BINARY.Gi,
      BINARY.Mi,
      BINARY.Ki,
    ];
    for (let i = 0; i < units.length; i++) {
      if (nanos >= sizes[i] * NANO)
        return `${decimal(nanos, sizes[i] * NANO, 2)} ${units[i]}`;
    }
    return `${decimal(nanos, NANO, 0)} B`;
  }
  return decimal(nanos, NANO, 2);
}

/** `numerator / denominator` with at most `digits` decimals, trailing zeros dropped, rounded half up. */
export function decimal(
  numerator: bigint,
  denominator: bigint,
  digits: number,
): string {
  const negative = numerator < 0n;
  const scale = pow10(digits);
  let scaled =
    ((negative ? -numerator : numerator) * scale * 2n + denominator) /
    (denominator * 2n);
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
