/**
 * Builds a namespace request from the namespace template's form data, the same way the template's steps do.
 * Kept beside the preview so the two stay in step (the template test renders both). The requester, the cost
 * centre and the approvers are not part of it: the backend takes them from the signed-in user and the catalog.
 */
export function namespaceRequestFromForm(
  form: Record<string, any>,
): Record<string, unknown> {
  const cluster =
    typeof form.cluster === 'string'
      ? form.cluster.replace(/^resource:(default\/)?/, '')
      : form.cluster;
  return {
    kind: 'namespace',
    cluster,
    name: form.name,
    team: form.team,
    environment: form.environment,
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
