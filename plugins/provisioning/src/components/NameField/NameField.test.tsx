import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen } from '@testing-library/react';
import { NameField, nameFieldProblem } from './NameField';

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
    const { rerender } = await renderInTestApp(
      <NameField {...props} formData="payments-dev" />,
    );
    expect(screen.getByText('Lower-case letters')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText(/Namespace name/), {
      target: { value: 'Payments' },
    });
    expect(onChange).toHaveBeenLastCalledWith('Payments');
    rerender(<NameField {...props} formData="Payments" />);
    expect(
      screen.getByText(
        /^Payments must be a DNS-1123 label: lower-case letters/,
      ),
    ).toBeInTheDocument();
    expect(document.body.textContent).not.toContain('^[a-z0-9]');
  });
});
