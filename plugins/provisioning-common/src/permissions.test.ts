import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  permissionsForRequest,
  provisioningPermissions,
  RESOURCE_TYPE_PROVISIONING_NAMESPACE,
} from './permissions';

describe('provisioning permissions', () => {
  it('asks only the kind permission of an ordinary request', () => {
    expect(
      permissionsForRequest('vm', { prod: false }).map(p => p.name),
    ).toEqual(['provisioning.request.vm.create']);
  });

  it('adds prod for a request touching prod, and decommission for a removal', () => {
    expect(
      permissionsForRequest('decommission', { prod: true }).map(p => p.name),
    ).toEqual([
      'provisioning.request.decommission.create',
      'provisioning.request.prod',
      'provisioning.namespace.decommission',
    ]);
  });

  it('decides every request permission over the team namespace resource; administration is a plain permission', () => {
    const byName = Object.fromEntries(
      provisioningPermissions.map(p => [p.name, p]),
    );
    expect(Object.keys(byName)).toHaveLength(provisioningPermissions.length);
    for (const permission of provisioningPermissions.filter(
      p => p.name !== 'provisioning.admin',
    )) {
      expect(
        isResourcePermission(permission, RESOURCE_TYPE_PROVISIONING_NAMESPACE),
      ).toBe(true);
    }
    expect(byName['provisioning.admin'].type).toBe('basic');
  });
});
