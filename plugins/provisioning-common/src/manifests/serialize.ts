import YAML from 'yaml';
import { KubeObject } from './types';

const TOP_ORDER = [
  'apiVersion',
  'kind',
  'metadata',
  'spec',
  'data',
  'stringData',
  'type',
  'roleRef',
  'subjects',
  'rules',
];
const META_ORDER = ['name', 'namespace', 'labels', 'annotations'];

function ordered(
  value: Record<string, unknown>,
  order: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of order) if (value[key] !== undefined) out[key] = value[key];
  for (const key of Object.keys(value))
    if (!(key in out) && value[key] !== undefined) out[key] = value[key];
  return out;
}

function sortedMap(
  map: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (!map) return undefined;
  const keys = Object.keys(map).sort();
  if (keys.length === 0) return undefined;
  return Object.fromEntries(keys.map(k => [k, map[k]]));
}

/** Puts an object's keys in the stable order: apiVersion, kind, metadata (name, namespace, labels, annotations), spec... */
export function canonicalObject(object: KubeObject): Record<string, unknown> {
  const metadata = ordered(
    {
      ...object.metadata,
      labels: sortedMap(object.metadata.labels),
      annotations: sortedMap(object.metadata.annotations),
    },
    META_ORDER,
  );
  return ordered({ ...object, metadata }, TOP_ORDER);
}

const STRINGIFY: YAML.ToStringOptions = { lineWidth: 0, indentSeq: true };
// YAML 1.1 rules when writing, so strings that older parsers would read as dates, booleans or numbers
// (2027-06-30, yes, on, 0755) are quoted: Kubernetes label values must stay strings.
const DOCUMENT: YAML.DocumentOptions = { version: '1.1' };

/** Serialises a plain value as one YAML document (used for kustomization files). */
export function toYaml(value: unknown, header?: string): string {
  const doc = new YAML.Document(value, DOCUMENT);
  if (header) doc.commentBefore = header;
  return doc.toString(STRINGIFY);
}

/**
 * Serialises objects as a multi-document YAML file with a header comment. The same objects always give the same
 * bytes.
 */
export function toYamlDocuments(objects: KubeObject[], header: string): string {
  return objects
    .map((object, i) => {
      const doc = new YAML.Document(canonicalObject(object), DOCUMENT);
      if (i === 0) doc.commentBefore = header;
      return doc.toString(STRINGIFY);
    })
    .join('---\n');
}

/** Parses a multi-document YAML file into objects; throws with the document number on a syntax error. */
export function parseYamlDocuments(text: string, fileName: string): unknown[] {
  const docs = YAML.parseAllDocuments(text);
  const out: unknown[] = [];
  docs.forEach((doc, i) => {
    if (doc.errors.length > 0) {
      throw new Error(
        `${fileName}: document ${i + 1}: ${doc.errors[0].message}`,
      );
    }
    const value = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  });
  return out;
}
