import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { fireEvent, screen } from '@testing-library/react';
import { ProvisioningApi, provisioningApiRef } from '../../api';
import {
  NameField,
  nameFieldProblem,
  nameListProblems,
  nameTarget,
} from './NameField';

/** A client whose every call fails the test: without `ui:options.check`, the field asks the backend nothing. */
const noCalls = new Proxy({} as ProvisioningApi, {
  get: (_target, name) => () => {
    throw new Error(`unexpected call ${String(name)}`);
  },
});

describe('NameField', () => {
  it('says what is allowed, in words, for each naming rule', () => {
    expect(nameFieldProblem('Payments_Dev')).toBe(
      "Payments_Dev must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
    );
    expect(nameFieldProblem('kube-tools')).toBe(
      "kube-tools is reserved for system namespaces (prefix 'kube-')",
    );
    expect(nameFieldProblem('default')).toBe(
      "'default' is a reserved namespace",
    );
    expect(nameFieldProblem('a'.repeat(64))).toBe(
      `${'a'.repeat(64)} must be at most 63 characters (has 64)`,
    );
    // a VM may be called 'default'; only namespaces are reserved
    expect(nameFieldProblem('default', { rule: 'label' })).toBeUndefined();
    expect(nameFieldProblem('payments-dev')).toBeUndefined();
    // an empty field is the `required` rule's to report
    expect(nameFieldProblem('')).toBeUndefined();
  });

  it('shows the problem under the field as it is typed, never a regular expression', async () => {
    const onChange = jest.fn();
    const props = {
      onChange,
      required: true,
      rawErrors: [],
      schema: { title: 'Namespace name', description: 'Lower-case letters' },
      idSchema: { $id: 'root_name' },
      uiSchema: {},
    } as any;
    const withApi = (element: JSX.Element) => (
      <TestApiProvider apis={[[provisioningApiRef, noCalls]]}>
        {element}
      </TestApiProvider>
    );
    const { rerender } = await renderInTestApp(
      withApi(<NameField {...props} formData="payments-dev" />),
    );
    expect(screen.getByText('Lower-case letters')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText(/Namespace name/), {
      target: { value: 'Payments' },
    });
    expect(onChange).toHaveBeenLastCalledWith('Payments');
    rerender(withApi(<NameField {...props} formData="Payments" />));
    expect(
      screen.getByText(
        /^Payments must be a DNS-1123 label: lower-case letters/,
      ),
    ).toBeInTheDocument();
    expect(document.body.textContent).not.toContain('^[a-z0-9]');
  });

  it('checks each name of a list, saying which item breaks the rule', () => {
    expect(nameListProblems(['payments-dev', 'Bad_Name', 'default'])).toEqual([
      "item 2: Bad_Name must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
      "item 3: 'default' is a reserved namespace",
    ]);
    expect(nameListProblems([])).toEqual([]);
  });

  it('looks a name up only when the form says where, and the name keeps the rule', () => {
    const form = { cluster: 'dev', namespace: 'payments-dev' };
    expect(nameTarget('web', { check: 'namespace' }, form)).toEqual({
      kind: 'namespace',
      cluster: 'dev',
      name: 'web',
    });
    expect(nameTarget('db', { rule: 'label', check: 'vm' }, form)).toEqual({
      kind: 'vm',
      cluster: 'dev',
      name: 'db',
      namespace: 'payments-dev',
    });
    expect(nameTarget('web', {}, form)).toBeUndefined();
    expect(nameTarget('Web', { check: 'namespace' }, form)).toBeUndefined();
    expect(
      nameTarget('db', { check: 'vm' }, { cluster: 'dev' }),
    ).toBeUndefined();
  });
});
