/** A determinate progress bar; `value` is a percentage from 0 to 100. */
export function ProgressBar({ label, value, valueText }: { label: string; value: number; valueText?: string }) {
  const percent = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-valuetext={valueText}>
      <div className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}
