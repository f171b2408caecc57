/** Description of the `request` input every provisioning action takes. */
export const REQUEST_INPUT_DESCRIPTION =
  'The request: kind (namespace, vm, quota-change, decommission) and its fields, as the template form collects them. Checked against the request schemas; every broken rule is reported with its field.';
