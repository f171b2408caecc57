/**
 * Naming rules: Kubernetes DNS-1123 names, reserved namespaces, label values, and the stable request id from
 * which branch names and checkpoint keys derive.
 */

/** The outcome of a name check: `undefined` when valid, else the broken rule in words. */
export type NameProblem = string | undefined;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Namespaces that no request may create, modify or remove. */
export const RESERVED_NAMESPACES: readonly string[] = [
  'default',
  'flux-system',
  'kubevirt',
  'cdi',
  'ingress-nginx',
  'cert-manager',
];

/** Checks a DNS-1123 label (namespace, VM, cluster, team names): lower case, digits, `-`, at most 63. */
export function dns1123LabelProblem(value: string): NameProblem {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 63)
    return `must be at most 63 characters (has ${value.length})`;
  if (!DNS1123_LABEL.test(value)) {
    return "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit";
  }
  return undefined;
}

/**
 * Checks a DNS-1123 subdomain (storage class names): DNS-1123 labels joined by `.`, at most 253 characters. Names
 * like `__proto__` or `toString` are not subdomains, so they never become keys.
 */
export function dns1123SubdomainProblem(value: string): NameProblem {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 253)
    return `must be at most 253 characters (has ${value.length})`;
  if (!DNS1123_SUBDOMAIN.test(value)) {
    return "must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit";
  }
  return undefined;
}

/** Checks a namespace name: a DNS-1123 label that is neither reserved nor a `kube-` system namespace. */
export function namespaceNameProblem(value: string): NameProblem {
  const problem = dns1123LabelProblem(value);
  if (problem) return problem;
  if (value.startsWith('kube-') || value.startsWith('openshift-')) {
    return `is reserved for system namespaces (prefix '${
      value.split('-')[0]
    }-')`;
  }
  if (RESERVED_NAMESPACES.includes(value))
    return `'${value}' is a reserved namespace`;
  return undefined;
}

/** Checks a label value: at most 63 characters of letters, digits, `-`, `_`, `.`, alphanumeric at both ends. */
export function labelValueProblem(value: string): NameProblem {
  if (value.length > 63)
    return `must be at most 63 characters (has ${value.length})`;
  if (!LABEL_VALUE.test(value)) {
    return "must be a label value: letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  }
  return undefined;
}

/** 32-bit FNV-1a of a string, as 8 hex digits; stable across platforms (no crypto dependency). */
export function shortHash(value: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * Makes a label value from free text: lower-cased, characters outside the label alphabet replaced by `-`,
 * trimmed; when too long, cut and suffixed with a hash of the whole so two long values stay distinct.
 */
export function toLabelValue(value: string): string {
  let clean = value
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  if (clean.length > 63) {
    clean = `${clean.slice(0, 54).replace(/[^a-z0-9]+$/, '')}-${shortHash(
      value,
    )}`;
  }
  return clean;
}

/**
 * The id of a live namespace or VM: `<cluster>.<namespace>` or `<cluster>.<namespace>.<vm>`, shortened with a hash
 * beyond 63 characters. It is both the name of the object's catalog entity and the value of the
 * `backstage.io/kubernetes-id` label on its objects, so it is a valid entity name and label value. Neither a cluster
 * nor a namespace name has a dot, so no two objects share one.
 */
export function liveObjectId(
  cluster: string,
  namespace: string,
  vm?: string,
): string {
  const id = [cluster, namespace, ...(vm === undefined ? [] : [vm])].join('.');
  if (id.length <= 63) return id;
  return `${id.slice(0, 54).replace(/[^A-Za-z0-9]+$/, '')}-${shortHash(id)}`;
}

/** The kinds of object a request creates or changes. */
export type RequestTarget = 'namespace' | 'vm';

/**
 * The stable id of a request: derived from cluster, kind and name only, so re-running the same request (or a
 * quota change of the same namespace) maps to the same id, branch and checkpoint keys. It is a valid label value.
 */
export function requestId(
  cluster: string,
  target: RequestTarget,
  namespace: string,
  vmName?: string,
): string {
  const parts = [cluster, target === 'vm' ? 'vm' : 'ns', namespace];
  if (target === 'vm') {
    if (!vmName)
      throw new TypeError('requestId: a vm request id needs the VM name');
    parts.push(vmName);
  }
  const id = parts.join('.');
  return id.length <= 63
    ? id
    : `${id.slice(0, 54).replace(/[^a-z0-9]+$/, '')}-${shortHash(id)}`;
}

/** What a request does to its object; names its branch. */
export const REQUEST_ACTIONS = [
  'create',
  'change-quota',
  'decommission',
] as const;
/** One of `REQUEST_ACTIONS`. */
export type RequestAction = (typeof REQUEST_ACTIONS)[number];

/** Prefix of every request branch. */
export const REQUEST_BRANCH_PREFIX = 'provisioning/';

/** The branch a request's pull request lives on: one per request id and action. */
export function requestBranch(id: string, action: RequestAction): string {
  return `${REQUEST_BRANCH_PREFIX}${action}/${id}`;
}

/**
 * The key of one pull request of a request in the status store: `<action>.<id>#<number>`. A request id has one
 * branch per action, and a branch can carry several pull requests over time (a second quota change after the
 * first was merged), each with its own way from open to live.
 */
export function pullRequestStatusKey(
  action: RequestAction,
  id: string,
  pullRequest: number,
): string {
  return `${action}.${id}#${pullRequest}`;
}

/**
 * Parses a request branch back into action and request id; `undefined` for any other branch (a known action and
 * an id that is a valid label value are required, so a hand-made branch under `provisioning/` is not a request).
 */
export function parseRequestBranch(
  branch: string,
): { action: RequestAction; id: string } | undefined {
  if (!branch.startsWith(REQUEST_BRANCH_PREFIX)) return undefined;
  const rest = branch.slice(REQUEST_BRANCH_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return undefined;
  const action = rest.slice(0, slash) as RequestAction;
  const id = rest.slice(slash + 1);
  if (!REQUEST_ACTIONS.includes(action)) return undefined;
  if (!/^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/.test(id)) return undefined;
  return { action, id };
}
