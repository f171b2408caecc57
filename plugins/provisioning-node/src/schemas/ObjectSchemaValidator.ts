import { resolvePackagePath } from '@backstage/backend-plugin-api';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  Service,
  Namespace,
  LimitRange,
  ResourceQuota,
  ServiceAccount,
} from 'kubernetes-models/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';

/** Core kinds the portal writes, checked with the Kubernetes OpenAPI schemas shipped by `kubernetes-models`. */
const CORE: Record<string, (data: unknown) => void> = {
  'v1/Namespace': data => new Namespace(data as any).validate(),
  'v1/ResourceQuota': data => new ResourceQuota(data as any).validate(),
  'v1/LimitRange': data => new LimitRange(data as any).validate(),
  'v1/Service': data => new Service(data as any).validate(),
  'v1/ServiceAccount': data => new ServiceAccount(data as any).validate(),
  'networking.k8s.io/v1/NetworkPolicy': data =>
    new NetworkPolicy(data as any).validate(),
  'rbac.authorization.k8s.io/v1/RoleBinding': data =>
    new RoleBinding(data as any).validate(),
};

/** Folders of CRD files shipped by the common package (KubeVirt and CDI generated, Flux as published). */
export function crdFolders(): string[] {
  const root = resolvePackagePath(
    '@kubeportal/plugin-provisioning-common',
    'schemas',
  );
  return [path.join(root, 'crds'), path.join(root, 'upstream', 'flux')];
}

/**
 * Makes a CRD's structural schema strict the way the API server's strict field validation is: objects with
 * declared properties refuse unknown ones unless they preserve unknown fields.
 */
function strict(schema: any): any {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties')
      out[key] = Object.fromEntries(
        Object.entries(value as object).map(([k, v]) => [k, strict(v)]),
      );
    else if (
      [
        'items',
        'additionalProperties',
        'anyOf',
        'allOf',
        'oneOf',
        'not',
      ].includes(key) &&
      typeof value === 'object'
    )
      out[key] = strict(value);
    else out[key] = value;
  }
  if (
    out.properties &&
    out.additionalProperties === undefined &&
    !out['x-kubernetes-preserve-unknown-fields']
  ) {
    out.additionalProperties = false;
  }
  return out;
}

function formatAjvError(error: ErrorObject): string {
  const where =
    error.instancePath
      .replace(/^\//, '')
      .replace(/\/(\d+)(?=\/|$)/g, '[$1]')
      .replace(/\//g, '.') || '(root)';
  if (error.keyword === 'additionalProperties')
    return `${where}: unknown field '${
      (error.params as any).additionalProperty
    }'`;
  if (error.keyword === 'enum')
    return `${where}: must be one of ${(error.params as any).allowedValues.join(
      ', ',
    )}`;
  return `${where}: ${error.message}`;
}

/**
 * Checks objects against the real schemas: core kinds with the Kubernetes OpenAPI (kubernetes-models), custom
 * resources with the openAPIV3Schema of their CRDs (KubeVirt, CDI, Flux).
 */
export class ObjectSchemaValidator {
  private readonly crds = new Map<string, ValidateFunction>();

  /** Loads every CRD file of the given folders (default: the ones the common package ships). */
  static fromFolders(folders: string[] = crdFolders()): ObjectSchemaValidator {
    const validator = new ObjectSchemaValidator();
    const ajv = new Ajv({
      strict: false,
      allErrors: true,
      validateFormats: true,
    });
    addFormats(ajv);
    for (const folder of folders) {
      for (const file of fs
        .readdirSync(folder)
        .filter(f => f.endsWith('.yaml'))
        .sort()) {
        for (const doc of YAML.parseAllDocuments(
          fs.readFileSync(path.join(folder, file), 'utf8'),
        )) {
          const crd = doc.toJS();
          if (crd?.kind !== 'CustomResourceDefinition') continue;
          for (const version of crd.spec.versions) {
            const schema = version.schema?.openAPIV3Schema;
            if (!schema) continue;
            validator.crds.set(
              `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`,
              ajv.compile(strict(schema)),
            );
          }
        }
      }
    }
    return validator;
  }

  /** Kinds this validator knows, as `apiVersion/kind`. */
  knownKinds(): string[] {
    return [...Object.keys(CORE), ...this.crds.keys()].sort();
  }

  /** Problems with one object, each `field: rule`; empty when it is valid. Unknown kinds are a problem too. */
  validate(object: unknown): string[] {
    const { apiVersion, kind } = (object ?? {}) as {
      apiVersion?: string;
      kind?: string;
    };
    const key = `${apiVersion}/${kind}`;
    const core = CORE[key];
    if (core) {
      try {
        core(object);
        return [];
      } catch (error) {
        const errors = (error as { errors?: ErrorObject[] }).errors;
        if (errors) return errors.map(formatAjvError);
        return [(error as Error).message];
      }
    }
    const crd = this.crds.get(key);
    if (!crd) return [`(root): no schema known for ${key}`];
    return crd(object) ? [] : (crd.errors ?? []).map(formatAjvError);
  }
}
