/**
 * Builds a namespace request from the namespace template's form data, the same way the template's steps do.
 * Kept beside the preview so the two stay in step (the template test renders both).
 */
export function namespaceRequestFromForm(form: Record<string, any>, requester: string): Record<string, unknown> {
  const cluster = typeof form.cluster === 'string' ? form.cluster.replace(/^resource:(default\/)?/, '') : form.cluster;
  return {
    kind: 'namespace',
    cluster,
    name: form.name,
    team: form.team,
    requester,
    environment: form.environment,
    costCentre: form.costCentre,
    purpose: form.purpose,
    expires: form.expires,
    quota: form.quota,
    networkPolicy: { preset: form.networkPreset, allowEgressTo: form.allowEgressTo ?? [] },
    access: form.access ?? [],
    approvers: form.approvers ?? [],
  };
}
