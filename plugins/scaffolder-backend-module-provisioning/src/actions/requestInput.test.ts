import { RequestPlanner } from '@kubeportal/plugin-provisioning-node';
import { requestInputSchema } from './requestInput';
import { createValidateRequestAction } from './validateRequest';

describe('the request input of the provisioning actions', () => {
  // the JSON schema the scaffolder shows on its actions page and in the template editor
  const action = createValidateRequestAction({
    planner: {} as RequestPlanner,
    initiator: async () => Promise.reject(new Error('unused')),
  });
  const json = JSON.stringify(action.schema?.input);

  it('documents every field of every kind with its description', () => {
    for (const text of [
      'Namespace name',
      'Owning team (catalog group)',
      'vCPU count',
      'Guest memory, e.g. 4Gi',
      'Only this VM; the whole namespace when absent',
    ]) {
      expect(json).toContain(text);
    }
  });

  it('lets blank form fields through to the strict request parse', () => {
    const vm = {
      kind: 'vm',
      cluster: 'dev',
      namespace: 'payments-dev',
      name: 'db',
      purpose: 'x',
      cpu: 1,
      memory: '1Gi',
      rootDisk: {
        size: '10Gi',
        storageClass: '',
        source: {
          type: 'http',
          url: 'https://img.example/a.qcow2',
          namespace: '',
          name: '',
        },
      },
      network: { type: 'pod', name: '' },
      exposure: { type: 'none', ports: '' },
    };
    expect(requestInputSchema.safeParse(vm).success).toBe(true);
  });

  it('still refuses a wrong type', () => {
    expect(
      requestInputSchema.safeParse({ kind: 'vm', cpu: 'many' }).success,
    ).toBe(false);
    expect(
      requestInputSchema.safeParse({ kind: 'cluster-admin' }).success,
    ).toBe(false);
  });
});
