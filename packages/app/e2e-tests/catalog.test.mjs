// Browser test: the built portal starts, a guest signs in, and finds the catalog and the provisioning page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, startPortal } from './portal.mjs';

let portal;
let browser;

before(async () => {
  portal = await startPortal();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await portal?.stop();
});

test('a guest signs in and sees the catalog with the portal itself in it', async () => {
  const page = await browser.context.newPage();
  await page.goto(portal.baseUrl);
  await page.getByRole('button', { name: 'Enter' }).click();
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await nav
    .getByRole('link', { name: 'Catalog', exact: true })
    .waitFor({ timeout: 150_000 });
  const entityLink = page.getByRole('link', {
    name: 'Provisioning portal',
    exact: true,
  });
  await entityLink.waitFor({ timeout: 150_000 }).catch(async error => {
    await page.screenshot({
      path: `${process.env.SCREENSHOT_DIR ?? '/tmp'}/catalog-failure.png`,
    });
    throw error;
  });
  assert.equal(
    await entityLink.getAttribute('href'),
    '/catalog/default/component/provisioning-portal',
  );
  // the count comes with the owned-entities query, which may answer after the link is shown
  await page.getByText('Owned Components (1)').waitFor({ timeout: 30_000 });
  if (process.env.SCREENSHOT_DIR) {
    await page.screenshot({
      path: `${process.env.SCREENSHOT_DIR}/catalog.png`,
    });
  }
});

test('the provisioning page reaches its backend', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${portal.baseUrl}/provisioning`);
  await page.getByText('Provisioning backend: ok').waitFor({ timeout: 60_000 });
  assert.ok(
    await page
      .getByRole('heading', { name: 'Provisioning' })
      .first()
      .isVisible(),
  );
  if (process.env.SCREENSHOT_DIR) {
    await page.screenshot({
      path: `${process.env.SCREENSHOT_DIR}/provisioning.png`,
    });
  }
});
