import { badInput } from '../../errors.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(raw: string, field = 'email'): string {
  const email = raw.trim().toLowerCase();
  if (!email) throw badInput(field, 'Email is required.');
  if (email.length > 254 || !EMAIL.test(email)) throw badInput(field, 'Enter a valid email address.');
  return email;
}

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

export function checkPassword(password: string, field = 'password'): void {
  if (password.length < PASSWORD_MIN) {
    throw badInput(field, `Password must be at least ${PASSWORD_MIN} characters.`);
  }
  if (password.length > PASSWORD_MAX) {
    throw badInput(field, `Password must be at most ${PASSWORD_MAX} characters.`);
  }
}

export function checkName(raw: string, field: string, label: string, max: number): string {
  const name = raw.trim();
  if (!name) throw badInput(field, `${label} is required.`);
  if (name.length > max) throw badInput(field, `${label} must be at most ${max} characters.`);
  return name;
}
