/**
 * The one table of quota fields: how each field of a quota request maps to a key of a ResourceQuota's `spec.hard`,
 * what it measures, and how people read it. The renderer, the read-back of the GitOps repository, the policy, the
 * repository validator, the request summary and the quota form all take their fields from here.
 */
import type { QuotaValues } from './config';
import {
  canonicalQuantity,
  describeQuantity,
  NANOS_PER_UNIT,
  parseQuantity,
  QuantityKind,
} from './quantity';

/** A quota field that maps to one `spec.hard` key: every field of {@link QuotaValues} but `storageClasses`. */
export type QuotaFieldName = Exclude<keyof QuotaValues, 'storageClasses'>;

/** What a quota field measures: CPU (cores, millicores), bytes, or a count of objects. */
export type QuotaUnit = QuantityKind;

/** One row of {@link QUOTA_FIELDS}. */
export interface QuotaField {
  /** The field of the request's quota values, e.g. `requestsCpu`. */
  field: QuotaFieldName;
  /** The ResourceQuota `spec.hard` key, e.g. `requests.cpu`. */
  hardKey: string;
  /** What the value measures; decides how it is spelled, compared and shown. */
  unit: QuotaUnit;
  /** Short label for forms and tables, e.g. `CPU requests`. */
  label: string;
  /** One sentence saying what the field limits. */
  description: string;
  /**
   * Read-back only: when `spec.hard` lacks this field's key, the value of this other field is taken (Kubernetes
   * leaves limits unbounded then; the portal reads them as equal to the requests).
   */
  missingReadsAs?: QuotaFieldName;
}

/** Every quota field, in the order forms, summaries and `spec.hard` list them. */
export const QUOTA_FIELDS: ReadonlyArray<QuotaField> = [
  {
    field: 'requestsCpu',
    hardKey: 'requests.cpu',
    unit: 'cpu',
    label: 'CPU requests',
    description: 'Sum of the CPU requests of all pods',
  },
  {
    field: 'limitsCpu',
    hardKey: 'limits.cpu',
    unit: 'cpu',
    label: 'CPU limits',
    description: 'Sum of the CPU limits of all pods',
    missingReadsAs: 'requestsCpu',
  },
  {
    field: 'requestsMemory',
    hardKey: 'requests.memory',
    unit: 'bytes',
    label: 'Memory requests',
    description: 'Sum of the memory requests of all pods',
  },
  {
    field: 'limitsMemory',
    hardKey: 'limits.memory',
    unit: 'bytes',
    label: 'Memory limits',
    description: 'Sum of the memory limits of all pods',
    missingReadsAs: 'requestsMemory',
  },
  {
    field: 'requestsStorage',
    hardKey: 'requests.storage',
    unit: 'bytes',
    label: 'Storage',
    description: 'Total storage requested by persistent volume claims',
  },
  {
    field: 'persistentVolumeClaims',
    hardKey: 'persistentvolumeclaims',
    unit: 'count',
    label: 'PVCs',
    description: 'Number of persistent volume claims',
  },
  {
    field: 'pods',
    hardKey: 'pods',
    unit: 'count',
    label: 'Pods',
    description: 'Number of pods',
  },
  {
    field: 'services',
    hardKey: 'services',
    unit: 'count',
    label: 'Services',
    description: 'Number of services',
  },
  {
    field: 'loadBalancers',
    hardKey: 'services.loadbalancers',
    unit: 'count',
    label: 'Load balancers',
    description: 'Number of services of type LoadBalancer',
  },
  {
    field: 'nodePorts',
    hardKey: 'services.nodeports',
    unit: 'count',
    label: 'Node ports',
    description: 'Number of services of type NodePort',
  },
];

const BY_FIELD = new Map(QUOTA_FIELDS.map(entry => [entry.field, entry]));

/** The table row of a quota field. */
export function quotaField(field: QuotaFieldName): QuotaField {
  return BY_FIELD.get(field)!;
}

/** The quota fields that can also be limited per storage class. */
export type StorageClassQuotaFieldName =
  keyof QuotaValues['storageClasses'][string];

