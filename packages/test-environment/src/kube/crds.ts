import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { waitUntil } from '../process';
import { ControlPlane } from './controlPlane';

/** CRD folders: the portal's KubeVirt/CDI/Flux schemas, and the full Flux CRD set of the built controllers. */
export function crdFiles(folders: string[]): string[] {
  return folders.flatMap(folder =>
    fs
      .readdirSync(folder)
      .filter(f => f.endsWith('.yaml'))
      .sort()
      .map(f => path.join(folder, f)),
  );
}

/** Installs CRDs by server-side apply (later files win) and waits until each is Established. */
export async function installCrds(
  cluster: ControlPlane,
  files: string[],
): Promise<string[]> {
  const byName = new Map<string, any>();
  for (const file of files) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind === 'CustomResourceDefinition')
        byName.set(crd.metadata.name, crd);
    }
  }
  for (const crd of byName.values()) await cluster.api.apply(crd);
  for (const name of byName.keys()) {
    await waitUntil(
      `CRD ${name} Established`,
      async () => {
        const crd = await cluster.api.get(
          `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
        );
        return (crd.status?.conditions ?? []).some(
          (c: any) => c.type === 'Established' && c.status === 'True',
        );
      },
      { timeoutMs: 30_000 },
    );
  }
  return [...byName.keys()].sort();
}
