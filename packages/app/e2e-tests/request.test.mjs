// Browser tests of the request flow against the local environment (GitHub emulator with branch protection, real
// clusters with Flux), as a developer and then as the project lead:
// - the namespace form says what is allowed in words, takes the environment from the cluster, and its preview is
//   the plan ("Ready to submit" only when the task will pass); the lead cannot merge without approving on the
//   protected branch; the pull request's portal link lands on the request's page; the Provisioning page lists it;
// - a second request for the same namespace shows the open pull request and what would change, blocks the review
//   until updating it is chosen, and the pull request gets a comment that lists the change;
// - the VM form offers the namespaces of the user's teams and the sizes that fit, and has a preview;
// - the namespace's catalog page shows quota usage counted by the real quota controller, and it moves on a signal;
// - a VM's catalog page, the cluster overview and the team's tab show what the clusters hold.
// Needs the control-plane binaries; screenshots go to SCREENSHOT_DIR (the README's tour uses them).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { launchBrowser, startPortal } from './portal.mjs';

// Under CI (scripts/test.sh sets KUBEPORTAL_REQUIRE_REAL) a control plane that cannot run fails these tests.
const unavailable =
  process.env.KUBEPORTAL_REQUIRE_REAL === '1'
    ? undefined
    : process.env.KUBEPORTAL_KUBE_UNAVAILABLE;
const skip = unavailable
  ? `the real control plane cannot run here: ${unavailable}`
  : false;
let portal;
let browser;

before(async () => {
  if (unavailable) return;
  portal = await startPortal({ localEnvironment: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await portal?.stop();
});

/** A new page signed in as guest, a screenshot helper, and the portal's log on failure. */
async function session(prefix) {
  const page = await browser.context.newPage();
  const shot = async name =>
    process.env.SCREENSHOT_DIR &&
    page.screenshot({
      path: `${process.env.SCREENSHOT_DIR}/${prefix}-${name}.png`,
    });
  const fail = async error => {
    await page.screenshot({
      path: `${process.env.SCREENSHOT_DIR ?? '/tmp'}/${prefix}-failure.png`,
      fullPage: true,
    });
    return new Error(
      `${error.stack}\n--- portal log ---\n${portal.logs
        .join('')
        .slice(-3000)}`,
    );
  };
  await page.goto(portal.baseUrl);
  // the browser keeps the session: the sign-in page shows only the first time
  const enter = page.getByRole('button', { name: 'Enter' });
  const home = page.getByText('Owned Components');
  await enter.or(home).first().waitFor({ timeout: 150_000 });
  if (await enter.isVisible()) await enter.click();
  await home.waitFor({ timeout: 150_000 });
  return { page, shot, fail };
}

/** Fills the first step of the namespace template: cluster dev, a name, team payments and a purpose. */
async function namespaceWhere(page, name, purpose) {
  await page.goto(
    `${portal.baseUrl}/create/templates/default/provisioning-namespace`,
  );
  await page.getByRole('combobox', { name: /Cluster/ }).click({
    timeout: 60_000,
  });
  await page.getByRole('option', { name: /^dev — dev/ }).click();
  await page.getByLabel(/Namespace name/).fill(name);
  await page.getByLabel(/Owning team/).click();
  await page.getByRole('option', { name: 'Payments' }).click();
  await page
    .getByLabel(/Purpose/)
    .first()
    .fill(purpose);
}

/** From the first step to the preview: the default quota tier, no extra access. */
async function toPreview(page) {
  for (let step = 0; step < 3; step++)
    await page.getByRole('button', { name: 'Next' }).click();
}

/** Review and create; returns the pull request's address from the task page. */
async function submit(page) {
  await page
    .getByRole('button', { name: 'Review', exact: true })
    .last()
    .click();
  await page.getByRole('button', { name: 'Create' }).click();
  const link = page.getByRole('link', { name: 'Pull request' });
  await link.waitFor({ timeout: 90_000 });
  return link.getAttribute('href');
}

/** kubectl against the local dev cluster, with the admin kubeconfig the local environment names in its log. */
function devKubectl(args, input) {
  const kubeconfig = portal.logs
    .join('')
    .match(/cluster dev: \S+ \(kubeconfig (\S+)\)/)?.[1];
  assert.ok(kubeconfig, 'the local environment names the dev kubeconfig');
  return execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {
    input,
  });
}

/** Reloads a portal page until the text shows (the catalog reads pull requests every 30 seconds). */
async function untilShown(page, url, text, timeoutMs = 150_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.goto(url);
    const found = await text(page)
      .first()
      .waitFor({ timeout: 10_000 })
      .then(
        () => true,
        () => false,
      );
    if (found) return;
    if (Date.now() > deadline)
      throw new Error(`${url} did not show what was expected in time`);
  }
}

