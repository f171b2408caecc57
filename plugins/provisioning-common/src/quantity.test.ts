import fc from 'fast-check';
import {
  canonicalQuantity,
  describeQuantity,
  formatQuantity,
  isCanonicalQuantity,
  kubernetesSpelling,
  parseQuantity,
  parseQuantityWithFormat,
  quantityKindProblem,
  quantityProblem,
} from './quantity';

const GI = 1n << 30n;

describe('quantity', () => {
  it.each([
    ['500m', 500_000_000n],
    ['2', 2_000_000_000n],
    ['0.5', 500_000_000n],
    ['.5', 500_000_000n],
    ['1.5Gi', ((GI * 3n) / 2n) * 1_000_000_000n],
    ['1e3', 1000n * 1_000_000_000n],
    ['1E-3', 1_000_000n],
    ['100Ki', 102_400n * 1_000_000_000n],
    ['1k', 1000n * 1_000_000_000n],
    ['250u', 250_000n],
    ['7n', 7n],
  ])('parses %s exactly', (text, nanos) => {
    expect(parseQuantity(text)).toBe(nanos);
  });

  it('keeps 1.5Gi exact where floating point would not', () => {
    expect(parseQuantity('1.5Gi') + parseQuantity('1.5Gi')).toBe(
      parseQuantity('3Gi'),
    );
    expect(parseQuantity('0.1') + parseQuantity('0.2')).toBe(
      parseQuantity('0.3'),
    );
    expect(parseQuantity('1536Mi')).toBe(parseQuantity('1.5Gi'));
  });

  it.each([
    ['-1', "'-1' must not be negative"],
    ['1.5GB', "'1.5GB' is not a Kubernetes quantity"],
    ['abc', "'abc' is not a Kubernetes quantity"],
    ['', "'' is not a Kubernetes quantity"],
    ['0.1n', "'0.1n' is more precise than 1n (one nano-unit)"],
  ])('refuses %j with a message', (text, message) => {
    expect(() => parseQuantity(text)).toThrow(message);
    expect(quantityProblem(text)).toEqual(
      expect.stringContaining(message.replace(/^'[^']*' /, '')),
    );
  });

  it('accepts surrounding blanks and a plus sign', () => {
    expect(quantityProblem('1Gi ')).toBeUndefined();
    expect(parseQuantity('+2')).toBe(parseQuantity('2'));
  });

  it('formats canonically', () => {
    expect(canonicalQuantity('0.5', 'cpu')).toBe('500m');
    expect(canonicalQuantity('2000m', 'cpu')).toBe('2');
    expect(canonicalQuantity('2048Mi', 'bytes')).toBe('2Gi');
    expect(canonicalQuantity('1.5Gi', 'bytes')).toBe('1536Mi');
    expect(canonicalQuantity('1000', 'bytes')).toBe('1k');
    expect(canonicalQuantity('1e3', 'count')).toBe('1e3');
    expect(describeQuantity(parseQuantity('1.5Gi'), 'bytes')).toBe('1.5 GiB');
    expect(describeQuantity(parseQuantity('2250m'), 'cpu')).toBe('2.25 cores');
  });

  it('round-trips any formatted value (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 1n << 70n }),
        fc.constantFrom('cpu' as const, 'bytes' as const, 'count' as const),
        (nanos, kind) => {
          expect(parseQuantity(formatQuantity(nanos, kind))).toBe(nanos);
        },
      ),
    );
  });

  it('orders like the numbers they spell (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (a, b) => {
          const qa = parseQuantity(`${a}m`);
          const qb = parseQuantity(`${b}m`);
          expect(qa < qb).toBe(a < b);
          expect(qa + qb).toBe(parseQuantity(`${a + b}m`));
        },
      ),
    );
  });
  // Expected spellings from k8s.io/apimachinery pkg/api/resource/quantity_test.go: TestQuantityParseEmit, the
  // `alternate` column of TestQuantityString (a non-canonical input and the canonical form String() gives it) and
  // TestNewSet. CanonicalizeBytes keeps the suffix family the value was written in.
  it.each([
    ['1Ki', '1Ki'],
    ['1024Mi', '1Gi'],
    ['307200Ki', '300Mi'],
    ['1025024Mi', '1001Gi'],
    ['1024Gi', '1Ti'],
    ['1.5Gi', '1536Mi'],
    ['1000M', '1G'],
    ['0.001T', '1G'],
    ['.001Ki', '1024m'],
    ['.000001Ki', '1024u'],
    ['.000000001Ki', '1024n'],
    ['5000m', '5'],
    ['0.5', '500m'],
    ['1000u', '1m'],
    ['1.08', '1080m'],
    ['1080000000n', '1080m'],
    ['.001e12', '1e9'],
    ['0.001e0', '1e-3'],
    ['1000e-12', '1e-9'],
    ['00', '0'],
    ['0Gi', '0'],
    ['1000', '1k'],
    ['1234000', '1234k'],
    ['4G', '4G'],
    ['1025', '1025'],
    ['0.5Ki', '512'],
    ['1.5Ki', '1536'],
    ['1.2e3', '1200'],
    ['1e10', '10e9'],
  ])(
    'spells %s as the API server stores it: %s (quantity.go CanonicalizeBytes)',
    (input, stored) => {
      const { nanos, format } = parseQuantityWithFormat(input);
      expect(kubernetesSpelling(nanos, format)).toBe(stored);
      // quantity_test.go TestQuantityString: the canonical string parses back to itself
      expect(isCanonicalQuantity(stored)).toBe(true);
    },
  );

  it('renders what the API server stores, in the suffix family the user wrote', () => {
    expect(canonicalQuantity('4G', 'bytes')).toBe('4G');
    expect(canonicalQuantity('4096Mi', 'bytes')).toBe('4Gi');
    expect(canonicalQuantity('1000m', 'cpu')).toBe('1');
    expect(canonicalQuantity('2e3', 'count')).toBe('2e3');
    expect(isCanonicalQuantity('1.5Gi')).toBe(false);
    expect(isCanonicalQuantity('1536Mi')).toBe(true);
  });

  it('refuses what the API server would round or cap instead of storing it (quantity.go ParseQuantity)', () => {
    // "Parsing also preserves a value only down to nano, rounding a finer non-zero value away from zero"
    expect(quantityProblem('0.9n')).toBe(
      'is more precise than 1n (one nano-unit): Kubernetes would round it up',
    );
    expect(quantityProblem('0.000000000001Ki')).toBe(
      'is more precise than 1n (one nano-unit): Kubernetes would round it up',
    );
    // "Parsing does cap a binarySI quantity, silently, at 2^63-1: "8Ei" parses as 2^63-1"
    expect(quantityProblem('8Ei')).toBe(
      'is more than Kubernetes can hold (at most 9223372036854775807, just under 8Ei)',
    );
    expect(quantityProblem('1000E')).toBe(
      'is more than Kubernetes can hold (at most 9223372036854775807, just under 8Ei)',
    );
    expect(quantityProblem('7Ei')).toBeUndefined();
  });

  it.each([
    // MilliValue() is ceil(q * 1000): CPU is used in whole millicores
    [
      '0.0001',
      'cpu',
      'is finer than a millicore: Kubernetes counts CPU in millicores and would use 1m; write 1m',
    ],
    [
      '1.0001',
      'cpu',
      'is finer than a millicore: Kubernetes counts CPU in millicores and would use 1001m; write 1001m',
    ],
    [
      '250u',
      'cpu',
      'is finer than a millicore: Kubernetes counts CPU in millicores and would use 1m; write 1m',
    ],
    // Value() is rounded up to the nearest integer: bytes are used whole
    [
      '0.5',
      'bytes',
      'is not a whole number of bytes: Kubernetes would round it up to 1; write 1',
    ],
    [
      '1.1Ki',
      'bytes',
      'is not a whole number of bytes: Kubernetes would round it up to 1127; write 1127',
    ],
    [
      '1500m',
      'count',
      'is not a whole number: Kubernetes would round it up to 2; write 2',
    ],
  ] as const)('refuses %s as %s: %s', (value, kind, rule) => {
    expect(quantityKindProblem(value, kind)).toBe(rule);
    expect(() => canonicalQuantity(value, kind)).toThrow(`'${value}' ${rule}`);
  });

  it('accepts whole millicores and whole bytes', () => {
    expect(quantityKindProblem('1m', 'cpu')).toBeUndefined();
    expect(quantityKindProblem('0.5', 'cpu')).toBeUndefined();
    expect(quantityKindProblem('1.5Gi', 'bytes')).toBeUndefined();
    expect(quantityKindProblem('0.5Mi', 'bytes')).toBeUndefined();
    expect(quantityKindProblem('2 cores', 'cpu')).toContain(
      'is not a Kubernetes quantity',
    );
  });

  it('spells every amount as a fixed point of the API server (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 1n << 62n }),
        fc.constantFrom(
          'BinarySI' as const,
          'DecimalSI' as const,
          'DecimalExponent' as const,
        ),
        fc.constantFrom('cpu' as const, 'bytes' as const, 'count' as const),
        (units, format, kind) => {
          const nanos = units * 1_000_000n;
          const spelled = kubernetesSpelling(nanos, format);
          expect(parseQuantity(spelled)).toBe(nanos);
          // what the API server re-reads from the stored string spells the same again
          expect(isCanonicalQuantity(spelled)).toBe(true);
          expect(isCanonicalQuantity(formatQuantity(nanos, kind))).toBe(true);
        },
      ),
    );
  });
});
