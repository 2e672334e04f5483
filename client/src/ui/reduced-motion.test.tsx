import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { withStylesheetsAt } from '../test/stylesheets';
import { Dialog } from './Dialog';
import { ProgressBar } from './ProgressBar';

withStylesheetsAt({ width: 1280, reducedMotion: true }, 'app/styles.css');

describe('with reduced motion asked for', () => {
  it('fades a dialog in without moving or scaling it', () => {
    render(<Dialog open onOpenChange={() => {}} title="Roll API key" />);
    const dialog = screen.getByRole('dialog', { name: 'Roll API key' });
    expect(getComputedStyle(dialog).animationName).toBe('fade-in');
  });

  it('sets an export’s progress bar to its value without sliding it there', () => {
    const { container } = render(<ProgressBar value={40} label="Export progress" />);
    const fill = container.querySelector('.progress-fill');
    expect(fill && getComputedStyle(fill).transitionProperty).toBe('none');
  });

  it('keeps the band of a progress bar of unknown length still', () => {
    const { container } = render(<ProgressBar value={null} label="Export progress" />);
    const fill = container.querySelector('.progress-fill');
    expect(fill && getComputedStyle(fill).animationName).toBe('none');
  });
});