test(
  'a developer requests a namespace, the lead approves and merges it, and every link lands',
  { skip },
  async () => {
    const { page, shot, fail } = await session('request');
    try {
      await page.goto(
        `${portal.baseUrl}/create/templates/default/provisioning-namespace`,
      );
      // each cluster says whether the portal reaches it; the environment is the cluster's, not a question
      await page.getByRole('combobox', { name: /Cluster/ }).click({
        timeout: 60_000,
      });
      const clusters = await page.getByRole('option').allTextContents();
      assert.ok(clusters.length >= 2, clusters.join(' | '));
      for (const text of clusters)
        assert.match(text, / · (reachable|unreachable)/);
      await page.getByRole('option', { name: /^dev — dev/ }).click();
      await page
        .getByText(
          /^dev: dev environment at \S+, reachable now\. The request's environment is the cluster's\.$/,
        )
        .waitFor();
      assert.equal(await page.getByLabel(/^Environment/).count(), 0);

      // a bad name is explained in words, never as a regular expression
      await page.getByLabel(/Namespace name/).fill('Payments_E2E');
      await page
        .getByText(
          "Payments_E2E must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
        )
        .waitFor();
      assert.ok(!(await page.content()).includes('^[a-z0-9]'));
      await page.getByLabel(/Namespace name/).fill('payments-e2e');
      // only the groups the signed-in user belongs to are offered
      await page.getByLabel(/Owning team/).click();
      const teams = page.getByRole('option');
      await teams.first().waitFor({ timeout: 30_000 });
      assert.deepEqual((await teams.allTextContents()).sort(), [
        'Payments',
        'Platform team',
      ]);
      await page.getByRole('option', { name: 'Payments' }).click();
      await page
        .getByLabel(/Purpose/)
        .first()
        .fill('End-to-end test of the namespace form');
      await shot('form');
      await page.getByRole('button', { name: 'Next' }).click();
      // tiers and their cost come from the backend's configuration
      await page
        .getByText(
          'M: 4 CPU, 16Gi memory, 200Gi storage, 50 pods — 148.00 EUR a month',
        )
        .waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Next' }).click();
      // access: AD groups only; who approves comes from the team's catalog entry, not from the form
      assert.equal(await page.locator('input[id*="approvers"]').count(), 0);
      await page.getByRole('button', { name: 'Next' }).click();

      // the preview is the plan: checked when the step opens, ready only when every check of the task passes
      const verdict = page.getByTestId('preview-verdict');
      await verdict.getByText('Ready to submit').waitFor({ timeout: 60_000 });
      assert.match(
        await verdict.textContent(),
        /Monthly cost 0\.00 EUR → 57\.00 EUR; .*Every check the task runs passes on commit [0-9a-f]{7}\./,
      );
      assert.ok(
        await page
          .getByText('clusters/dev/namespaces/payments-e2e/resourcequota.yaml')
          .isVisible(),
      );
      await shot('preview');
      const pullUrl = await submit(page);
      await shot('task');
      assert.match(pullUrl, /\/ui\/acme\/gitops\/pull\/1$/);

      // the local GitHub: the body is rendered markdown, nobody is picked as reviewer, and the protected branch
      // refuses a merge without a code owner's approval
      await page.goto(pullUrl);
      await page
        .getByRole('heading', {
          level: 2,
          name: 'Namespace payments-e2e on dev for payments',
        })
        .waitFor({ timeout: 30_000 });
      assert.ok(await page.getByText('team:payments').isVisible());
      assert.ok(
        (await page.locator('.body table').count()) > 0,
        'the summary table is rendered',
      );
      assert.ok(!(await page.content()).includes('| --- |'));
      assert.equal(await page.getByLabel('Reviewer').inputValue(), '');
      assert.ok(
        await page
          .getByRole('button', { name: 'Merge pull request' })
          .isDisabled(),
      );
      await page
        .getByText(/At least 1 approving review is required/)
        .first()
        .waitFor({ timeout: 30_000 });
      await shot('merge-blocked');
      // the team's lead owns the namespace folder, the platform lead the platform files: both approve
      await page.getByLabel('Reviewer').selectOption('alice');
      await page.getByRole('button', { name: 'Approve' }).click();
      await page.getByText('APPROVED').first().waitFor({ timeout: 30_000 });
      await page
        .getByText(/Waiting on code owner review from @platform-lead/)
        .first()
        .waitFor({ timeout: 30_000 });
      await page.getByLabel('Reviewer').selectOption('platform-lead');
      await page.getByRole('button', { name: 'Approve' }).click();
      await page
        .getByRole('button', { name: 'Merge pull request' })
        .and(page.locator(':enabled'))
        .waitFor({ timeout: 30_000 });
      await shot('pull-request');
      await page.getByRole('button', { name: 'Merge pull request' }).click();
      await page
        .getByText('Merged', { exact: true })
        .first()
        .waitFor({ timeout: 30_000 });
      // the repository's webhook told the portal, signed, and its status store followed the pull request
      const deadline = Date.now() + 30_000;
      const heard = () =>
        /Webhook \S+ \(pull_request\) for request create\.dev\.ns\.payments-e2e#\d+: merged recorded/.test(
          portal.logs.join(''),
        );
      while (!heard() && Date.now() < deadline)
        await new Promise(r => setTimeout(r, 250));
      assert.ok(heard(), 'the merge reached the portal through its webhook');
      assert.match(
        portal.logs.join(''),
        /Webhook \S+ \(pull_request_review\) for request create\.dev\.ns\.payments-e2e#\d+: approved recorded/,
      );

      // the pull request's portal link opens the request's page with its status
      const portalLink = await page
        .getByRole('link', { name: 'Open in the portal' })
        .getAttribute('href');
      const requestUrl = `${portal.baseUrl}/provisioning/requests/dev.ns.payments-e2e`;
      assert.equal(
        portalLink.replace(/^https?:\/\/[^/]+/, ''),
        '/provisioning/requests/dev.ns.payments-e2e',
      );
      await untilShown(page, requestUrl, p =>
        p.getByText('Merged', { exact: true }),
      );
      assert.ok(
        await page
          .getByText('Namespace payments-e2e on dev', { exact: true })
          .first()
          .isVisible(),
      );
      assert.ok(
        await page
          .getByRole('link', { name: 'Pull request #1 on GitHub' })
          .isVisible(),
      );
      await shot('request-page');

      // the Provisioning page lists the user's requests with their status, and the templates
      await page.goto(`${portal.baseUrl}/provisioning`);
      const row = page.getByRole('row', {
        name: /Namespace payments-e2e on dev/,
      });
      await row.waitFor({ timeout: 30_000 });
      assert.match(await row.textContent(), /Merged/);
      assert.ok(
        await page
          .getByRole('link', { name: 'Virtual machine (KubeVirt)' })
          .isVisible(),
      );
      await shot('provisioning-page');

      // the catalog entity: a short title, the status where people look
      await untilShown(
        page,
        `${portal.baseUrl}/catalog/default/resource/create.dev.ns.payments-e2e`,
        p => p.getByText(/^Merged · /),
      );
      assert.ok(
        await page.getByRole('link', { name: 'Payments' }).first().isVisible(),
      );
      await shot('request-entity');
    } catch (error) {
      throw await fail(error);
    }
  },
);

