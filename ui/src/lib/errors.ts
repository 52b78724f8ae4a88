// Errors from the shell are `{ code, message }`; everything else that can be thrown (a string, an
// Error, a failed fetch) is brought to the same shape so that views branch on `code` only.

export class ApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e && typeof e === 'object' && typeof (e as { code?: unknown }).code === 'string') {
    const { code, message } = e as { code: string; message?: unknown };
    return new ApiError(code, typeof message === 'string' ? message : '');
  }
  if (typeof e === 'string') return new ApiError('Unknown', e);
  if (e instanceof Error) return new ApiError('Unknown', e.message);
  return new ApiError('Unknown', String(e));
}

/** The i18n key of an error's message: `error.<Code>`, the caller falls back to the message. */
export function errorKey(code: string): string {
  return `error.${code}`;
}
