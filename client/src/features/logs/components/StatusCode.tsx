import { Badge, type BadgeTone } from '../../../ui/Badge';

const tone = (code: number): BadgeTone => (code >= 500 ? 'red' : code >= 400 ? 'yellow' : code >= 300 ? 'blue' : 'green');

/** An HTTP status, coloured by its class: 2xx green, 3xx blue, 4xx yellow, 5xx red. */
export function StatusCode({ code }: { code: number }) {
  return <Badge tone={tone(code)}>{code}</Badge>;
}
