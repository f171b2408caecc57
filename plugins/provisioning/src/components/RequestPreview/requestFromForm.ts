/**
 * Builds a request from a provisioning template's form data, the same way the template's steps do (the template
 * test renders both and compares them). The requester, the cost centre, the environment and the approvers are not
 * part of it: the backend takes them from the signed-in user, the catalog and the cluster's configuration.
 */

/** The request kinds a template's preview can build. */
export type FormRequestKind =
  | 'namespace'
  | 'vm'
  | 'quota-change'
  | 'decommission';

/** The cluster picker's value: a cluster name (older forms held a catalog ref `resource:default/<name>`). */
const clusterOf = (value: unknown) =>
  typeof value === 'string'
    ? value.replace(/^resource:(default\/)?/, '')
    : value;

/** The namespace template's request. */
export function namespaceRequestFromForm(
  form: Record<string, any>,
): Record<string, unknown> {
  return {
    kind: 'namespace',
    cluster: clusterOf(form.cluster),
    name: form.name,
    team: form.team,
    purpose: form.purpose,
    expires: form.expires,
    quota: form.quota,
    networkPolicy: {
      preset: form.networkPreset,
      allowEgressTo: form.allowEgressTo ?? [],
    },
    access: form.access ?? [],
  };
}

/** The virtual machine template's request. */
export function vmRequestFromForm(
  form: Record<string, any>,
): Record<string, unknown> {
  const pvc = form.imageSource === 'pvc';
  return {
    kind: 'vm',
    cluster: clusterOf(form.cluster),
    namespace: form.namespace,
    name: form.name,
    purpose: form.purpose,
    cpu: form.size?.cpu,
    memory: form.size?.memory,
    runStrategy: form.runStrategy,
    rootDisk: {
      size: form.rootDiskSize,
      storageClass: form.storageClass,
      source: {
        type: form.imageSource,
        namespace: pvc ? form.imageNamespace : undefined,
        name: pvc ? form.imageName : undefined,
        url: pvc ? undefined : form.imageName,
      },
    },
    dataDisks: form.dataDisks ?? [],
    network: {
      type: form.multusNetwork ? 'multus' : 'pod',
      name: form.multusNetwork,
    },
    cloudInit: { sshPublicKeys: form.sshPublicKeys ?? [] },
    exposure: {
      type: form.exposure,
      ports: form.exposure !== 'none' ? form.ports : undefined,
    },
  };
}

/** The quota-change template's request. */
export function quotaChangeRequestFromForm(
  form: Record<string, any>,
): Record<string, unknown> {
  return {
    kind: 'quota-change',
    cluster: clusterOf(form.cluster),
    namespace: form.namespace,
    purpose: form.purpose,
    quota: form.quota,
  };
}

/** The decommission template's request. */
export function decommissionRequestFromForm(
  form: Record<string, any>,
): Record<string, unknown> {
  return {
    kind: 'decommission',
    cluster: clusterOf(form.cluster),
    namespace: form.namespace,
    vmName: form.vmName,
    purpose: form.purpose,
  };
}

/** The request of a template's form, by the preview's `ui:options.kind`. */
export function requestFromForm(
  kind: FormRequestKind,
  form: Record<string, any>,
): Record<string, unknown> {
  switch (kind) {
    case 'vm':
      return vmRequestFromForm(form);
    case 'quota-change':
      return quotaChangeRequestFromForm(form);
    case 'decommission':
      return decommissionRequestFromForm(form);
    default:
      return namespaceRequestFromForm(form);
  }
}