test(
  'a second request for an open pull request shows it, and updating it is an explicit choice',
  { skip },
  async () => {
    const { page, shot, fail } = await session('open-request');
    try {
      await namespaceWhere(page, 'payments-two', 'First version');
      await toPreview(page);
      await page
        .getByTestId('preview-verdict')
        .getByText('Ready to submit')
        .waitFor({ timeout: 60_000 });
      const first = await submit(page);
      const number = Number(first.split('/').pop());

      await namespaceWhere(
        page,
        'payments-two',
        'Second version, with load tests',
      );
      // the name field says so on the first step, without stopping the user
      await page
        .getByText(
          `you already asked for namespace 'payments-two' in pull request #${number}`,
          { exact: false },
        )
        .waitFor({ timeout: 30_000 });
      await toPreview(page);
      const verdict = page.getByTestId('preview-verdict');
      await verdict
        .getByText('Not ready to submit: 1 problem')
        .waitFor({ timeout: 60_000 });
      const open = page.getByTestId('open-request');
      assert.ok(
        await open
          .getByRole('link', { name: `pull request #${number}` })
          .isVisible(),
      );
      assert.match(
        await open.textContent(),
        /clusters\/dev\/platform\/namespaces\/payments-two\.yaml: changed/,
      );
      await shot('preview');
      // the review stays blocked until updating is chosen
      await page
        .getByRole('button', { name: 'Review', exact: true })
        .last()
        .click();
      await page
        .getByText(
          'The request does not pass its checks yet: fix the problems the preview lists, then check again',
        )
        .first()
        .waitFor({ timeout: 10_000 });
      await page
        .getByLabel(`Update pull request #${number} with this request`)
        .check();
      await verdict.getByText('Ready to submit').waitFor({ timeout: 60_000 });
      await shot('update-chosen');
      assert.equal(await submit(page), first);

      // the pull request says what changed
      await page.goto(first);
      await page
        .getByText('Updated through the portal', { exact: false })
        .waitFor({ timeout: 30_000 });
      assert.ok(
        await page
          .getByText('clusters/dev/platform/namespaces/payments-two.yaml')
          .first()
          .isVisible(),
      );
      await shot('comment');
    } catch (error) {
      throw await fail(error);
    }
  },
);

