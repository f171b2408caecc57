export { RequestPreview } from './RequestPreview';
export { namespaceRequestFromForm } from './namespaceRequest';
