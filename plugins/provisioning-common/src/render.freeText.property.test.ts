import fc from 'fast-check';
import YAML from 'yaml';
import { namespaceInput, settings, vmInput } from './__fixtures__/requests';
import { applyChanges } from './gitops/state';
import { parseYamlDocuments } from './manifests/serialize';
import { RepoSnapshot } from './manifests/types';
import { parseRequest } from './requests/parse';
import { renderRequest } from './render';

/**
 * Free text attacked: whatever a requester writes as the purpose (line breaks, YAML document markers, tags,
 * anchors, quotes, comments, flow syntax, unicode line separators, kustomize-looking keys), the rendered files hold
 * exactly the same objects (kinds, names, namespaces, keys) as with a plain purpose, and the text parses back to
 * what went in.
 */
const hostilePiece = fc.constantFrom(
  '\n',
  '\r\n',
  '\r',
  '\u2028',
  '\u0085',
  '---',
  '...',
  '!!js/function',
  '!<tag:yaml.org,2002:str>',
  '&anchor',
  '*anchor',
  '<<: *anchor',
  '"',
  "'",
  '#',
  ' # comment',
  '{a: 1}',
  '[x, y]',
  'key: value',
  '- item',
  '|',
  '>-',
  '%YAML 1.1',
  '\t',
  'kind: ClusterRoleBinding',
  'namespace: kube-system',
  '\\',
  '@',
  '`',
  '$(whoami)',
  '${{ secrets.TOKEN }}',
  '🙂',
);
const hostileText = fc
  .array(fc.oneof(hostilePiece, fc.string({ maxLength: 8 })), {
    minLength: 1,
    maxLength: 12,
  })
  .map(parts => parts.join(''))
  .filter(text => text.trim().length > 0 && text.trim().length <= 500);

/** The shape of every object in the rendered files: what a text must never change. */
function shape(
  changes: Array<{ path: string; content: string | null }>,
): string[] {
  return changes
    .filter(c => c.content !== null && c.path.endsWith('.yaml'))
    .flatMap(c =>
      parseYamlDocuments(c.content!, c.path).map(o => {
        const object = o as {
          kind?: string;
          metadata?: {
            name?: string;
            namespace?: string;
            annotations?: object;
            labels?: object;
          };
        };
        return [
          c.path,
          object.kind,
          object.metadata?.name,
          object.metadata?.namespace,
          Object.keys(object).sort().join(','),
          Object.keys(object.metadata?.annotations ?? {})
            .sort()
            .join(','),
          Object.keys(object.metadata?.labels ?? {})
            .sort()
            .join(','),
        ].join(' | ');
      }),
    )
    .sort();
}

describe('free text in the rendered files (properties)', () => {
  const base: RepoSnapshot = new Map();
  const plainNamespace = renderRequest(
    parseRequest({ ...namespaceInput, purpose: 'plain' }),
    { settings, repo: base, codeowners: ['alice'] },
  );
  const repo = applyChanges(base, plainNamespace.changes);
  const plainVm = renderRequest(
    parseRequest({ ...vmInput, purpose: 'plain' }),
    { settings, repo, codeowners: ['alice'] },
  );

  it('a namespace purpose changes no object, and reads back as written', () => {
    fc.assert(
      fc.property(hostileText, purpose => {
        const request = parseRequest({ ...namespaceInput, purpose });
        const result = renderRequest(request, {
          settings,
          repo: base,
          codeowners: ['alice'],
        });
        expect(shape(result.changes)).toEqual(shape(plainNamespace.changes));
        const file = result.changes.find(c =>
          c.path.endsWith('/platform/namespaces/payments-dev.yaml'),
        )!;
        const namespace = parseYamlDocuments(file.content!, file.path).find(
          o => (o as { kind?: string }).kind === 'Namespace',
        ) as {
          metadata: { annotations: Record<string, string> };
        };
        expect(
          namespace.metadata.annotations['provisioning.kubeportal.io/purpose'],
        ).toBe(request.purpose);
      }),
      { numRuns: 200 },
    );
  });

  it('a VM purpose changes no object, and reads back as written', () => {
    fc.assert(
      fc.property(hostileText, purpose => {
        const request = parseRequest({ ...vmInput, purpose });
        const result = renderRequest(request, {
          settings,
          repo,
          codeowners: ['alice'],
        });
        expect(shape(result.changes)).toEqual(shape(plainVm.changes));
        const file = result.changes.find(c =>
          c.path.endsWith('/vm-legacy-db.yaml'),
        )!;
        const texts = YAML.parseAllDocuments(file.content!).map(d => d.toJS());
        const annotated = texts.filter(
          o =>
            o?.metadata?.annotations?.['provisioning.kubeportal.io/purpose'] !==
            undefined,
        );
        // the VM and its Service carry the purpose
        expect(annotated.map(o => o.kind)).toEqual([
          'VirtualMachine',
          'Service',
        ]);
        for (const o of annotated)
          expect(
            o.metadata.annotations['provisioning.kubeportal.io/purpose'],
          ).toBe(request.purpose);
      }),
      { numRuns: 200 },
    );
  });
});