test(
  "the VM form offers the user's namespaces and the sizes that fit, and previews the plan",
  { skip },
  async () => {
    const { page, shot, fail } = await session('vm');
    try {
      await page.goto(
        `${portal.baseUrl}/create/templates/default/provisioning-virtual-machine`,
      );
      await page.getByRole('combobox', { name: /Cluster/ }).click({
        timeout: 60_000,
      });
      await page.getByRole('option', { name: /^dev — dev/ }).click();
      await page.getByRole('combobox', { name: /Namespace/ }).click();
      const option = page.getByRole('option', { name: /^payments-e2e — / });
      await option.waitFor({ timeout: 30_000 });
      assert.match(
        await option.textContent(),
        /^payments-e2e — team payments; room left: \S+ GiB memory, \S+ cores CPU limit$/,
      );
      await option.click();
      await page.getByLabel(/VM name/).fill('legacy-crm');
      await page
        .getByLabel(/Purpose/)
        .first()
        .fill('CRM moved from OpenVZ');
      await shot('where');
      await page.getByRole('button', { name: 'Next' }).click();

      // tier S: 2 vCPU / 2Gi fits, 2 vCPU / 4Gi does not, and says by how much
      assert.ok(await page.getByLabel('2 vCPU, 2Gi — fits').isChecked());
      const tooBig = page.getByLabel(
        /^2 vCPU, 4Gi — does not fit: requests\.memory \S+ MiB short$/,
      );
      assert.ok(await tooBig.isDisabled());
      await page.getByText(/^Namespace payments-e2e: room left: /).waitFor();
      await page.getByLabel(/Golden image PVC name/).fill('rhel9');
      await shot('size');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('button', { name: 'Next' }).click();

      const verdict = page.getByTestId('preview-verdict');
      await verdict.getByText('Ready to submit').waitFor({ timeout: 60_000 });
      assert.ok(
        await page
          .getByText('clusters/dev/namespaces/payments-e2e/vm-legacy-crm.yaml')
          .isVisible(),
      );
      await shot('preview');
    } catch (error) {
      throw await fail(error);
    }
  },
);

