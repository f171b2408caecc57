import { z } from 'zod';
import { dns1123LabelProblem, dns1123SubdomainProblem } from './names';
import { quantityProblem } from './quantity';

/** One broken rule: where (a field path like `quota.requestsCpu`) and what. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** Formats a zod path the way users read field paths: `disks[1].size`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  return path
    .map((part, i) => {
      if (typeof part === 'number') return `[${part}]`;
      return i === 0 ? part : `.${part}`;
    })
    .join('');
}

/** Turns zod issues into field problems, one per issue, in order. */
export function zodProblems(
  error: z.ZodError,
  prefix: string[] = [],
): FieldProblem[] {
  return error.issues.map(issue => ({
    path: formatPath([...prefix, ...issue.path]) || '(root)',
    message: issue.message,
  }));
}

/** Formats field problems as one message: `field: rule; other.field: rule`. */
export function formatProblems(problems: FieldProblem[]): string {
  return problems.map(p => `${p.path}: ${p.message}`).join('; ');
}

/**
 * The value `record` holds under `key` as its own property, else `undefined`. Every lookup by a key that comes
 * from a request, the configuration or a repository file goes through here: `record[key]` would answer
 * `constructor`, `toString` or `__proto__` with what every object inherits.
 */
export function ownValue<T>(
  record: Readonly<Partial<Record<string, T>>> | undefined,
  key: string,
): T | undefined {
  return record !== undefined &&
    Object.prototype.hasOwnProperty.call(record, key)
    ? record[key]
    : undefined;
}

/** A DNS-1123 label field. */
export const dnsLabel = () =>
  z.string().superRefine((value, ctx) => {
    const problem = dns1123LabelProblem(value);
    if (problem)
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });

/** A storage class name field or record key: a DNS-1123 subdomain, as Kubernetes requires. */
export const storageClassName = () =>
  z.string().superRefine((value, ctx) => {
    const problem = dns1123SubdomainProblem(value);
    if (problem)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `storage class name ${problem}`,
      });
  });

/** A Kubernetes quantity field (string; numbers are accepted and turned into strings). */
export const quantity = () =>
  z
    .union([z.string(), z.number().nonnegative()])
    .transform(v => String(v))
    .superRefine((value, ctx) => {
      const problem = quantityProblem(value);
      if (problem)
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: value === '' ? 'must not be empty' : `'${value}' ${problem}`,
        });
    });

/** Longest entity ref accepted: a kind, a namespace and a name of at most 63 characters each, with room to spare. */
export const MAX_ENTITY_REF_LENGTH = 200;

/** A catalog entity ref in full: `payments` is `group:default/payments`; a ref with a kind is kept as it is. */
export function toEntityRef(kind: 'group' | 'user', value: string): string {
  return value.includes(':') ? value : `${kind}:default/${value}`;
}

/**
 * A catalog entity ref of a given kind, e.g. `group:default/payments`; `payments` alone means the default
 * namespace. A group names a team, and a team's name becomes a folder (`clusters/<cluster>/teams/<team>`), a
 * label value and a key of configured budgets, so a group's name must be a DNS-1123 label: `..`, `a/b` or
 * `__proto__` are refused.
 */
export const entityRef = (kind: 'group' | 'user') =>
  z
    .string()
    .min(1)
    .max(
      MAX_ENTITY_REF_LENGTH,
      `must be at most ${MAX_ENTITY_REF_LENGTH} characters`,
    )
    .transform(value => toEntityRef(kind, value))
    .superRefine((value, ctx) => {
      const match = /^([a-z]+):([a-z0-9-_.]+)\/([A-Za-z0-9-_.]+)$/.exec(value);
      if (!match || match[1] !== kind) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `must be a ${kind} entity ref like '${kind}:default/name'`,
        });
        return;
      }
      const problem =
        kind === 'group' ? dns1123LabelProblem(match[3]) : undefined;
      if (problem) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `team name '${match[3]}' ${problem}`,
        });
      }
    });

/** An ISO date `YYYY-MM-DD` that exists in the calendar. */
export const isoDate = () =>
  z.string().superRefine((value, ctx) => {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    const date = match ? new Date(`${value}T00:00:00Z`) : undefined;
    if (
      !match ||
      !date ||
      Number.isNaN(date.getTime()) ||
      date.toISOString().slice(0, 10) !== value
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'must be a date written YYYY-MM-DD',
      });
    }
  });