/** The per-class fields, in `spec.hard` order (storage, then claims). */
export const STORAGE_CLASS_QUOTA_FIELDS: ReadonlyArray<StorageClassQuotaFieldName> =
  ['requestsStorage', 'persistentVolumeClaims'];

const STORAGE_CLASS_KEY_INFIX = '.storageclass.storage.k8s.io/';

/**
 * The `spec.hard` key limiting a field within one storage class:
 * `<class>.storageclass.storage.k8s.io/requests.storage` or `<class>.storageclass.storage.k8s.io/persistentvolumeclaims`.
 */
export function storageClassQuotaKey(
  storageClass: string,
  field: StorageClassQuotaFieldName,
): string {
  return `${storageClass}${STORAGE_CLASS_KEY_INFIX}${
    quotaField(field).hardKey
  }`;
}

/** Splits a per-storage-class `spec.hard` key into its class and field; `undefined` for any other key. */
export function parseStorageClassQuotaKey(
  key: string,
): { storageClass: string; field: StorageClassQuotaFieldName } | undefined {
  const at = key.lastIndexOf(STORAGE_CLASS_KEY_INFIX);
  if (at <= 0) return undefined;
  const resource = key.slice(at + STORAGE_CLASS_KEY_INFIX.length);
  const field = STORAGE_CLASS_QUOTA_FIELDS.find(
    f => quotaField(f).hardKey === resource,
  );
  return field ? { storageClass: key.slice(0, at), field } : undefined;
}

/** Spells a value for `spec.hard`: quantities canonically (`0.5` CPU as `500m`, `2048Mi` as `2Gi`), counts as integers. */
export function quotaHardValue(
  unit: QuotaUnit,
  value: string | number,
): string {
  return unit === 'count'
    ? String(value)
    : canonicalQuantity(String(value), unit);
}

/** A quota value (quantity or count) as nano-units, for exact comparisons. Throws a `QuantityError` when it is not one. */
export function quotaAmount(value: string | number): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
    return BigInt(value) * NANOS_PER_UNIT;
  return parseQuantity(String(value));
}

/** A quota value as a person reads it: `2.5 cores`, `1.5 GiB`, `12`. */
export function describeQuotaValue(
  unit: QuotaUnit,
  value: string | number,
): string {
  return unit === 'count'
    ? String(value)
    : describeQuantity(parseQuantity(String(value)), unit);
}

/**
 * Reads a `spec.hard` value back into a quota value: quantities stay as written, counts become numbers (`1k` is
 * 1000). Returns the rule it breaks instead when it is not a quantity, or not a whole number for a count.
 */
export function quotaValueFromHard(
  unit: QuotaUnit,
  text: string,
): { value: string | number } | { rule: string } {
  let nanos: bigint;
  try {
    nanos = parseQuantity(text);
  } catch (error) {
    return { rule: (error as Error).message };
  }
  if (unit !== 'count') return { value: text };
  if (
    nanos % NANOS_PER_UNIT !== 0n ||
    nanos / NANOS_PER_UNIT > BigInt(Number.MAX_SAFE_INTEGER)
  ) {
    return { rule: `'${text}' must be a whole number` };
  }
  return { value: Number(nanos / NANOS_PER_UNIT) };
}

/** A field of a quota above its maximum. */
export interface QuotaExcess {
  field: QuotaField;
  value: string | number;
  limit: string | number;
}

/** The fields of `quota` above the maximum `max` sets for them (fields `max` leaves out are not limited). */
export function quotaFieldsAbove(
  quota: QuotaValues,
  max: Partial<QuotaValues> | undefined,
): QuotaExcess[] {
  if (!max) return [];
  const out: QuotaExcess[] = [];
  for (const entry of QUOTA_FIELDS) {
    const limit = max[entry.field];
    if (limit === undefined) continue;
    const value = quota[entry.field];
    if (quotaAmount(value) > quotaAmount(limit))
      out.push({ field: entry, value, limit });
  }
  return out;
}
