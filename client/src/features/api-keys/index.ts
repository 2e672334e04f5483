// What other features use: the "API key" filter of their list pages.
export { ApiKeyFilterField, type ApiKeyFilterFieldProps } from './components/ApiKeyFilterField';
export { useApiKeyFilterKeys } from './hooks/useApiKeyFilterKeys';
export { useKeysTiedToDomain } from './hooks/useKeysTiedToDomain';
export { API_KEY_FILTER_LABEL, API_KEY_FILTER_LABELS } from './labels';
