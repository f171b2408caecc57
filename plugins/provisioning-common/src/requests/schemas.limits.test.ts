import {
  namespaceInput,
  quotaChangeInput,
  decommissionNamespaceInput,
} from '../__fixtures__/requests';
import { MAX_QUOTA_STORAGE_CLASSES } from '../config';
import { MAX_ENTITY_REF_LENGTH } from '../validation';
import { checkRequest } from './parse';
import { MAX_ACCESS_GROUPS, MAX_EGRESS_NAMESPACES } from './schemas';

/** Every field problem of an input, as `path: message`. */
const problemsOf = (input: unknown) =>
  checkRequest(input).problems.map(p => `${p.path}: ${p.message}`);

const custom = {
  requestsCpu: '2',
  limitsCpu: '4',
  requestsMemory: '4Gi',
  limitsMemory: '8Gi',
  requestsStorage: '50Gi',
  persistentVolumeClaims: 5,
  pods: 20,
  services: 5,
};

describe('request schemas against hostile input', () => {
  it.each([
    ['a parent folder', '..'],
    ['a parent folder in a full ref', 'group:default/..'],
    ['a prototype key', '__proto__'],
  ])('refuse a team that is %s, naming the field team', (_what, team) => {
    expect(problemsOf({ ...namespaceInput, team })).toEqual([
      expect.stringMatching(/^team: team name '.*' must be a DNS-1123 label/),
    ]);
  });

  it('refuses a team with a slash, naming the field team', () => {
    expect(problemsOf({ ...namespaceInput, team: 'a/b' })).toEqual([
      "team: must be a group entity ref like 'group:default/name'",
    ]);
  });

  it('refuses an overlong requester in every kind of request', () => {
    const requester = `user:default/${'x'.repeat(MAX_ENTITY_REF_LENGTH)}`;
    for (const input of [
      namespaceInput,
      quotaChangeInput,
      decommissionNamespaceInput,
    ]) {
      expect(problemsOf({ ...input, requester })).toEqual([
        `requester: must be at most ${MAX_ENTITY_REF_LENGTH} characters`,
      ]);
    }
  });

  it('refuses more access entries than allowed', () => {
    const access = Array.from({ length: MAX_ACCESS_GROUPS + 1 }, (_, i) => ({
      group: `sg-${i}`,
      role: 'view',
    }));
    expect(problemsOf({ ...namespaceInput, access })).toEqual([
      `access: must list at most ${MAX_ACCESS_GROUPS} groups`,
    ]);
    expect(
      problemsOf({
        ...namespaceInput,
        access: access.slice(0, MAX_ACCESS_GROUPS),
      }),
    ).toEqual([]);
  });

  it('refuses more egress namespaces than allowed', () => {
    const allowEgressTo = Array.from(
      { length: MAX_EGRESS_NAMESPACES + 1 },
      (_, i) => `ns-${i}`,
    );
    expect(
      problemsOf({
        ...namespaceInput,
        networkPolicy: { preset: 'isolated', allowEgressTo },
      }),
    ).toEqual([
      `networkPolicy.allowEgressTo: must list at most ${MAX_EGRESS_NAMESPACES} namespaces`,
    ]);
  });

  it('refuses more storage classes in a custom quota than allowed', () => {
    const storageClasses = Object.fromEntries(
      Array.from({ length: MAX_QUOTA_STORAGE_CLASSES + 1 }, (_, i) => [
        `class-${i}`,
        {},
      ]),
    );
    expect(
      problemsOf({
        ...quotaChangeInput,
        quota: { custom: { ...custom, storageClasses } },
      }),
    ).toEqual([
      `quota.custom.storageClasses: must name at most ${MAX_QUOTA_STORAGE_CLASSES} storage classes`,
    ]);
  });

  it.each(['__proto__', 'toString', 'hasOwnProperty', 'Fast', '../x'])(
    'refuses a storage class named %j in a custom quota, naming the field',
    storageClass => {
      const quota = JSON.parse(
        JSON.stringify({ custom: { ...custom, storageClasses: {} } }),
      );
      Object.defineProperty(quota.custom.storageClasses, storageClass, {
        value: { requestsStorage: '1Gi' },
        enumerable: true,
      });
      expect(problemsOf({ ...namespaceInput, quota })).toEqual([
        `quota.custom.storageClasses.${storageClass}: storage class name must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit`,
      ]);
    },
  );

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'answers a request of kind %j with a field problem',
    kind => {
      expect(problemsOf({ ...namespaceInput, kind })).toEqual([
        "kind: must be one of 'namespace', 'vm', 'quota-change', 'decommission'",
      ]);
    },
  );
});
