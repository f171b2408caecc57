import fc from 'fast-check';
import {
  canonicalQuantity,
  describeQuantity,
  formatQuantity,
  parseQuantity,
  quantityProblem,
} from './quantity';

const GI = 1n << 30n;

describe('quantity', () => {
  it.each([
    ['500m', 500_000_000n],
    ['2', 2_000_000_000n],
    ['0.5', 500_000_000n],
    ['.5', 500_000_000n],
    ['1.5Gi', (GI * 3n / 2n) * 1_000_000_000n],
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
    expect(parseQuantity('1.5Gi') + parseQuantity('1.5Gi')).toBe(parseQuantity('3Gi'));
    expect(parseQuantity('0.1') + parseQuantity('0.2')).toBe(parseQuantity('0.3'));
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
    expect(quantityProblem(text)).toEqual(expect.stringContaining(message.replace(/^'[^']*' /, '')));
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
    expect(canonicalQuantity('1000', 'bytes')).toBe('1000');
    expect(canonicalQuantity('1e3', 'count')).toBe('1000');
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
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (a, b) => {
        const qa = parseQuantity(`${a}m`);
        const qb = parseQuantity(`${b}m`);
        expect(qa < qb).toBe(a < b);
        expect(qa + qb).toBe(parseQuantity(`${a + b}m`));
      }),
    );
  });
});
