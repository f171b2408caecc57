import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import yaml from 'yaml';
import { createDescribeRequestAction } from './describeRequest';
import { examples } from './describeRequest.examples';

describe('provisioning:request:describe', () => {
  const action = createDescribeRequestAction();

  it.each(examples.map(e => [e.description, e.example]))(
    'runs the example: %s',
    async (_d, example) => {
      const input = yaml.parse(example).steps[0].input;
      const ctx = createMockActionContext({ input });
      await action.handler(ctx);
      expect(ctx.output).toHaveBeenCalledWith(
        'requestId',
        expect.stringMatching(/^(dev|prod)\.(ns|vm)\./),
      );
    },
  );

  it('outputs id, branch and path for a VM', async () => {
    const ctx = createMockActionContext({
      input: {
        cluster: 'prod',
        kind: 'vm' as const,
        namespace: 'payments',
        vmName: 'legacy-db',
        action: 'decommission' as const,
      },
    });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'requestId',
      'prod.vm.payments.legacy-db',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'branch',
      'provisioning/decommission/prod.vm.payments.legacy-db',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'path',
      'clusters/prod/namespaces/payments/vm-legacy-db.yaml',
    );
  });

  it('names every bad field', async () => {
    const ctx = createMockActionContext({
      input: {
        cluster: 'Prod',
        kind: 'vm' as const,
        namespace: 'kube-system',
        action: 'create' as const,
      },
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      "cluster must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit; namespace is reserved for system namespaces (prefix 'kube-'); vmName is required for kind vm",
    );
    expect(ctx.output).not.toHaveBeenCalled();
  });
});
