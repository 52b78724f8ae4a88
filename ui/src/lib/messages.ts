// What the pupil reads when something fails: the translated message for the error's code, else
// the shell's own message, else a generic one.
import { has, t } from '../i18n/index.svelte';
import { errorKey, toApiError } from './errors';

export function errorText(e: unknown): string {
  const err = toApiError(e);
  const key = errorKey(err.code);
  if (has(key)) return t(key);
  return err.message || t('error.Unknown');
}
