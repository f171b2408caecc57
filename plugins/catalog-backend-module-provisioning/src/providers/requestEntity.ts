import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  parseEntityRef,
  ResourceEntity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  CATALOG_KEYS,
  dns1123LabelProblem,
  LABELS,
  labelValueProblem,
  pullRequestLifecycleStatus,
  REQUEST_ENTITY_TYPE,
  REQUEST_STATUS_TEXT,
  RequestAction,
  RequestEntityFacts,
  requestId,
  RequestPullRequestState,
  RequestStatus,
  toEntityRef,
} from '@kubeportal/plugin-provisioning-common';
import type { RequestPullRequest } from '@kubeportal/plugin-provisioning-node';
import { clusterEntityRef, entityName } from './entityNames';

// defined in the common package, which the portal's pages read them from too; exported here as the module's API
export { REQUEST_ENTITY_TYPE, REQUEST_STATUS_TEXT };
export type { RequestEntityFacts, RequestStatus };

/** Status of a request from its pull request (the common package's `pullRequestLifecycleStatus`). */
export function statusOf(pull: RequestPullRequestState): RequestStatus {
  return pullRequestLifecycleStatus(pull);
}

/** What a request is about: the cluster, the namespace and, for a VM, the VM's name. */
export interface RequestSubject {
  cluster: string;
  namespace: string;
  vm?: string;
}

/** A request entity: a `Resource` whose spec carries the request's facts. */
export type RequestEntity = ResourceEntity & {
  spec: ResourceEntity['spec'] & RequestEntityFacts;
};

/** The names in a request title, as the portal writes them (see `render` in the common package). */
const TITLE_PATTERNS: Array<{
  pattern: RegExp;
  subject: (m: RegExpExecArray) => RequestSubject;
}> = [
  {
    pattern: /^Namespace (\S+) on (\S+) for \S+$/,
    subject: m => ({ namespace: m[1], cluster: m[2] }),
  },
  {
    pattern: /^(?:Decommission )?VM (\S+) in (\S+) on (\S+)$/,
    subject: m => ({ vm: m[1], namespace: m[2], cluster: m[3] }),
  },
  {
    pattern: /^(?:Quota of|Decommission namespace) (\S+) on (\S+)$/,
    subject: m => ({ namespace: m[1], cluster: m[2] }),
  },
];

/** Titles by action, or for a creation by request kind, when the request's names are unknown. */
const FALLBACK_TITLES = new Map([
  ['change-quota', 'Quota change'],
  ['decommission', 'Decommission'],
  ['namespace', 'Namespace request'],
  ['vm', 'VM request'],
]);

const idOf = (s: RequestSubject) =>
  s.vm === undefined
    ? requestId(s.cluster, 'namespace', s.namespace)
    : requestId(s.cluster, 'vm', s.namespace, s.vm);

const validSubject = (s: RequestSubject) =>
  [s.cluster, s.namespace, ...(s.vm === undefined ? [] : [s.vm])].every(
    name => !dns1123LabelProblem(name),
  );

/**
 * Cluster, namespace and VM of a request. The pull request's title has the full names; it is believed only when
 * those names give the request's own id back (a title edited on GitHub is not). Otherwise the id is split
 * (`<cluster>.ns.<namespace>` or `<cluster>.vm.<namespace>.<vm>`), unless it may have been shortened with a hash
 * (ids longer than 63 characters are), in which case the subject is unknown.
 */
export function requestSubject(
  id: string,
  pullTitle: string,
): RequestSubject | undefined {
  for (const { pattern, subject } of TITLE_PATTERNS) {
    const match = pattern.exec(pullTitle);
    if (!match) continue;
    const candidate = subject(match);
    if (validSubject(candidate) && idOf(candidate) === id) return candidate;
  }
  if (id.length >= 55 && /-[0-9a-f]{8}$/.test(id)) return undefined;
  const parts = id.split('.');
  const [cluster, target, namespace, vm] = parts;
  let candidate: RequestSubject | undefined;
  if (target === 'ns' && parts.length === 3) candidate = { cluster, namespace };
  if (target === 'vm' && parts.length === 4)
    candidate = { cluster, namespace, vm };
  return candidate && validSubject(candidate) ? candidate : undefined;
}

