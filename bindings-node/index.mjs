// ESM entry point: the same objects as the CommonJS one, so `instanceof` agrees across both.
import cjs from './index.js';

export const {
  Client,
  CinetPayError,
  ValidationError,
  AuthenticationError,
  RateLimitError,
  APIError,
  NetworkError,
  TimeoutError,
  ERROR_CODES,
  FIELDS,
  VERSION,
} = cjs;
export default cjs;
