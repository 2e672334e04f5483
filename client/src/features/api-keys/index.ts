// What other features use: the "API key" filter of their list pages.
export { ApiKeyFilterField, type ApiKeyFilterFieldProps } from './components/ApiKeyFilterField';
export { useApiKeyFilterKeys } from './hooks/useApiKeyFilterKeys';
export { describeApiKeyFilter } from './labels';
export { useKeysTiedToDomain } from './hooks/useKeysTiedToDomain';
