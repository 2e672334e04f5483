/**
 * A progress bar; `value` is a percentage from 0 to 100, or null when how far along is not known
 * (then it is indeterminate: no aria-valuenow, and a moving band instead of a share).
 */
export function ProgressBar({ label, value, valueText }: { label: string; value: number | null; valueText?: string }) {
  if (value === null) {
    return (
      <div className="progress progress-indeterminate" role="progressbar" aria-label={label} aria-valuetext={valueText}>
        <div className="progress-fill" />
      </div>
    );
  }
  const percent = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-valuetext={valueText}>
      <div className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}
