import fc from 'fast-check';
import { settings } from './__fixtures__/requests';
import { applyChanges } from './gitops/state';
import { RepoSnapshot } from './manifests/types';
import { parseRequest } from './requests/parse';
import { renderRequest } from './render';

const label = fc
  .stringMatching(/^[a-z]([-a-z0-9]{0,20}[a-z0-9])?$/)
  .filter(n => !n.startsWith('kube-'));
const namespaceRequest = fc.record({
  name: label,
  team: label,
  tier: fc.constantFrom('S', 'M', 'L'),
  preset: fc.constantFrom('isolated', 'ingress'),
  egress: fc.array(label, { maxLength: 3 }),
  access: fc.array(
    fc.record({
      group: fc.stringMatching(/^sg-[a-z0-9]{1,10}$/),
      role: fc.constantFrom('admin', 'edit', 'view'),
    }),
    { maxLength: 4 },
  ),
});

describe('renderRequest (properties)', () => {
  it('renders any sequence of namespace requests deterministically and idempotently', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(namespaceRequest, {
          selector: r => r.name,
          maxLength: 5,
        }),
        requests => {
          let repo: RepoSnapshot = new Map();
          for (const r of requests) {
            const request = parseRequest({
              kind: 'namespace',
              cluster: 'dev',
              name: r.name,
              team: r.team,
              requester: 'jdoe',
              environment: 'dev',
              costCentre: 'cc',
              purpose: 'property',
              quota: { tier: r.tier },
              networkPolicy: { preset: r.preset, allowEgressTo: r.egress },
              access: r.access,
            });
            const first = renderRequest(request, { settings, repo });
            expect(renderRequest(request, { settings, repo }).changes).toEqual(
              first.changes,
            );
            const next = applyChanges(repo, first.changes);
            expect(applyChanges(next, first.changes)).toEqual(next);
            expect(
              applyChanges(
                next,
                renderRequest(request, { settings, repo: next }).changes,
              ),
            ).toEqual(next);
            repo = next;
          }
          const listed =
            repo.get('clusters/dev/kustomization.yaml') ?? 'resources: []';
          for (const r of requests)
            expect(listed.split(`namespaces/${r.name}\n`).length).toBe(2);
        },
      ),
      { numRuns: 40 },
    );
  });
});
