/**
 * Why the real control plane cannot run here, or `undefined` when it can. `scripts/test.sh` sets
 * KUBEPORTAL_KUBE_UNAVAILABLE when building the binaries failed (no Go, no module proxy); suites that need the
 * control plane then skip with that reason instead of passing silently.
 */
export function kubeUnavailableReason(): string | undefined {
  return process.env.KUBEPORTAL_KUBE_UNAVAILABLE || undefined;
}

/** `describe`, or `describe.skip` with a printed reason when the control plane cannot run here. */
export function describeWithKube(name: string, fn: () => void): void {
  const reason = kubeUnavailableReason();
  if (reason) {
    // eslint-disable-next-line no-console
    console.warn(`SKIPPED '${name}': the real control plane cannot run here: ${reason}`);
    describe.skip(name, fn);
  } else {
    describe(name, fn);
  }
}
