import { PriceTable, QuotaValues } from './config';
import { GIB_NANOS, NANOS_PER_UNIT, parseQuantity } from './quantity';
import { NamespaceState } from './gitops/state';
import { ownValue } from './validation';

/**
 * The cost model. Money is held as a bigint of micro-units of the currency (1 EUR = 1 000 000), so sums are exact;
 * it is rounded to cents only when shown.
 */
const MICRO = 1_000_000n;
const micro = (price: number) => BigInt(Math.round(price * 1_000_000));

/** Monthly cost, split by what it pays for. */
export interface CostBreakdown {
  cpu: bigint;
  memory: bigint;
  storage: bigint;
  vms: bigint;
  total: bigint;
}

/** Formats micro-units as money: `1234.50 EUR`. */
export function formatMoney(amount: bigint, currency: string): string {
  const negative = amount < 0n;
  const cents = ((negative ? -amount : amount) * 100n + MICRO / 2n) / MICRO;
  const text = `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
  return `${negative ? '-' : ''}${text} ${currency}`;
}

/** Converts a configured amount (e.g. a budget of 5000) to micro-units. */
export const toMicro = micro;

/**
 * Monthly cost of a quota plus VMs: reserved CPU (requests.cpu) and memory (requests.memory), storage per class
 * at its price (what no class claims at the default price), and the VM surcharge.
 */
export function quotaCost(
  quota: QuotaValues,
  vmCount: number,
  prices: PriceTable,
): CostBreakdown {
  const cpu =
    (parseQuantity(quota.requestsCpu) * micro(prices.cpuCoreMonth)) /
    NANOS_PER_UNIT;
  const memory =
    (parseQuantity(quota.requestsMemory) * micro(prices.memoryGiBMonth)) /
    GIB_NANOS;
  let storage = 0n;
  let claimed = 0n;
  for (const storageClass of Object.keys(quota.storageClasses).sort()) {
    const size = quota.storageClasses[storageClass].requestsStorage;
    if (size === undefined) continue;
    const bytes = parseQuantity(size);
    claimed += bytes;
    const price =
      ownValue(prices.storageGiBMonth, storageClass) ??
      prices.defaultStorageGiBMonth;
    storage += (bytes * micro(price)) / GIB_NANOS;
  }
  const rest = parseQuantity(quota.requestsStorage) - claimed;
  if (rest > 0n)
    storage += (rest * micro(prices.defaultStorageGiBMonth)) / GIB_NANOS;
  const vms = BigInt(vmCount) * micro(prices.vmMonth);
  return { cpu, memory, storage, vms, total: cpu + memory + storage + vms };
}

/** Monthly cost of one namespace as it stands in the repository. */
export function namespaceCost(
  ns: NamespaceState,
  prices: PriceTable,
): CostBreakdown {
  return quotaCost(ns.quota, ns.vms.length, prices);
}

/** A team's monthly cost across every cluster: sum over its namespaces. */
export function teamCost(
  namespaces: NamespaceState[],
  team: string,
  prices: PriceTable,
): bigint {
  return namespaces
    .filter(ns => ns.team === team)
    .reduce((sum, ns) => sum + namespaceCost(ns, prices).total, 0n);
}

/** Monthly cost per team, sorted by team name. */
export function costPerTeam(
  namespaces: NamespaceState[],
  prices: PriceTable,
): Array<{ team: string; monthly: bigint; namespaces: number; vms: number }> {
  const teams = [...new Set(namespaces.map(ns => ns.team))].sort();
  return teams.map(team => {
    const own = namespaces.filter(ns => ns.team === team);
    return {
      team,
      monthly: teamCost(own, team, prices),
      namespaces: own.length,
      vms: own.reduce((n, ns) => n + ns.vms.length, 0),
    };
  });
}
