#!/usr/bin/env node
// Builds CustomResourceDefinitions for KubeVirt VirtualMachine/VirtualMachineInstance and CDI DataVolume from the
// upstream OpenAPI v2 descriptions in schemas/upstream, writing schemas/crds/. Deterministic output.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const KEPT_EXTENSIONS = [
  'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-embedded-resource',
];
const INT_OR_STRING = {
  'x-kubernetes-int-or-string': true,
  anyOf: [{ type: 'integer' }, { type: 'string' }],
};
const SPECIAL = {
  'k8s.io.apimachinery.pkg.api.resource.Quantity': () => ({ ...INT_OR_STRING }),
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': () => ({
    ...INT_OR_STRING,
  }),
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time': () => ({
    type: 'string',
    format: 'date-time',
    nullable: true,
  }),
  'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': () => ({
    type: 'string',
    format: 'date-time',
    nullable: true,
  }),
  'k8s.io.apimachinery.pkg.runtime.RawExtension': () => ({
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
  }),
  [META]: () => ({
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
  }),
};

export function inline(definitions, name, depth = 0, seen = []) {
  if (SPECIAL[name]) return SPECIAL[name]();
  if (seen.includes(name))
    throw new Error(`cycle through ${[...seen, name].join(' -> ')}`);
  const convert = (schema, stack) => {
    if (Array.isArray(schema)) return schema.map(s => convert(s, stack));
    if (!schema || typeof schema !== 'object') return schema;
    if (schema.$ref)
      return inline(
        definitions,
        schema.$ref.replace('#/definitions/', ''),
        depth + 1,
        stack,
      );
    const out = {};
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'description') continue; // keeps the CRDs small; the upstream files keep the text
      if (key === 'type' && Array.isArray(value)) {
        const types = value.filter(t => t !== 'null');
        if (types.length === 1) {
          out.type = types[0];
          if (value.includes('null')) out.nullable = true;
        } else {
          Object.assign(out, INT_OR_STRING);
        }
        continue;
      }
      if (key === 'format' && value === 'int-or-string') {
        delete out.type;
        Object.assign(out, INT_OR_STRING);
        continue;
      }
      if (key === 'properties' || key === 'patternProperties') {
        out[key] = Object.fromEntries(
          Object.entries(value).map(([k, v]) => [k, convert(v, stack)]),
        );
      } else if (key === 'items' || key === 'additionalProperties') {
        out[key] = typeof value === 'object' ? convert(value, stack) : value;
      } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
        out[key] = convert(value, stack);
      } else if (key === 'default') {
        // upstream defaults are applied by KubeVirt's webhooks, and some (an empty string in an enum) are invalid here
      } else if (!key.startsWith('x-') || KEPT_EXTENSIONS.includes(key)) {
        out[key] = value;
      }
    }
    if (out['x-kubernetes-int-or-string']) delete out.type;
    if (
      !out.type &&
      !out['x-kubernetes-int-or-string'] &&
      !out.anyOf &&
      !out.allOf &&
      !out.oneOf
    ) {
      out.type = 'object';
      if (!out.properties && !out.additionalProperties)
        out['x-kubernetes-preserve-unknown-fields'] = true;
    }
    return out;
  };
  const result = convert(definitions[name], [...seen, name]);
  return result;
}

function crd({
  group,
  kind,
  plural,
  singular,
  shortNames,
  version,
  definitions,
  definition,
}) {
  const schema = inline(definitions, definition);
  schema.properties.metadata = { type: 'object' };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { kind, listKind: `${kind}List`, plural, singular, shortNames },
      scope: 'Namespaced',
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: schema },
          subresources: { status: {} },
        },
      ],
    },
  };
}

export function buildCrds() {
  const kubevirt = JSON.parse(
    readFileSync(
      path.join(root, 'schemas/upstream/kubevirt/swagger.json'),
      'utf8',
    ),
  ).definitions;
  const cdi = JSON.parse(
    readFileSync(path.join(root, 'schemas/upstream/cdi/swagger.json'), 'utf8'),
  ).definitions;
  return {
    'kubevirt.io_virtualmachines.yaml': crd({
      group: 'kubevirt.io',
      kind: 'VirtualMachine',
      plural: 'virtualmachines',
      singular: 'virtualmachine',
      shortNames: ['vm', 'vms'],
      version: 'v1',
      definitions: kubevirt,
      definition: 'v1.VirtualMachine',
    }),
    'kubevirt.io_virtualmachineinstances.yaml': crd({
      group: 'kubevirt.io',
      kind: 'VirtualMachineInstance',
      plural: 'virtualmachineinstances',
      singular: 'virtualmachineinstance',
      shortNames: ['vmi', 'vmis'],
      version: 'v1',
      definitions: kubevirt,
      definition: 'v1.VirtualMachineInstance',
    }),
    'cdi.kubevirt.io_datavolumes.yaml': crd({
      group: 'cdi.kubevirt.io',
      kind: 'DataVolume',
      plural: 'datavolumes',
      singular: 'datavolume',
      shortNames: ['dv', 'dvs'],
      version: 'v1beta1',
      definitions: cdi,
      definition: 'v1beta1.DataVolume',
    }),
  };
}

export function serialize(object) {
  return `# Generated by scripts/generate-crds.mjs from schemas/upstream (see schemas/SOURCES.md). Do not edit.\n${YAML.stringify(
    object,
    { lineWidth: 0 },
  )}`;
}

// `--check` compares instead of writing, and exits 1 when a committed CRD differs from what the sources give.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  mkdirSync(path.join(root, 'schemas/crds'), { recursive: true });
  for (const [file, object] of Object.entries(buildCrds())) {
    const target = path.join(root, 'schemas/crds', file);
    const text = serialize(object);
    if (check) {
      let current = '';
      try {
        current = readFileSync(target, 'utf8');
      } catch {
        // missing counts as stale
      }
      if (current !== text) {
        stale++;
        process.stderr.write(
          `schemas/crds/${file} is stale: run node scripts/generate-crds.mjs\n`,
        );
      }
    } else {
      writeFileSync(target, text);
      process.stdout.write(`schemas/crds/${file}\n`);
    }
  }
  process.exitCode = stale > 0 ? 1 : 0;
}
