import type { CatalogApi } from '@backstage/plugin-catalog-react';
import {
  CATALOG_KEYS,
  FieldProblem,
  isRequestStatus,
  LABELS,
  parseRequestEntitySpec,
  REQUEST_ENTITY_TYPE,
  RequestAction,
  requestEntitySpecKey,
  RequestStatus,
} from '@kubeportal/plugin-provisioning-common';

/** A catalog entity, as the catalog API returns it. */
export type Entity = Awaited<
  ReturnType<CatalogApi['getEntities']>
>['items'][number];

/**
 * Reading the catalog's request entities (`Resource` of type `provisioning-request`, emitted by the catalog module's
 * RequestEntityProvider; their type, statuses and spec are defined in the common package): the filters that find
 * them and the facts the portal's pages show.
 */

// the status type is the common package's; exported here too, as this folder's index exports it
export type { RequestStatus };

/** Catalog filter of all request entities. */
export const REQUEST_ENTITY_FILTER = {
  kind: 'Resource',
  [requestEntitySpecKey('type')]: REQUEST_ENTITY_TYPE,
} as const;

/** Catalog filter of the entities of one request id (one per action: a creation, later a quota change, ...). */
export function requestIdFilter(requestId: string): Record<string, string> {
  return {
    ...REQUEST_ENTITY_FILTER,
    [`metadata.annotations.${LABELS.requestId}`]: requestId,
  };
}

/**
 * Catalog filters of the requests a user sees as theirs: those they asked for, and those owned by them or their
 * teams (their identity's ownership refs).
 */
export function ownRequestsFilter(identity: {
  userEntityRef: string;
  ownershipEntityRefs: string[];
}): Array<Record<string, string | string[]>> {
  return [
    {
      ...REQUEST_ENTITY_FILTER,
      [requestEntitySpecKey('requester')]: identity.userEntityRef,
    },
    ...(identity.ownershipEntityRefs.length > 0
      ? [
          {
            ...REQUEST_ENTITY_FILTER,
            'relations.ownedBy': identity.ownershipEntityRefs,
          },
        ]
      : []),
  ];
}

/** A request entity as the portal's pages show it. */
export interface RequestSummary {
  /** Ref of the request entity itself. */
  entityRef: string;
  requestId: string;
  title: string;
  /** The machine status; `undefined` when the entity carries none the portal knows. */
  status?: RequestStatus;
  action?: RequestAction;
  cluster?: string;
  namespace?: string;
  vm?: string;
  /** Ref of the owning team. */
  team?: string;
  /** Ref of the user who asked. */
  requester?: string;
  openedAt?: string;
  updatedAt?: string;
  pullRequest?: { url: string; title: string };
  /**
   * Why the entity's `spec` cannot be read (field paths like `spec.updatedAt`), in which case its facts (action,
   * cluster, namespace, VM, team, requester, times) are all unknown; empty when it reads.
   */
  problems: FieldProblem[];
}

const text = (value: unknown) =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/**
 * The facts of a request entity; fields the entity does not carry stay `undefined`, and so do all facts of its
 * `spec` when that does not parse (see `problems`).
 */
export function toRequestSummary(entity: Entity): RequestSummary {
  const annotations = entity.metadata.annotations ?? {};
  const { spec, problems } = parseRequestEntitySpec(entity.spec);
  const status = annotations[CATALOG_KEYS.requestStatus];
  const pullUrl = text(annotations[CATALOG_KEYS.pullRequest]);
  const requestId = annotations[LABELS.requestId] ?? entity.metadata.name;
  return {
    entityRef: `${entity.kind.toLocaleLowerCase('en-US')}:${
      entity.metadata.namespace ?? 'default'
    }/${entity.metadata.name}`,
    requestId,
    title: entity.metadata.title ?? entity.metadata.name,
    status: isRequestStatus(status) ? status : undefined,
    action: spec?.action,
    cluster: spec?.cluster,
    namespace: spec?.namespace,
    vm: spec?.vm,
    team: spec?.owner,
    requester: spec?.requester,
    openedAt: spec?.openedAt,
    updatedAt: spec?.updatedAt,
    pullRequest: pullUrl
      ? {
          url: pullUrl,
          title:
            entity.metadata.links?.find(l => l.url === pullUrl)?.title ??
            'Pull request',
        }
      : undefined,
    problems,
  };
}

/** Newest change first; requests without a time last. */
export function byUpdateNewestFirst(
  a: RequestSummary,
  b: RequestSummary,
): number {
  return (b.updatedAt ?? '').localeCompare(a.updatedAt ?? '');
}

/** A time as `2026-11-20 14:03 UTC`: the same for every reader, whatever their time zone. */
export function formatTime(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return undefined;
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** What a request does, in words. */
export function actionText(action: string | undefined): string | undefined {
  switch (action) {
    case 'create':
      return 'Create';
    case 'change-quota':
      return 'Change quota';
    case 'decommission':
      return 'Decommission';
    default:
      return action;
  }
}

/** The name part of an entity ref: `jdoe` of `user:default/jdoe`. */
export function refName(ref: string): string {
  return ref.slice(Math.max(ref.indexOf(':'), ref.indexOf('/')) + 1);
}
