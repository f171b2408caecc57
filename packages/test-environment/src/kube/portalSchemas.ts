import path from 'node:path';

/** The CRD folders the common package ships: generated KubeVirt and CDI CRDs, and Flux's as published. */
export function resolvePortalCrdFolders(): string[] {
  const root = path.dirname(
    require.resolve('@kubeportal/plugin-provisioning-common/package.json'),
  );
  return [
    path.join(root, 'schemas', 'crds'),
    path.join(root, 'schemas', 'upstream', 'flux'),
  ];
}
