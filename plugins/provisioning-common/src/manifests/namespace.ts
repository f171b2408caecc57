import { LimitRangeValues, QuotaValues } from '../config';
import { canonicalQuantity } from '../quantity';
import {
  QUOTA_FIELDS,
  quotaField,
  quotaHardValue,
  STORAGE_CLASS_QUOTA_FIELDS,
  storageClassQuotaKey,
} from '../quotaFields';
import { KubeObject } from './types';

/** Name of the ResourceQuota in every portal namespace. */
export const QUOTA_NAME = 'quota';
/** Name of the LimitRange every team namespace inherits (and may patch). */
export const LIMIT_RANGE_NAME = 'defaults';

/**
 * The request record of a namespace folder: a ConfigMap its kustomization generates with the namespace request's
 * id and requester, from which the team defaults take those labels. Marked local config, so kustomize (and Flux)
 * drop it from the output: it never reaches a cluster.
 */
export const REQUEST_RECORD = {
  name: 'kubeportal-request',
  /** The record's data key of each label it carries. */
  keys: { requestId: 'request-id', requester: 'requester' },
} as const;

/** The kustomization `configMapGenerator` entry of a namespace's request record. */
export function requestRecordGenerator(
  requestId: string,
  requester: string,
): Record<string, unknown> {
  return {
    name: REQUEST_RECORD.name,
    literals: [
      `${REQUEST_RECORD.keys.requestId}=${requestId}`,
      `${REQUEST_RECORD.keys.requester}=${requester}`,
    ],
    options: {
      disableNameSuffixHash: true,
      annotations: { 'config.kubernetes.io/local-config': 'true' },
    },
  };
}

/** Builds the Namespace object. */
export function namespaceObject(
  name: string,
  labels: Record<string, string>,
  annotations: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels, annotations },
  };
}

/** `spec.hard` of the ResourceQuota, with canonical quantities and a stable key order (that of `QUOTA_FIELDS`). */
export function quotaHard(quota: QuotaValues): Record<string, string> {
  const hard: Record<string, string> = {};
  for (const { field, hardKey, unit } of QUOTA_FIELDS)
    hard[hardKey] = quotaHardValue(unit, quota[field]);
  for (const storageClass of Object.keys(quota.storageClasses).sort()) {
    const perClass = quota.storageClasses[storageClass];
    for (const field of STORAGE_CLASS_QUOTA_FIELDS) {
      const value = perClass[field];
      if (value !== undefined)
        hard[storageClassQuotaKey(storageClass, field)] = quotaHardValue(
          quotaField(field).unit,
          value,
        );
    }
  }
  return hard;
}

/** Builds the ResourceQuota. */
export function resourceQuotaObject(
  namespace: string,
  quota: QuotaValues,
  labels: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: QUOTA_NAME, namespace, labels },
    spec: { hard: quotaHard(quota) },
  };
}

/** Builds the LimitRange (team default, or a namespace's full override used as a patch). */
export function limitRangeObject(
  values: LimitRangeValues,
  labels: Record<string, string>,
  namespace?: string,
): KubeObject {
  const limits: Record<string, unknown>[] = [
    {
      type: 'Container',
      defaultRequest: {
        cpu: canonicalQuantity(values.defaultRequest.cpu, 'cpu'),
        memory: canonicalQuantity(values.defaultRequest.memory, 'bytes'),
      },
      default: {
        cpu: canonicalQuantity(values.default.cpu, 'cpu'),
        memory: canonicalQuantity(values.default.memory, 'bytes'),
      },
    },
  ];
  const maxPerPod = values.maxPerPod;
  if (
    maxPerPod &&
    (maxPerPod.cpu !== undefined || maxPerPod.memory !== undefined)
  ) {
    const max: Record<string, string> = {};
    if (maxPerPod.cpu !== undefined)
      max.cpu = canonicalQuantity(maxPerPod.cpu, 'cpu');
    if (maxPerPod.memory !== undefined)
      max.memory = canonicalQuantity(maxPerPod.memory, 'bytes');
    limits.push({ type: 'Pod', max });
  }
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: {
      name: LIMIT_RANGE_NAME,
      ...(namespace ? { namespace } : {}),
      labels,
    },
    spec: { limits },
  };
}

const nsSelector = (name: string) => ({
  matchLabels: { 'kubernetes.io/metadata.name': name },
});

/** The team baseline: deny everything, then allow same-namespace traffic and DNS. */
export function baselineNetworkPolicies(
  dnsNamespace: string,
  labels: Record<string, string>,
): KubeObject[] {
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny', labels },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-same-namespace', labels },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-dns', labels },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: nsSelector(dnsNamespace) }],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      },
    },
  ];
}

/** A namespace's own network policies on top of the baseline. */
export function namespaceNetworkPolicies(
  namespace: string,
  options: { ingressNamespace?: string; allowEgressTo: string[] },
  labels: Record<string, string>,
): KubeObject[] {
  const policies: KubeObject[] = [];
  if (options.ingressNamespace) {
    policies.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-from-ingress', namespace, labels },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ namespaceSelector: nsSelector(options.ingressNamespace) }],
          },
        ],
      },
    });
  }
  for (const target of [...new Set(options.allowEgressTo)].sort()) {
    policies.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: `allow-egress-to-${target}`.slice(0, 253),
        namespace,
        labels,
      },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: nsSelector(target) }] }],
      },
    });
  }
  return policies;
}

/** One RoleBinding per role, binding the AD groups (as `Group` subjects) to the cluster role of that name. */
export function accessRoleBindings(
  access: Array<{ group: string; role: 'admin' | 'edit' | 'view' }>,
  labels: Record<string, string>,
  options: { namePrefix: string; namespace?: string },
): KubeObject[] {
  const roles = ['admin', 'edit', 'view'] as const;
  return roles.flatMap(role => {
    const groups = [
      ...new Set(access.filter(a => a.role === role).map(a => a.group)),
    ].sort();
    if (groups.length === 0) return [];
    return [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: {
          name: `${options.namePrefix}-${role}`,
          ...(options.namespace ? { namespace: options.namespace } : {}),
          labels,
        },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: role,
        },
        subjects: groups.map(name => ({
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Group',
          name,
        })),
      },
    ];
  });
}