test(
  'the example configuration refuses what a platform team would refuse, before submit',
  { skip },
  async () => {
    const { page, shot, fail } = await session('policy');
    try {
      await namespaceWhere(page, 'payments-huge', 'Ten thousand CPUs');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByLabel('Custom values').check({ timeout: 30_000 });
      await page.getByLabel('CPU requests').fill('10000');
      await page.getByLabel('CPU limits').fill('10000');
      await page.getByLabel('Memory requests').fill('100Ti');
      await page.getByLabel('Memory limits').fill('100Ti');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('button', { name: 'Next' }).click();
      const verdict = page.getByTestId('preview-verdict');
      await verdict
        .getByText(/^Not ready to submit: \d+ problems$/)
        .waitFor({ timeout: 60_000 });
      const problems = await verdict.getByRole('listitem').allTextContents();
      // the dev maximum of the example configuration, one problem per field, and the team's budget
      assert.ok(
        problems.includes(
          'Quota: requests.cpu 10000 is above the dev maximum of 8',
        ),
        problems.join('\n'),
      );
      assert.ok(
        problems.some(p =>
          /^Quota: team 'payments' would spend .* a month, above its budget of 1500\.00 EUR$/.test(
            p,
          ),
        ),
        problems.join('\n'),
      );
      await shot('preview');
      await page
        .getByRole('button', { name: 'Review', exact: true })
        .last()
        .click();
      await page
        .getByText(
          'The request does not pass its checks yet: fix the problems the preview lists, then check again',
        )
        .first()
        .waitFor({ timeout: 10_000 });
    } catch (error) {
      throw await fail(error);
    }
  },
);

test(
  "the namespace's catalog page shows its quota usage, and it changes without a reload when pods start",
  { skip },
  async () => {
    const { page, shot, fail } = await session('namespace');
    try {
      // the namespace the first test asked for, applied by Flux, published by the catalog from the live cache
      const entity = `${portal.baseUrl}/catalog/default/resource/dev.payments-e2e`;
      await untilShown(page, entity, p => p.getByTestId('quota-pods'), 240_000);
      const pods = page.getByTestId('quota-pods');
      assert.match(await pods.textContent(), /^pods0 of \d+ \(0%\)$/);
      await shot('entity');

      // two pods started with the cluster's own kubeconfig: the real quota controller counts them
      for (const name of ['e2e-one', 'e2e-two'])
        devKubectl([
          '-n',
          'payments-e2e',
          'run',
          name,
          '--image=registry.example/app:1',
          '--restart=Never',
        ]);
      // no reload, and sooner than the card's one-minute fallback read: the backend pushes a signal
      await page.waitForFunction(
        () =>
          /^pods2 of \d+/.test(
            document.querySelector('[data-testid="quota-pods"]')?.textContent ??
              '',
          ),
        undefined,
        { timeout: 45_000 },
      );
      assert.match(await pods.textContent(), /^pods2 of \d+ \(\d+%\)$/);
      assert.ok(await page.getByText('Pending: 2').isVisible());
      await shot('entity-pods');
    } catch (error) {
      throw await fail(error);
    }
  },
);

