import { z } from 'zod';
import {
  entityRef,
  ownValue,
  storageClassName,
  zodProblems,
} from './validation';

describe('ownValue', () => {
  const record: Record<string, number> = { S: 1, constructor: 2 };

  it('answers own properties only', () => {
    expect(ownValue(record, 'S')).toBe(1);
    expect(ownValue(record, 'constructor')).toBe(2);
    expect(ownValue(record, 'M')).toBeUndefined();
    expect(ownValue(undefined, 'S')).toBeUndefined();
  });

  it.each([
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'valueOf',
  ])('never answers %j from Object.prototype', key => {
    expect(ownValue({} as Record<string, unknown>, key)).toBeUndefined();
    expect(
      ownValue(JSON.parse('{"a": 1}') as Record<string, unknown>, key),
    ).toBeUndefined();
  });

  it('finds an own __proto__ key (as JSON.parse makes it) without reaching the prototype', () => {
    expect(
      ownValue(
        JSON.parse('{"__proto__": 3}') as Record<string, number>,
        '__proto__',
      ),
    ).toBe(3);
  });
});

describe('entityRef', () => {
  const team = z.object({ team: entityRef('group') });
  const problems = (value: unknown) => {
    const result = team.safeParse({ team: value });
    return result.success
      ? []
      : zodProblems(result.error).map(p => `${p.path}: ${p.message}`);
  };

  it('accepts a team name that is a DNS-1123 label, with or without kind and namespace', () => {
    expect(team.parse({ team: 'payments' })).toEqual({
      team: 'group:default/payments',
    });
    expect(team.parse({ team: 'group:finance/payments-2' })).toEqual({
      team: 'group:finance/payments-2',
    });
  });

  it.each([
    ['..', "team: team name '..' must be a DNS-1123 label"],
    ['group:default/..', "team: team name '..' must be a DNS-1123 label"],
    ['.', "team: team name '.' must be a DNS-1123 label"],
    ['__proto__', "team: team name '__proto__' must be a DNS-1123 label"],
    ['Payments', "team: team name 'Payments' must be a DNS-1123 label"],
    ['a/b', "team: must be a group entity ref like 'group:default/name'"],
    [
      'group:default/a/b',
      "team: must be a group entity ref like 'group:default/name'",
    ],
    [
      'group:default/../../etc',
      "team: must be a group entity ref like 'group:default/name'",
    ],
  ])('refuses the team %j, naming the field', (value, message) => {
    expect(problems(value)).toEqual([expect.stringContaining(message)]);
  });

  it('refuses a ref longer than any catalog ref can be', () => {
    expect(problems(`group:default/${'a'.repeat(300)}`)).toEqual([
      'team: must be at most 200 characters',
    ]);
  });

  it('keeps user names as the catalog has them', () => {
    expect(entityRef('user').parse('John.Doe')).toBe('user:default/John.Doe');
  });
});

describe('storageClassName', () => {
  it('is a DNS-1123 subdomain', () => {
    expect(storageClassName().safeParse('gp3.csi.aws.com').success).toBe(true);
    expect(storageClassName().safeParse('toString').success).toBe(false);
  });
});
