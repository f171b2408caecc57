import { z } from 'zod';
import { dns1123SubdomainProblem } from './names';
import type { VmRequest } from './requests/schemas';
import { dnsLabel, FieldProblem } from './validation';

/** Namespaces every VM may clone a golden image from when the configuration names none (the VM template's default). */
export const DEFAULT_VM_IMAGE_NAMESPACES: readonly string[] = ['golden-images'];

/**
 * Hosts VM disks may be imported from when the configuration names none: only the reserved example names the
 * local examples use (`example.com` and the `.example` top-level domain are reserved by RFC 2606), so no real
 * host is allowed until the platform lists its own.
 */
export const DEFAULT_VM_IMAGE_HOSTS: readonly string[] = [
  'images.example.com',
  'img.example',
];

const IPV4 =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The WHATWG URL parser's spelling of a host (lower case, IP addresses canonical); `undefined` when it refuses it. */
function canonicalHost(host: string): string | undefined {
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Why `value` cannot be an allow-list entry: it must be a host name in lower case, an IPv4 address or a bracketed
 * IPv6 address, written the way URL parsers write it, without scheme, port, path or user info.
 */
export function imageHostProblem(value: string): string | undefined {
  const plain =
    /^\[[0-9a-f:.]+\]$/.test(value) ||
    (/^[a-z0-9.-]+$/.test(value) && !dns1123SubdomainProblem(value));
  if (!plain || canonicalHost(value) !== value) {
    return `'${value}' must be a host name in lower case, an IPv4 address or a bracketed IPv6 address, written canonically (no scheme, port, path or user info)`;
  }
  return undefined;
}

/** Where VM root disks may come from: clone namespaces and import hosts. Part of the policy settings. */
export const vmImageSourcesSchema = z
  .object({
    namespaces: z
      .array(dnsLabel())
      .default([...DEFAULT_VM_IMAGE_NAMESPACES])
      .describe(
        "Namespaces every VM may clone a golden image PVC from, beside the VM's own namespace",
      ),
    hosts: z
      .array(
        z.string().superRefine((value, ctx) => {
          const problem = imageHostProblem(value);
          if (problem)
            ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
        }),
      )
      .default([...DEFAULT_VM_IMAGE_HOSTS])
      .describe(
        'Hosts http(s) and registry imports may come from, matched exactly: no subdomains, IP addresses only when listed',
      ),
  })
  .strict();
/** The allow-list of VM disk sources. */
export type VmImageSources = z.infer<typeof vmImageSourcesSchema>;

type DiskSource = VmRequest['rootDisk']['source'];

/** The host an import URL reaches, as the importer would connect to it; or why the URL does not name one plainly. */
export type ImageHost =
  | { host: string; implicit?: boolean }
  | { problem: string };

/** Host, optional port: letters, digits, dots and dashes, or a bracketed IPv6 address. Nothing else. */
const AUTHORITY = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/;

function hostOfAuthority(authority: string, what: string): ImageHost {
  if (authority.includes('@')) {
    return {
      problem: `must not carry user info ('${authority}'): the host is what follows '@', so write the host alone`,
    };
  }
  const match = AUTHORITY.exec(authority);
  if (!match)
    return {
      problem: `must name its ${what} plainly ('${authority}'): letters, digits, dots and dashes, an optional port`,
    };
  return { host: match[1].toLowerCase() };
}

/**
 * The host an http(s) or registry import connects to. The host part is read from the URL as written, up to the
 * first `/`, `?` or `#`, and must be a plain host with an optional port: user info (`good.example@evil.example`),
 * backslashes and percent-escapes are refused rather than interpreted, so no two URL parsers can disagree about
 * it. Host names compare in lower case (DNS does). A registry URL follows Docker's reference rules: the first
 * path segment is the registry only when it has a dot or a colon or is `localhost`; otherwise the image comes from
 * Docker Hub (`docker.io`).
 */
export function imageSourceHost(
  source: Exclude<DiskSource, { type: 'pvc' }>,
): ImageHost {
  if (source.type === 'http') {
    const authority = /^https?:\/\/([^/?#]*)/.exec(source.url)?.[1] ?? '';
    return hostOfAuthority(authority, 'host');
  }
  const reference = source.url.replace(/^docker:\/\//, '');
  const slash = reference.indexOf('/');
  const first = slash < 0 ? '' : reference.slice(0, slash);
  if (first.includes('@')) return hostOfAuthority(first, 'registry');
  if (
    first === '' ||
    !(
      /[.:]/.test(first) ||
      first === 'localhost' ||
      first !== first.toLowerCase()
    )
  ) {
    return { host: 'docker.io', implicit: true };
  }
  return hostOfAuthority(first, 'registry');
}

/**
 * What is wrong with a VM's root disk source under the allow-list: a clone must come from the VM's own namespace
 * or a configured image namespace, an import from a configured host (matched exactly; an IP address only when
 * listed). Field paths are those of the request (`rootDisk.source.namespace`, `rootDisk.source.url`).
 */
export function vmImageSourceProblems(
  vmNamespace: string,
  source: DiskSource,
  allowed: VmImageSources,
): FieldProblem[] {
  if (source.type === 'pvc') {
    if (
      source.namespace === vmNamespace ||
      allowed.namespaces.includes(source.namespace)
    )
      return [];
    return [
      {
        path: 'rootDisk.source.namespace',
        message: `cloning from namespace '${
          source.namespace
        }' is not allowed: a VM clones from its own namespace ('${vmNamespace}') or an image namespace (${
          allowed.namespaces.join(', ') || 'none configured'
        })`,
      },
    ];
  }
  const found = imageSourceHost(source);
  if ('problem' in found)
    return [{ path: 'rootDisk.source.url', message: found.problem }];
  if (allowed.hosts.includes(found.host)) return [];
  const listed = `allowed: ${allowed.hosts.join(', ') || 'none configured'}`;
  const isAddress =
    IPV4.test(canonicalHost(found.host) ?? '') || found.host.startsWith('[');
  const what = found.implicit
    ? `names no registry, so it comes from Docker Hub ('docker.io'), which is not an allowed image host`
    : `host '${found.host}' is not an allowed image host${
        isAddress ? ' (an IP address is allowed only when listed)' : ''
      }`;
  return [{ path: 'rootDisk.source.url', message: `${what} (${listed})` }];
}
