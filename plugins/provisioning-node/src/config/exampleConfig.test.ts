import { ConfigReader } from '@backstage/config';
import {
  evaluatePolicy,
  parseRequest,
  renderRequest,
} from '@kubeportal/plugin-provisioning-common';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { readProvisioningConfig } from './provisioningConfig';

/**
 * The repository's own app-config.yaml (what `./scripts/start.sh` runs with) refuses what a platform team would:
 * quotas above the environment's maximum and spending above the team's budget.
 */
describe('the example configuration', () => {
  const appConfig = YAML.parse(
    fs.readFileSync(
      path.resolve(__dirname, '../../../../app-config.yaml'),
      'utf8',
    ),
  );
  // the local clusters, as the local environment adds them
  const localCluster = {
    provisioning: {
      clusters: [
        {
          name: 'dev',
          environment: 'dev',
          url: 'https://127.0.0.1:6443',
          auth: { type: 'serviceAccountToken', token: 'local' },
        },
        {
          name: 'prod',
          environment: 'prod',
          url: 'https://127.0.0.1:6444',
          auth: { type: 'serviceAccountToken', token: 'local' },
        },
      ],
    },
  };
  const { settings } = readProvisioningConfig(
    ConfigReader.fromConfigs([
      { context: 'app-config.yaml', data: appConfig },
      { context: 'local environment', data: localCluster },
    ]),
  );
  const check = (quota: object, team = 'payments', cluster = 'dev') => {
    const request = parseRequest({
      kind: 'namespace',
      cluster,
      name: `${team}-big`,
      team,
      requester: 'user:default/jdoe',
      environment: cluster,
      costCentre: 'CC-1',
      purpose: 'example',
      quota,
    });
    const result = renderRequest(request, {
      settings,
      repo: new Map(),
      codeowners: ['alice'],
    });
    return evaluatePolicy(request, result, new Map(), settings, '2026-11-25', {
      projectLeads: ['alice', 'carol'],
    }).violations.map(v => `${v.path} ${v.rule}: ${v.message}`);
  };

  it('lets a tier that fits dev and the budget through', () => {
    expect(check({ tier: 'M' })).toEqual([]);
  });

  it('refuses 10,000 CPUs and 100Ti of memory in dev, field by field, and the cost over the budget', () => {
    expect(
      check({
        custom: {
          requestsCpu: '10000',
          limitsCpu: '10000',
          requestsMemory: '100Ti',
          limitsMemory: '100Ti',
          requestsStorage: '50Gi',
          persistentVolumeClaims: 5,
          pods: 20,
          services: 5,
        },
      }),
    ).toEqual([
      'quota.requestsCpu max-quota: requests.cpu 10000 is above the dev maximum of 8',
      'quota.limitsCpu max-quota: limits.cpu 10000 is above the dev maximum of 16',
      'quota.requestsMemory max-quota: requests.memory 100Ti is above the dev maximum of 32Gi',
      'quota.limitsMemory max-quota: limits.memory 100Ti is above the dev maximum of 64Gi',
      // 10,000 cores x 20 + 102,400 GiB x 3 + 50 GiB x 0.1
      "quota team-budget: team 'payments' would spend 507205.00 EUR a month, above its budget of 1500.00 EUR",
    ]);
  });

  it('holds a team without its own budget to the default budget', () => {
    // tier XL costs 614.40 EUR a month: within payments' 1500, above the default 500
    expect(check({ tier: 'XL' }, 'payments', 'prod')).toEqual([]);
    expect(check({ tier: 'XL' }, 'billing', 'prod')).toEqual([
      "quota team-budget: team 'billing' would spend 614.40 EUR a month, above its budget of 500.00 EUR",
    ]);
  });
});