/**
 * A short title for a request, without its id: `Namespace payments-api on dev-rack-a`, `VM legacy-crm in
 * payments-api`, `Quota of payments-api on dev-rack-a`, `Decommission namespace payments-api on dev-rack-a`,
 * `Decommission VM legacy-crm in payments-api`; when the names are unknown, `Namespace request on dev-rack-a`.
 */
export function requestTitle(
  action: RequestAction,
  subject: RequestSubject | undefined,
  fallback: { kind?: string; cluster?: string },
): string {
  if (subject) {
    const { cluster, namespace, vm } = subject;
    if (action === 'change-quota') return `Quota of ${namespace} on ${cluster}`;
    const what =
      vm === undefined
        ? `namespace ${namespace} on ${cluster}`
        : `VM ${vm} in ${namespace}`;
    return action === 'decommission'
      ? `Decommission ${what}`
      : what.charAt(0).toUpperCase() + what.slice(1);
  }
  const kind =
    FALLBACK_TITLES.get(action === 'create' ? fallback.kind ?? '' : action) ??
    'Provisioning request';
  return fallback.cluster ? `${kind} on ${fallback.cluster}` : kind;
}

/** A user's catalog ref from a branch trailer, normalised; `undefined` unless it is a valid `user:` ref. */
export function requesterRef(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const ref = parseEntityRef(value, { defaultKind: 'user' });
    return ref.kind.toLocaleLowerCase('en-US') === 'user'
      ? stringifyEntityRef(ref)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The catalog entity of one request: its newest pull request, with its requester when known (from the trailers of
 * the pull request's head commit).
 */
export function toRequestEntity(
  request: {
    pull: RequestPullRequest;
    action: RequestAction;
    id: string;
    requester?: string;
  },
  location: string,
  platformTeam: string,
): RequestEntity {
  const { pull, action, id, requester } = request;
  const label = (prefix: string) =>
    pull.labels.find(l => l.startsWith(prefix))?.slice(prefix.length);
  const valid = (value: string | undefined) =>
    value && !dns1123LabelProblem(value) ? value : undefined;
  const team = valid(label('team:'));
  const kind = label('kind:');
  const requestKind = kind && !labelValueProblem(kind) ? kind : undefined;
  const subject = requestSubject(id, pull.title);
  const cluster = subject?.cluster ?? valid(label('cluster:'));
  const status = statusOf(pull);
  const title = requestTitle(action, subject, { kind: requestKind, cluster });
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: entityName(`${action}.${id}`),
      title,
      description: `${REQUEST_STATUS_TEXT[status]} · ${title}${
        requester ? `, requested by ${parseEntityRef(requester).name}` : ''
      }`,
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [LABELS.requestId]: id,
        [CATALOG_KEYS.requestStatus]: status,
        [CATALOG_KEYS.pullRequest]: pull.url,
        ...(pull.mergeCommitSha
          ? { [CATALOG_KEYS.mergeCommit]: pull.mergeCommitSha }
          : {}),
        ...(pull.approvedBy.length > 0
          ? { [CATALOG_KEYS.approvedBy]: pull.approvedBy.join(',') }
          : {}),
      },
      labels: {
        [CATALOG_KEYS.requestStatus]: status,
        ...(requestKind ? { [CATALOG_KEYS.requestKind]: requestKind } : {}),
      },
      tags: ['provisioning', status],
      links: [{ url: pull.url, title: `Pull request #${pull.number}` }],
    },
    spec: {
      type: REQUEST_ENTITY_TYPE,
      owner: team ? toEntityRef('group', team) : platformTeam,
      ...(cluster ? { dependsOn: [clusterEntityRef(cluster)] } : {}),
      action,
      ...(requestKind ? { requestKind } : {}),
      ...(cluster ? { cluster } : {}),
      ...(subject ? { namespace: subject.namespace } : {}),
      ...(subject?.vm ? { vm: subject.vm } : {}),
      ...(requester ? { requester } : {}),
      openedAt: pull.createdAt,
      updatedAt: pull.updatedAt,
    },
  };
}
