/* A helper for test files, not a test file: it defines, under CI, the one failing test of a suite that cannot run
   (so the export rule for test files and the assertion rule for that deliberately failing test do not apply). */
/* eslint-disable jest/no-export, jest/expect-expect */
/**
 * Why the real control plane cannot run here, or `undefined` when it can. `scripts/test.sh` sets
 * KUBEPORTAL_KUBE_UNAVAILABLE when building the binaries failed (no Go, no module proxy); suites that need the
 * control plane then skip with that reason instead of passing silently.
 */
export function kubeUnavailableReason(): string | undefined {
  return process.env.KUBEPORTAL_KUBE_UNAVAILABLE || undefined;
}

/**
 * Whether a missing real component must fail the run instead of skipping: set by `scripts/test.sh` when it runs
 * under CI (`CI=true`), so CI can never pass with the real-cluster tests skipped.
 */
export function realComponentsRequired(): boolean {
  return process.env.KUBEPORTAL_REQUIRE_REAL === '1';
}

/**
 * `describe`, or `describe.skip` with a printed reason when the control plane cannot run here; under CI a suite
 * that cannot run fails with the reason instead.
 */
export function describeWithKube(name: string, fn: () => void): void {
  const reason = kubeUnavailableReason();
  if (reason && realComponentsRequired()) {
    // eslint-disable-next-line jest/valid-title
    describe(name, () => {
      it('needs the real control plane, which cannot run here', () => {
        throw new Error(`the real control plane cannot run here: ${reason}`);
      });
    });
    return;
  }
  if (reason) {
    // eslint-disable-next-line no-console
    console.warn(
      `SKIPPED '${name}': the real control plane cannot run here: ${reason}`,
    );
  }
  // A wrapper around describe: the title and body come from the caller; skipping is deliberate and reported.
  const suite = reason ? describe.skip : describe;
  // eslint-disable-next-line jest/valid-title, jest/valid-describe-callback
  suite(name, fn);
}
