// Browser test of the whole request flow: sign in, open the namespace template, fill it, see the preview and
// cost, submit, follow the link to the pull request on the GitHub emulator, approve and merge it as the project
// lead, and find the request merged in the catalog. Runs against the local
// environment (emulator and real clusters), so it needs the control-plane binaries.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, startPortal } from './portal.mjs';

// Under CI (scripts/test.sh sets KUBEPORTAL_REQUIRE_REAL) a control plane that cannot run fails this test.
const unavailable =
  process.env.KUBEPORTAL_REQUIRE_REAL === '1'
    ? undefined
    : process.env.KUBEPORTAL_KUBE_UNAVAILABLE;
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

test(
  'a developer requests a namespace and reaches its pull request',
  {
    skip: unavailable
      ? `the real control plane cannot run here: ${unavailable}`
      : false,
  },
  async () => {
    const page = await browser.context.newPage();
    const shot = async name =>
      process.env.SCREENSHOT_DIR &&
      page.screenshot({
        path: `${process.env.SCREENSHOT_DIR}/request-${name}.png`,
      });
    try {
      await page.goto(portal.baseUrl);
      await page.getByRole('button', { name: 'Enter' }).click();
      await page.getByText('Owned Components').waitFor({ timeout: 150_000 });
      await page.goto(
        `${portal.baseUrl}/create/templates/default/provisioning-namespace`,
      );

      await page
        .getByRole('combobox', { name: /Cluster/ })
        .click({ timeout: 60_000 });
      await page.getByRole('option', { name: /^dev — dev/ }).click();
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
      // access: AD groups only; who approves comes from the team's catalog entry, not from the form
      await page.getByRole('button', { name: 'Next' }).click();
      assert.equal(await page.locator('input[id*="approvers"]').count(), 0);
      await page.getByRole('button', { name: 'Next' }).click();

      await page
        .getByRole('button', { name: 'Preview the pull request' })
        .click();
      await page
        .getByText(/monthly cost 0\.00 EUR → 57\.00 EUR; .*All checks pass\./)
        .waitFor({ timeout: 30_000 });
      assert.ok(
        await page
          .getByText('clusters/dev/namespaces/payments-e2e/resourcequota.yaml')
          .isVisible(),
      );
      await shot('preview');
      await page
        .getByRole('button', { name: 'Review', exact: true })
        .last()
        .click();
      await page.getByRole('button', { name: 'Create' }).click();

      const link = page.getByRole('link', { name: 'Pull request' });
      await link.waitFor({ timeout: 90_000 });
      await shot('task');
      const href = await link.getAttribute('href');
      assert.match(href, /\/ui\/acme\/gitops\/pull\/1$/);
      await page.goto(href);
      await page
        .getByRole('heading', {
          name: /Namespace payments-e2e on dev for payments/,
        })
        .waitFor({ timeout: 30_000 });
      assert.ok(
        await page.getByRole('button', { name: 'Approve' }).isVisible(),
      );
      assert.ok(await page.getByText('team:payments').isVisible());
      await shot('pull-request');

      // the project lead approves and merges it on the (local) GitHub
      await page.getByLabel('Reviewer').selectOption('alice');
      await page.getByRole('button', { name: 'Approve' }).click();
      await page.getByText('APPROVED').first().waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Merge pull request' }).click();
      await page
        .getByText('Merged', { exact: true })
        .first()
        .waitFor({ timeout: 30_000 });

      // the request appears in the catalog with its status, owned by the team, for the requester to follow
      const entityUrl = `${portal.baseUrl}/catalog/default/resource/create.dev.ns.payments-e2e`;
      const deadline = Date.now() + 150_000;
      for (;;) {
        await page.goto(entityUrl);
        const found = await page
          .getByText('merged', { exact: true })
          .first()
          .waitFor({ timeout: 10_000 })
          .then(
            () => true,
            () => false,
          );
        if (found) break;
        if (Date.now() > deadline)
          throw new Error('the request did not appear in the catalog');
      }
      assert.ok(
        await page.getByRole('link', { name: 'Payments' }).first().isVisible(),
      );
      await shot('request-entity');
    } catch (error) {
      await page.screenshot({
        path: `${process.env.SCREENSHOT_DIR ?? '/tmp'}/request-failure.png`,
      });
      throw new Error(
        `${error.message}\n--- portal log ---\n${portal.logs
          .join('')
          .slice(-3000)}`,
      );
    }
  },
);
