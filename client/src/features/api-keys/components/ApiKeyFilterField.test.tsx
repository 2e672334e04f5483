import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiKeyFilterField } from './ApiKeyFilterField';

const chosen = () => (screen.getByLabelText('API key') as HTMLSelectElement).selectedOptions[0]?.textContent;

describe('ApiKeyFilterField', () => {
  it('names a key from the URL once the keys have loaded', () => {
    render(<ApiKeyFilterField keys={[{ id: 'k1', name: 'Checkout service' }]} value="k1" onChange={() => undefined} />);
    expect(chosen()).toBe('Checkout service');
  });

  it('calls a key missing from the loaded list a deleted key', () => {
    render(<ApiKeyFilterField keys={[{ id: 'k1', name: 'Checkout service' }]} value="k2" onChange={() => undefined} />);
    expect(chosen()).toBe('A deleted key');
  });

  it('does not call it deleted while the keys are still loading', () => {
    render(<ApiKeyFilterField keys={undefined} value="k1" onChange={() => undefined} />);
    expect(chosen()).toBe('Loading keys…');
  });
});
