export const REGIONS = [
  { value: 'us-east-1', label: 'North Virginia (us-east-1)' },
  { value: 'eu-west-1', label: 'Ireland (eu-west-1)' },
  { value: 'sa-east-1', label: 'São Paulo (sa-east-1)' },
  { value: 'ap-northeast-1', label: 'Tokyo (ap-northeast-1)' },
] as const;

export type Region = (typeof REGIONS)[number]['value'];
