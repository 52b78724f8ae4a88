// Errors from the shell are `{ code, message, details? }`; everything else that can be thrown (a string, an
// Error, a failed fetch) is brought to the same shape so that views branch on `code` only.

export class ApiError extends Error {
  readonly code: string;
  /** What some codes carry for the UI (`SignInRequired`: the catalogue's authentication document). */
  readonly details: unknown;
  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details ?? null;
  }
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e && typeof e === 'object' && typeof (e as { code?: unknown }).code === 'string') {
    const { code, message, details } = e as { code: string; message?: unknown; details?: unknown };
    return new ApiError(code, typeof message === 'string' ? message : '', details);
  }
  if (typeof e === 'string') return new ApiError('Unknown', e);
  if (e instanceof Error) return new ApiError('Unknown', e.message);
  return new ApiError('Unknown', String(e));
}

/** The i18n key of an error's message: `error.<Code>`, the caller falls back to the message. */
export function errorKey(code: string): string {
  return `error.${code}`;
}