test(
  "a VM's catalog page, the cluster overview and a team's tab show what the clusters hold",
  { skip },
  async () => {
    const { page, shot, fail } = await session('live');
    try {
      const kubectl = devKubectl;
      // A VM in the namespace of the first test, as the portal renders it (labels of a portal request), checked by
      // the API server against KubeVirt's CRD. KubeVirt does not run here: the test plays virt-controller, creating
      // the instance and writing both statuses as it would once the launcher pod runs.
      const labels = {
        'app.kubernetes.io/managed-by': 'kubeportal',
        'provisioning.kubeportal.io/request-id': 'dev.vm.payments-e2e.e2e-vm',
      };
      const template = {
        metadata: { labels: { 'kubevirt.io/vm': 'e2e-vm', ...labels } },
        spec: {
          domain: {
            cpu: { cores: 2 },
            memory: { guest: '2Gi' },
            resources: { requests: { cpu: '200m', memory: '2Gi' } },
            devices: { disks: [] },
          },
          volumes: [],
        },
      };
      kubectl(
        ['apply', '-f', '-'],
        JSON.stringify({
          apiVersion: 'kubevirt.io/v1',
          kind: 'VirtualMachine',
          metadata: { name: 'e2e-vm', namespace: 'payments-e2e', labels },
          spec: { runStrategy: 'Always', template },
        }),
      );
      kubectl(
        ['apply', '-f', '-'],
        JSON.stringify({
          apiVersion: 'kubevirt.io/v1',
          kind: 'VirtualMachineInstance',
          metadata: {
            name: 'e2e-vm',
            namespace: 'payments-e2e',
            ...template.metadata,
          },
          spec: template.spec,
        }),
      );
      const ready = [{ type: 'Ready', status: 'True' }];
      kubectl([
        '-n',
        'payments-e2e',
        'patch',
        'virtualmachineinstance',
        'e2e-vm',
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify({
          status: {
            phase: 'Running',
            nodeName: 'emulated-node',
            interfaces: [{ name: 'default', ipAddress: '10.244.7.7' }],
            conditions: ready,
          },
        }),
      ]);
      kubectl([
        '-n',
        'payments-e2e',
        'patch',
        'virtualmachine',
        'e2e-vm',
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify({
          status: {
            printableStatus: 'Running',
            ready: true,
            conditions: ready,
          },
        }),
      ]);

      // the VM's entity, published from the cache, and its card with what the statuses say
      await untilShown(
        page,
        `${portal.baseUrl}/catalog/default/resource/dev.payments-e2e.e2e-vm`,
        p => p.getByText('Power: Running'),
        120_000,
      );
      await page.getByText('10.244.7.7').first().waitFor();
      assert.ok(await page.getByText('emulated-node').first().isVisible());
      await shot('vm');

      // every cluster with its health and capacity; the local prod cluster answers too
      await page.goto(`${portal.baseUrl}/provisioning/clusters`);
      await page.getByText('Health: ok').first().waitFor({ timeout: 60_000 });
      assert.equal(await page.getByText('Health: ok').count(), 2);
      // the local nodes (API objects with a capacity) against the quotas, and the teams counted by the catalog
      await page
        .getByRole('table', { name: 'Teams on dev' })
        .waitFor({ timeout: 60_000 });
      assert.ok(
        await page
          .getByRole('img', {
            name: /^Capacity of dev: CPU: quotas \d+%, VMs \d+%/,
          })
          .isVisible(),
      );
      await shot('clusters');

      // the payments team's tab: its namespace on dev, with the VM counted
      await page.goto(
        `${portal.baseUrl}/catalog/default/group/payments/live-state`,
      );
      await page
        .getByRole('link', { name: 'payments-e2e' })
        .first()
        .waitFor({ timeout: 60_000 });
      await shot('team');
    } catch (error) {
      throw await fail(error);
    }
  },
);
